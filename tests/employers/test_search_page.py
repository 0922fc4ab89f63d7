"""search_page finds on PostgreSQL the same pages as sorting every match, by shorter ways."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.employers import queries
from app.employers.enums import EmployerSort
from app.employers.queries import EmployerFilters, search_employers, search_page
from app.extensions import db
from app.pagination import paginate
from tests.factories import BasinFactory, EmployerFactory, UserFactory

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


@pytest.mark.postgresql_only
@pytest.mark.parametrize("look_ahead", [3, 10_000])
@pytest.mark.parametrize("sort", [EmployerSort.NAME, EmployerSort.NAME_DESC])
@pytest.mark.parametrize("text", ["garage", "GARAGE", "martin", "port", "saint nazaire", "garage martin", "zzz"])
def test_pages_are_those_of_the_full_sort(monkeypatch, look_ahead, sort, text):
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", look_ahead)
    user = UserFactory()
    for name, enseigne, commune in NAMES:
        EmployerFactory(name=name, enseigne=enseigne, commune_name=commune)
    EmployerFactory(name="Garage d'un autre bassin", basin=BasinFactory())
    filters = EmployerFilters(text=text, sort=sort)
    for number in range(1, 6):
        expected = paginate(search_employers(user, filters, TODAY), number, per_page=2)
        page = search_page(user, filters, TODAY, number, per_page=2)
        assert [e.id for e in page.items] == [e.id for e in expected.items], (text, number)
        assert page.has_next == expected.has_next


@pytest.mark.postgresql_only
def test_which_searches_take_the_shorter_ways(monkeypatch):
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 1)
    user = UserFactory()
    first = EmployerFactory(name="Garage Martin")
    second = EmployerFactory(name="Garage Petit")

    def first_ids(text, sort=EmployerSort.NAME, wanted=3):
        return queries._first_ids_by_name(user, EmployerFilters(text=text, sort=sort), TODAY, wanted)

    assert first_ids("garage") == [first.id, second.id]
    assert first_ids("garage", EmployerSort.NAME_DESC) == [second.id, first.id]
    assert first_ids("garage martin") is None  # several words: sorting their few matches is cheap
    assert first_ids("garage", EmployerSort.COMMUNE) is None
    assert first_ids(first.siret) is None
    assert first_ids("garage", wanted=queries.MAX_NAME_ORDER_ROW + 1) is None


@pytest.mark.postgresql_only
def test_the_name_indexes_sort_byte_wise_whatever_the_database_collation():
    # The model comparison cannot see an index column's collation (app/schema.py).
    definitions = dict(
        db.session.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'employers'")).all()
    )
    for index in ("ix_employers_search_name_id", "ix_employers_basin_id_search_name"):
        assert 'search_name COLLATE "C"' in definitions[index], definitions[index]
