"""PostgreSQL's employer_inner_words (migration 4600): kept by every writer, rebuilt after a first
load, and read by a one-word search for the names holding the word behind their first word."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.employers import queries, staging
from app.employers.enums import EmployerSort
from app.employers.inner_words import INNER_WORDS_TRIGGER, pause_inner_words, rebuild_inner_words
from app.employers.models import Employer
from app.employers.queries import EmployerFilters, search_employers, search_page
from app.employers.sirene import import_sirene
from app.extensions import db
from app.pagination import COUNT_LIMIT, ResultCount, bounded_count, paginate
from tests.employers.data import ESTABLISHMENTS, LEGAL_UNITS
from tests.factories import BasinFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.postgresql_only

TODAY = date(2026, 11, 22)
# The ways a word sits in a name: first, inside the first word, behind it (twice), in a longer word,
# in the commune; and a first word repeated behind.
NAMES = [
    ("Coiffure Martin", "Saint-Nazaire"),
    ("Salon de coiffure Petit", "Pornichet"),
    ("Salon de coiffure Petit", "Pornichet"),  # the same name: ties go by id
    ("Atelier coiffure coiffure", "Pornichet"),
    ("Cabinet Coiffures Réunies", "Saint-Nazaire"),
    ("Supercoiffure Leroy", "Pornichet"),
    ("Zinc Durand", "Coiffureville"),
    ("Boulangerie Boulangerie", "Pornichet"),
    ("Aide à domicile Garnier", "Saint-Nazaire"),
]


def _kept_rows() -> set[tuple[str, str, int]]:
    return set(db.session.execute(sa.text("SELECT word, search_name, employer_id FROM employer_inner_words")).all())


def _expected_rows() -> set[tuple[str, str, int]]:
    """Each name's words of three letters or more behind its first one, computed here in Python."""
    rows = set()
    for employer_id, search_name in db.session.execute(sa.select(Employer.id, Employer.search_name)):
        for word in search_name.split(" ")[1:]:
            if len(word) >= 3:
                rows.add((word, search_name, employer_id))
    return rows


def _trigger_on() -> bool:
    """Whether the table's three triggers are on."""
    return db.session.scalar(
        sa.text("SELECT bool_and(tgenabled <> 'D') FROM pg_trigger WHERE tgname LIKE 'employer_inner_words_%'")
    )


def test_every_writer_keeps_the_words_behind_the_first_one():
    for name, commune in NAMES:
        EmployerFactory(name=name, commune_name=commune)
    db.session.flush()
    # A Core insert of several rows, as imports write.
    db.session.execute(
        sa.insert(Employer),
        [{"name": f"Garage {n}", "search_name": f"garage du port {n}", "basin_id": 1} for n in ("nord", "sud")],
    )
    rows = _kept_rows()
    assert rows == _expected_rows()
    assert ("coiffure", "salon de coiffure petit pornichet") in {(w, n) for w, n, _ in rows}
    assert not any(word in ("de", "du", "a") for word, _, _ in rows)  # too short to be searched in
    renamed = db.session.scalar(sa.select(Employer).where(Employer.name == "Zinc Durand"))
    renamed.name = "Zinc Dupont"
    db.session.flush()
    db.session.delete(db.session.scalar(sa.select(Employer).where(Employer.name == "Coiffure Martin")))
    db.session.execute(sa.delete(Employer).where(Employer.search_name.like("garage du port%")))
    db.session.execute(sa.update(Employer).where(Employer.name == "Supercoiffure Leroy").values(search_name="x y"))
    assert _kept_rows() == _expected_rows()
    assert not any(name.startswith("zinc durand") for _, name, _ in _kept_rows())


def test_a_first_load_leaves_the_words_aside_then_rebuilds_them(monkeypatch, count_queries):
    monkeypatch.setattr(staging, "REBUILD_FROM_ROWS", 1)
    db.session.execute(sa.text("ANALYZE employers"))  # the register is empty
    with count_queries() as statements:
        report = import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    assert report.created == 4
    # Off for the insert, then rebuilt by the queued job (run at once in the tests).
    assert any(
        statement.startswith(f"ALTER TABLE employers DISABLE TRIGGER {INNER_WORDS_TRIGGER}, DISABLE TRIGGER")
        for statement in statements
    )
    assert any(statement.startswith("TRUNCATE employer_inner_words") for statement in statements)
    assert _trigger_on()
    assert _kept_rows() == _expected_rows() != set()


def test_while_the_words_are_rebuilt_the_search_finds_the_same_pages_without_them(monkeypatch, count_queries):
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 2)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    monkeypatch.setattr(queries, "FEW_MATCHES", 0)
    user = UserFactory()
    for name, commune in NAMES:
        EmployerFactory(name=name, commune_name=commune)
    search = EmployerFilters(text="coiffure")
    with count_queries() as statements:
        _assert_pages_are_those_of_the_full_sort(user, search)
    assert any("JOIN employer_inner_words" in statement for statement in statements)
    assert not any("employer_other_words" in statement for statement in statements)

    pause_inner_words(db.session.connection())
    kept = _kept_rows()
    EmployerFactory(name="Institut de coiffure Noël")  # not in the table until it is rebuilt
    renamed = db.session.scalar(sa.select(Employer).where(Employer.name == "Zinc Durand"))
    renamed.name = "Zinc Dupont"  # a first load renames its employers by their legal units' names
    db.session.flush()
    assert not _trigger_on() and _kept_rows() == kept
    with count_queries() as statements:
        _assert_pages_are_those_of_the_full_sort(user, search)
    assert not any("employer_inner_words" in statement for statement in statements[1:])
    assert any("employer_other_words" in statement for statement in statements)

    rebuild_inner_words(db.session.connection())
    assert _trigger_on() and _kept_rows() == _expected_rows()
    _assert_pages_are_those_of_the_full_sort(user, search)


@pytest.mark.parametrize("text", ["coiffure", "oiffu", "coiffures", "boulangerie", "domicile", "co", "zzz"])
@pytest.mark.parametrize("max_inner_words", [0, 64])  # the trigram indexes, or the words' runs
def test_a_word_s_runs_give_the_pages_of_the_full_sort(monkeypatch, text, max_inner_words):
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 2)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    monkeypatch.setattr(queries, "FEW_MATCHES", 0)
    monkeypatch.setattr(queries, "MAX_INNER_WORDS", max_inner_words)
    user = UserFactory()
    for name, commune in NAMES:
        EmployerFactory(name=name, commune_name=commune)
    EmployerFactory(name="Salon de coiffure d'un autre bassin", basin=BasinFactory())
    for sort in (EmployerSort.NAME, EmployerSort.NAME_DESC):
        _assert_pages_are_those_of_the_full_sort(user, EmployerFilters(text=text, sort=sort))


def _assert_pages_are_those_of_the_full_sort(user, filters: EmployerFilters) -> None:
    for number in range(1, 6):
        expected = paginate(search_employers(user, filters, TODAY), number, per_page=2)
        page = search_page(user, filters, TODAY, number, per_page=2)
        assert [e.id for e in page.items] == [e.id for e in expected.items], (filters, number)
        assert page.has_next == expected.has_next


def test_a_word_behind_more_first_words_than_the_count_s_limit_is_counted_from_its_runs(monkeypatch, count_queries):
    # « coiffure » behind « salon de » in 125,000 names of 2.5 M: the trigram bitmap of its matches
    # took 78 ms to count past 1,000; the first rows of its runs, 6 ms.
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    basin, elsewhere = BasinFactory(), BasinFactory()
    user = UserFactory(basins=[basin])
    db.session.execute(
        sa.insert(Employer),
        [
            {"name": f"Salon {n}", "search_name": f"salon de coiffure {n:04}", "basin_id": basin.id}
            for n in range(COUNT_LIMIT + 1)
        ],
    )

    def counted(text: str, scope=user) -> tuple[ResultCount, list[int] | None, list[str]]:
        search = EmployerFilters(text=text)
        words = queries._search_words(text)
        with count_queries() as statements:
            ids, count = queries._matches_counted(
                scope, search, TODAY, words, queries._inner_words_containing(words[0])
            )
        assert count == bounded_count(queries.matching_employers_query(scope, search, TODAY))
        return count, ids, statements

    count, ids, statements = counted("coiffure")
    assert count == ResultCount(COUNT_LIMIT, exceeded=True) and ids is None
    assert "employer_inner_words" in statements[-1] and "LIKE" not in statements[-1]
    # Another scope holds none of them: counted the usual way.
    count, ids, _ = counted("coiffure", scope=UserFactory(basins=[elsewhere]))
    assert count == ResultCount(0) and ids == []
    monkeypatch.setattr(queries, "INNER_ROWS_COUNTED", COUNT_LIMIT)  # too few rows read to tell
    count, ids, statements = counted("coiffure")
    assert count == ResultCount(COUNT_LIMIT, exceeded=True) and ids is None
    assert "LIKE" in statements[-1]
