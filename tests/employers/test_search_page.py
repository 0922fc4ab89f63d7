"""search_page finds on PostgreSQL the same pages as sorting every match, by shorter ways."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.employers import queries
from app.employers.enums import EmployerSort
from app.employers.models import Employer
from app.employers.queries import EmployerFilters, search_employers, search_page
from app.extensions import db
from app.pagination import COUNT_LIMIT, ResultCount, bounded_count, paginate
from app.reference_cache import forget_all
from app.referential.enums import HeadcountBand
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerFactory,
    RecruitmentNeedFactory,
    UserFactory,
)

TODAY = date(2026, 11, 22)
NAMES = [
    # (name, enseigne, commune)
    ("Garage Martin", "Garage du Port", "Pornichet"),
    ("Garage Martin", None, "Pornichet"),  # the same search name: ties go by id
    ("Garage Dupont", None, "Saint-Nazaire"),
    ("Garages Réunis", None, "Pornichet"),  # the word starts a longer one
    ("Autogarage Leroy", None, "Saint-Nazaire"),  # inside the first word
    ("Boulangerie Petit", "Garage Petit", "Pornichet"),  # in the other words
    ("Boulangerie Garnier", None, "Garageville"),  # in the commune
    ("Aide à domicile Garage", None, "Pornichet"),
    ("Zinc Garage Garage", None, "Saint-Nazaire"),  # a repeated word that is not the first
    ("Garage", "Garage", "Garage"),
    ("Café Martin", None, "Pornichet"),
    ("Café du Port", None, "Saint-Nazaire"),
]
# A restaurant and a supermarket: NAF sections I and G.
NAF_CODES = ["56.10A", "47.11D"]


@pytest.mark.postgresql_only
@pytest.mark.parametrize("few_matches", [0, 1_000])  # the look-ahead and the union, or every match sorted
@pytest.mark.parametrize("look_ahead", [3, 10_000])
@pytest.mark.parametrize("sort", [EmployerSort.NAME, EmployerSort.NAME_DESC])
@pytest.mark.parametrize("text", ["garage", "GARAGE", "martin", "port", "saint nazaire", "garage martin", "zzz"])
def test_pages_are_those_of_the_full_sort(monkeypatch, few_matches, look_ahead, sort, text):
    monkeypatch.setattr(queries, "FEW_MATCHES", few_matches)
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", look_ahead)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)  # the register's first names are read
    user = UserFactory()
    for name, enseigne, commune in NAMES:
        EmployerFactory(name=name, enseigne=enseigne, commune_name=commune)
    EmployerFactory(name="Garage d'un autre bassin", basin=BasinFactory())
    _assert_pages_are_those_of_the_full_sort(user, EmployerFilters(text=text, sort=sort), pages=5)


@pytest.mark.postgresql_only
@pytest.mark.parametrize("sort", [EmployerSort.NAME, EmployerSort.NAME_DESC])
@pytest.mark.parametrize(
    "text", ["garage", "martin", "port", "saint nazaire", "garage martin", "boulangerie garnier garageville", "zzz"]
)
def test_a_small_scope_s_names_find_what_the_trigram_indexes_find(monkeypatch, sort, text):
    # A small scope's words are matched on its basins' names (an expression no index holds, read
    # from the basins' name index): the same rows, pages and count as through the trigram indexes.
    user = UserFactory()
    for name, enseigne, commune in NAMES:
        EmployerFactory(name=name, enseigne=enseigne, commune_name=commune)
    EmployerFactory(name="Garage d'un autre bassin", basin=BasinFactory())
    filters = EmployerFilters(text=text, sort=sort)

    def pages_and_count():
        pages = [search_page(user, filters, TODAY, number, per_page=2) for number in range(1, 6)]
        count = bounded_count(queries.matching_employers_query(user, filters, TODAY)).value
        return [([e.id for e in page.items], page.has_next) for page in pages], count

    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    through_trigrams = pages_and_count()
    monkeypatch.setattr(queries, "SMALL_SCOPE", 1_000)
    forget_all()  # the scope's size is kept
    with_scope_read = pages_and_count()
    assert with_scope_read == through_trigrams
    assert "employers.search_name ||" in _text_condition_sql(user, text)


def _text_condition_sql(user, text: str) -> str:
    condition = queries._text_condition(text, user)
    return str(condition.compile(db.session.get_bind())) if condition is not None else ""


def _assert_pages_are_those_of_the_full_sort(user, filters: EmployerFilters, pages: int) -> None:
    for number in range(1, pages + 1):
        expected = paginate(search_employers(user, filters, TODAY), number, per_page=2)
        page = search_page(user, filters, TODAY, number, per_page=2)
        assert [e.id for e in page.items] == [e.id for e in expected.items], (filters, number)
        assert page.has_next == expected.has_next


@pytest.mark.parametrize("sort", [EmployerSort.NAME, EmployerSort.NAME_DESC])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"naf": "56"},
        {"naf": "I"},
        {"has_open_need": True},
        {"idle_months": 6},
        {"privileged_contact": "mine"},
        {"privileged_contact": "none"},
        {"privileged_contact": "none", "headcount_band": HeadcountBand.B11},
    ],
)
def test_a_user_of_several_basins_gets_the_pages_of_the_full_sort(filters, sort):
    # Each basin's first names, merged (_first_ids_by_basin, PostgreSQL), or an activity's first ids
    # (_first_ids_of_an_activity, SQLite): the same pages as one sort of them all.
    basins = [BasinFactory(), BasinFactory(), BasinFactory()]
    user = UserFactory(basins=basins)
    for number, (name, enseigne, commune) in enumerate(NAMES):
        employer = EmployerFactory(
            name=name,
            enseigne=enseigne,
            commune_name=commune,
            basin=basins[number % 3],
            naf_code=NAF_CODES[number % 2],
            headcount_band=HeadcountBand.B11 if number % 2 else HeadcountBand.B01,
        )
        if number % 3 == 0:
            RecruitmentNeedFactory(employer=employer)
        if number % 4 == 0:
            AssignmentFactory(employer=employer, adviser=user)
    # The same name in two basins: ties go by id, the same way as the sort.
    for basin in basins[:2]:
        EmployerFactory(name="Garage Martin", commune_name="Pornichet", basin=basin, naf_code=NAF_CODES[0])
    EmployerFactory(name="Café d'un autre bassin", basin=BasinFactory())
    _assert_pages_are_those_of_the_full_sort(user, EmployerFilters(sort=sort, **filters), pages=8)


@pytest.mark.postgresql_only
def test_a_user_of_several_basins_lists_from_each_basin_s_name_index(plan_of):
    # An adviser of 3 basins of 5,000 employers at 2.5 M: PostgreSQL walked the register's name index
    # (500 ms), and 1.4 s with NAF 56, whose « restaurant » names come late in the alphabet.
    basins = [BasinFactory(), BasinFactory(), BasinFactory()]
    user = UserFactory(basins=basins)
    for number in range(6):
        EmployerFactory(name=f"Restaurant {number}", basin=basins[number % 3])
    with plan_of(lambda statement: "UNION ALL" in statement) as plan:
        page = search_page(user, EmployerFilters(naf="56"), TODAY, 1, per_page=2)
    assert [e.name for e in page.items] == ["Restaurant 0", "Restaurant 1"]
    # Each basin read from a basin index (on a test's few rows sorted rather than merged), with the
    # activity as a second condition when that index holds it (migration 4300).
    assert len(re.findall(r"Index Cond: \(+basin_id = ", plan[0])) == 3, plan[0]
    assert "ix_employers_search_name_id" not in plan[0], plan[0]
    # The merged ids are read with the page's rows, in one round trip.
    assert "naf_codes" in plan[0], plan[0]


@pytest.mark.sqlite_only
def test_sqlite_reads_an_activity_s_first_ids_from_its_index(plan_of):
    # 200,000 employers, NAF 56: SQLite read the division's 30,000 employers with their basin and
    # activity rows to keep 25 (60–100 ms); the page's ids come from an index alone (9 ms).
    basins = [BasinFactory(), BasinFactory()]
    user = UserFactory(basins=basins)
    for number in range(6):
        EmployerFactory(name=f"Restaurant {number}", basin=basins[number % 2], naf_code=NAF_CODES[0])
    EmployerFactory(name="Supermarché", basin=basins[0], naf_code=NAF_CODES[1])
    with plan_of(lambda statement: "naf_codes" in statement and "LIMIT" in statement) as plan:
        page = search_page(user, EmployerFilters(naf="56"), TODAY, 2, per_page=2)
    assert [e.name for e in page.items] == ["Restaurant 2", "Restaurant 3"] and page.has_next
    assert "USING COVERING INDEX ix_employers_naf_code_basin_id_search_name" in plan[0], plan[0]


@pytest.mark.sqlite_only
def test_which_sqlite_lists_read_an_activity_s_first_ids():
    user = UserFactory()
    restaurant = EmployerFactory(name="Restaurant", naf_code=NAF_CODES[0])

    def first_ids(**filters):
        statement = queries._first_ids_of_an_activity(user, EmployerFilters(**filters), TODAY, 3)
        return None if statement is None else list(db.session.scalars(statement))

    assert first_ids(naf="56") == [restaurant.id]
    assert first_ids(naf="I") == [restaurant.id]  # a section: its divisions
    assert first_ids() is None
    assert first_ids(naf="56", text="restaurant") is None  # the text's matches are fewer
    assert first_ids(naf="56", privileged_contact="mine") is None
    assert first_ids(naf="56", sort=EmployerSort.COMMUNE) is None
    assert queries._first_ids_of_an_activity(user, EmployerFilters(naf="56"), TODAY, 1_001) is None


@pytest.mark.postgresql_only
def test_which_lists_merge_each_basin_s_first_names():
    one, two = BasinFactory(), BasinFactory()

    def first_ids(user, **filters):
        statement = queries._first_ids_by_basin(user, EmployerFilters(**filters), TODAY, 3)
        return None if statement is None else list(db.session.scalars(statement))

    assert first_ids(UserFactory(basins=[one, two])) == []
    assert first_ids(UserFactory(basins=[one])) is None  # one basin: its index gives the order
    assert first_ids(UserFactory(admin=True)) is None  # every basin: the register's name order
    assert first_ids(UserFactory(basins=[one, two]), text="garage") is None  # _first_ids_by_name's
    assert first_ids(UserFactory(basins=[one, two]), sort=EmployerSort.COMMUNE) is None
    assert first_ids(UserFactory(basins=[one, two]), privileged_contact="mine") is None


@pytest.mark.postgresql_only
def test_which_searches_take_the_shorter_ways(monkeypatch):
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 1)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    monkeypatch.setattr(queries, "FEW_MATCHES", 1)
    user = UserFactory()
    first = EmployerFactory(name="Garage Martin")
    second = EmployerFactory(name="Garage Petit")

    def first_ids(text, sort=EmployerSort.NAME, wanted=3):
        return queries._first_ids_by_name(user, EmployerFilters(text=text, sort=sort), TODAY, wanted)[0]

    assert first_ids("garage") == [first.id, second.id]
    assert first_ids("petit") == [second.id]  # as few matches as FEW_MATCHES: all of them sorted
    assert first_ids("zzz") == []  # none: no page to look for
    assert first_ids("garage", EmployerSort.NAME_DESC) == [second.id, first.id]
    assert first_ids("garage martin") == [first.id]  # as few matches, whatever the words
    assert first_ids("garage t") is None  # several words: sorting their matches is cheap
    assert first_ids("garage", EmployerSort.COMMUNE) is None
    assert first_ids(first.siret) is None
    assert first_ids("garage", wanted=queries.MAX_NAME_ORDER_ROW + 1) is None


# The look-ahead's window: the register's first names, joined.
LOOK_AHEAD = "JOIN (SELECT employers.id AS id, employers.search_name AS search_name \nFROM employers ORDER BY"


@pytest.mark.postgresql_only
def test_a_user_of_few_employers_does_not_read_the_register_s_first_names(monkeypatch, count_queries):
    # An adviser of 15,000 employers at 2.5 M: the first 20,000 names of the register held about 120
    # of theirs, and PostgreSQL built the word's whole trigram bitmap to join them (40–110 ms).
    # Their matches are read from their basins' names (8 ms), the admin's through the trigram indexes.
    monkeypatch.setattr(queries, "SMALL_SCOPE", 3)
    monkeypatch.setattr(queries, "FEW_MATCHES", 0)  # the admin's two matches are not sorted whole
    adviser, admin = UserFactory(), UserFactory(admin=True)
    for name in ("Garage Martin", "Garage Petit", "Café Martin"):
        EmployerFactory(name=name)

    def reads_the_first_names(user) -> bool:
        with count_queries() as statements:
            ids, _ = queries._first_ids_by_name(user, EmployerFilters(text="garage"), TODAY, 3)
        assert ids
        return any(LOOK_AHEAD in statement for statement in statements)

    assert not reads_the_first_names(adviser)
    assert reads_the_first_names(admin)  # every basin: the register is the scope
    assert "employers.search_name ||" in _text_condition_sql(adviser, "garage")
    assert "employers.search_name ||" not in _text_condition_sql(admin, "garage")
    with count_queries() as statements:
        assert not reads_the_first_names(adviser)
    assert not [s for s in statements if "count(*)" in s]  # the scope's size is kept, not counted again
    page = search_page(adviser, EmployerFilters(text="martin"), TODAY, 1, per_page=1)
    assert [employer.name for employer in page.items] == ["Café Martin"] and page.has_next
    EmployerFactory(name="Garage Durand")
    forget_all()
    assert reads_the_first_names(adviser)  # 4 employers: no longer a small scope


@pytest.mark.postgresql_only
def test_the_name_indexes_sort_byte_wise_whatever_the_database_collation():
    # The model comparison cannot see an index column's collation (app/schema.py).
    definitions = dict(
        db.session.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'employers'")).all()
    )
    for index in ("ix_employers_search_name_id", "ix_employers_basin_id_search_name"):
        assert 'search_name COLLATE "C"' in definitions[index], definitions[index]


@pytest.mark.postgresql_only
def test_a_search_of_few_matches_is_counted_once_and_sorted_whole(monkeypatch, client, login, count_queries):
    # A name typed in full: the register's first names held none of its 3 matches (6 ms at 200,000 to
    # find that out). Counted first, as the page shows, they are sorted whole; none is no page at all.
    # At 2.5 M, their trigram bitmaps read a second time for the page took 21–36 ms.
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 2)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    user = UserFactory()
    for name in ("Garage Martin", "Garage Petit", "Café Martin", "Zinc Martin"):
        EmployerFactory(name=name)
    login(user)

    def search(text: str, few_matches: int) -> tuple[str, list[str]]:
        monkeypatch.setattr(queries, "FEW_MATCHES", few_matches)
        with count_queries() as statements:
            response = client.get("/entreprises", query_string={"q": text})
        assert response.status_code == 200
        return response.get_data(as_text=True), [s for s in statements if "FROM employers" in s]

    page, statements = search("martin", few_matches=1_000)
    assert "3 résultats" in page
    # The matches read once, for their count and their ids; not again for the page or its count.
    assert len([s for s in statements if "LIKE" in s and "employers.id IN (" not in s]) == 1
    assert not [s for s in statements if LOOK_AHEAD in s]
    # The same page the look-ahead finds (its window of two names holds one match: it falls back).
    assert search("martin", few_matches=0)[0].count("/entreprises/") == page.count("/entreprises/")
    page, statements = search("zzz", few_matches=1_000)
    assert "Aucune entreprise ne correspond" in page
    assert not [s for s in statements if LOOK_AHEAD in s or "ORDER BY" in s and "count(*)" not in s]


@pytest.mark.postgresql_only
def test_a_word_starting_more_names_than_the_count_s_limit_is_counted_from_their_range(monkeypatch, count_queries):
    # « garage » starts 10,000 names of 200,000: the trigram bitmap of all its matches took 4–8 ms to
    # count past 1,000; the range of names starting with it, 1 ms.
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    basin = BasinFactory()
    user = UserFactory(basins=[basin])
    db.session.execute(
        sa.insert(Employer),
        [
            {"name": f"Garage {n}", "search_name": f"garage {n:04}", "basin_id": basin.id}
            for n in range(COUNT_LIMIT + 1)
        ],
    )
    EmployerFactory(name="Autogarage Leroy", basin=basin)
    EmployerFactory(name="Garage d'un autre bassin", basin=BasinFactory())

    def counted(text: str, **filters) -> tuple[ResultCount, list[int] | None, list[str]]:
        search = EmployerFilters(text=text, **filters)
        with count_queries() as statements:
            ids, count = queries._matches_counted(user, search, TODAY, queries._search_words(text))
        assert count == bounded_count(queries.matching_employers_query(user, search, TODAY))
        return count, ids, statements

    count, ids, statements = counted("garage")
    assert count == ResultCount(COUNT_LIMIT, exceeded=True) and ids is None
    assert len(statements) == 1 and "LIKE" not in statements[0]  # the range alone
    count, ids, statements = counted("arage")  # inside every name, starting none
    assert count == ResultCount(COUNT_LIMIT, exceeded=True) and len(statements) == 2
    assert ids is None  # more than were read: none to sort
    count, ids, statements = counted("garage", naf="56")  # a filter may leave few of the range: the usual way
    assert not count.exceeded and len(statements) == 1 and "LIKE" in statements[0]
    assert len(ids) == count.value
    count, ids, statements = counted("garage 0001")  # two words
    assert count == ResultCount(1) and len(statements) == 1
    assert [match.id for match in ids] == db.session.scalars(
        sa.select(Employer.id).where(Employer.search_name == "garage 0001")
    ).all()


@pytest.mark.postgresql_only
def test_a_search_whose_look_ahead_came_up_short_goes_another_way_next_time(monkeypatch, count_queries):
    # A trade's names start with it, long after the register's first names: the look-ahead came up
    # short every time (6–8 ms at 200,000) before the union found the page.
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 2)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    monkeypatch.setattr(queries, "FEW_MATCHES", 0)
    adviser, admin = UserFactory(), UserFactory(admin=True)
    for name in ("Aide Martin", "Boulangerie Petit", "Garage Martin", "Garage Petit", "Garage Durand"):
        EmployerFactory(name=name)

    def page_and_look_ahead(user, filters: EmployerFilters | None = None) -> tuple[list[int], bool]:
        with count_queries() as statements:
            page = search_page(user, filters or EmployerFilters(text="garage"), TODAY, 1, per_page=2)
        return [employer.id for employer in page.items], any(LOOK_AHEAD in s for s in statements)

    first, looked_ahead = page_and_look_ahead(adviser)
    assert looked_ahead and len(first) == 2
    assert page_and_look_ahead(adviser) == (first, False)  # the same page, the other way at once
    assert page_and_look_ahead(admin)[1]  # another scope
    with_a_filter = EmployerFilters(text="garage", headcount_band=HeadcountBand.B01)
    assert page_and_look_ahead(adviser, with_a_filter)[1] and page_and_look_ahead(adviser, with_a_filter)[1]
    forget_all()  # renewed with the other kept values (SCOPE_SIZE_MAX_AGE)
    assert page_and_look_ahead(adviser) == (first, True)


@pytest.mark.postgresql_only
def test_a_look_ahead_that_found_some_matches_reads_a_window_holding_the_page(monkeypatch, count_queries):
    # « denis » at 2.5 M: 25,000 matches spread over the register, 24 of them in its first 20,000 names
    # for a page of 26; the union then read every match (90 ms). A window holding about twice the page
    # at the density found is read instead. No match at all: they cluster further on, the other ways.
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 2)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    monkeypatch.setattr(queries, "FEW_MATCHES", 1)
    user = UserFactory()
    for name in ("Aide Denis", "Aide Martin", "Boulangerie Denis", "Café Petit", "Garage Denis", "Zinc Petit"):
        EmployerFactory(name=name)

    def ways(text: str) -> tuple[int, bool]:
        """How many look-aheads found the page, and whether the union had to."""
        forget_all()
        search = EmployerFilters(text=text)
        with count_queries() as statements:
            page = search_page(user, search, TODAY, 1, per_page=2)
        assert page.items == list(db.session.scalars(search_employers(user, search, TODAY).limit(2)))
        return len([s for s in statements if LOOK_AHEAD in s]), any("UNION" in s for s in statements)

    # The first 2 names hold 1 of the 3 wanted: then 2 * 2 names * 3 wanted / 1 found = 12 names.
    assert ways("denis") == (2, False)
    assert ways("petit") == (1, True)  # none among the first names
    monkeypatch.setattr(queries, "MAX_LOOK_AHEAD_NAMES", 2)  # the bound: the other ways
    assert ways("denis") == (1, True)
