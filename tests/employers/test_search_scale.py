"""Searches that stay instant on a national register: a typo reads the nearest names from an index,
and a SIRET or SIREN is one exact lookup, in the employers' list and in the header's search."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.employers.queries import NEAR_LIMIT, EmployerFilters, search_employers
from app.extensions import db
from app.search.queries import search_everything
from tests.factories import EmployerContactFactory, EmployerFactory, RecruitmentNeedFactory, UserFactory
from tests.factories.employers import make_siret

TODAY = date(2026, 11, 30)
NAMES = [
    "Boulangerie Martin",
    "Boulangerie Martine",
    "Boulanger Dupont",
    "Boulangeries du Port",
    "Garage du Centre",
    "Pâtisserie Boulanger",
    "Restaurant La Boulange",
    "Café des Boulangers",
]


def _near_names(user, text: str) -> list[str]:
    query = search_employers(user, EmployerFilters(text=text), TODAY, typo_tolerant=True)
    return [employer.name for employer in db.session.scalars(query).unique()]


@pytest.mark.postgresql_only
def test_a_typo_lists_the_same_names_in_the_same_order_as_a_plain_scan():
    for name in NAMES:
        EmployerFactory(name=name)
    user = UserFactory()
    texts = ("boulangrie", "boulangrie martn", "garag centre", "patiserie")
    found = {text: _near_names(user, text) for text in texts}
    # The plain scan: every name read, its distance computed row by row, no index.
    db.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    for text in texts:
        words = text.split()
        near = " AND ".join(f":w{n} <% search_name" for n in range(len(words)))
        expected = list(
            db.session.scalars(
                sa.text(f"SELECT name FROM employers WHERE {near} ORDER BY :text <<-> search_name, id").bindparams(
                    text=text, **{f"w{n}": word for n, word in enumerate(words)}
                )
            )
        )
        assert found[text] == expected and expected, text


@pytest.mark.postgresql_only
def test_a_typo_walks_the_gist_index_nearest_first():
    EmployerFactory(name="Boulangerie Martin")
    user = UserFactory()
    query = search_employers(user, EmployerFilters(text="boulangrie"), TODAY, typo_tolerant=True)
    sql = str(query.compile(dialect=postgresql.dialect(paramstyle="named"), compile_kwargs={"literal_binds": True}))
    # The table is tiny: forbid the sequential scan, as 2.5 million rows would.
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    with db.session.connection().connection.driver_connection.cursor() as cursor:
        plan = "\n".join(row[0] for row in cursor.execute(f"EXPLAIN {sql}"))
    assert "ix_employers_search_name_gist" in plan and "Order By" in plan, plan
    assert f"LIMIT {NEAR_LIMIT}" in sql


@pytest.mark.postgresql_only
def test_a_typo_keeps_the_nearest_within_the_limit(monkeypatch):
    import app.employers.queries as queries

    for name in NAMES:
        EmployerFactory(name=name)
    user = UserFactory()
    distance = {
        name: value
        for name, value in db.session.execute(sa.text("SELECT name, 'boulangrie' <<-> search_name AS d FROM employers"))
    }
    everything = _near_names(user, "boulangrie")
    monkeypatch.setattr(queries, "NEAR_LIMIT", 3)
    kept = _near_names(user, "boulangrie")
    assert len(everything) > 3 and len(kept) == 3
    # The nearest three (a tie at the edge may keep either name), still nearest first.
    assert max(distance[name] for name in kept) <= min(distance[name] for name in set(everything) - set(kept))
    assert [distance[name] for name in kept] == sorted(distance[name] for name in kept)


@pytest.mark.parametrize("kind", ["siret", "siren"])
def test_an_identifier_in_the_header_search_reads_employers_only(kind, count_queries):
    employer = EmployerFactory(name="Chantiers de l'Atlantique")
    digits = employer.siret if kind == "siret" else employer.siret[:9]
    # A contact whose phone and a need whose title hold the digits: a SIRET is no phone number.
    EmployerContactFactory(employer=employer, last_name="Le Goff", phone=digits)
    RecruitmentNeedFactory(employer=employer, title=f"Soudeur {digits}")
    unknown = make_siret() if kind == "siret" else make_siret()[:9]
    user = UserFactory()
    with count_queries() as statements:
        groups = {group.kind: group for group in search_everything(user, unknown, TODAY)}
    assert not any(group.items for group in groups.values())
    assert [s for s in statements if "employer_contacts" in s or "recruitment_needs" in s] == []
    groups = {group.kind: group for group in search_everything(user, digits, TODAY)}
    assert [e.name for e in groups["employers"].items] == ["Chantiers de l'Atlantique"]
    assert not groups["contacts"].items and not groups["needs"].items
