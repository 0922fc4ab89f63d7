"""Probable duplicates: look-alike names in a commune, found without comparing every pair."""

import random

import pytest

from app.employers import services
from app.employers.services import probable_duplicates
from tests.factories import BasinFactory, EmployerFactory, UserFactory

LOOK_ALIKE_REASON = "Nom presque identique dans la même commune (saisie sans SIRET)"


def _unrelated_names(count: int, seed: int = 11) -> list[str]:
    """Names that look alike neither each other nor the names the tests look for."""
    rng = random.Random(seed)
    return [f"Atelier {''.join(rng.choice('bcdfghjklmnpqrstvwxz') for _ in range(9))}" for _ in range(count)]


def _pairs(user, **kwargs) -> list[tuple[str, str]]:
    return [
        (pair.first.name, pair.second.name)
        for pair in probable_duplicates(user, **kwargs)
        if pair.reason == LOOK_ALIKE_REASON
    ]


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("Boulangerie Martin SARL", "Boulangerie Martin"),  # a legal form added
        ("SARL Boulangerie Martin", "Boulangerie Martin"),  # ... in front
        ("Boulangerie Martn", "Boulangerie Martin"),  # a letter missing
        ("Boulangeire Martin", "Boulangerie Martin"),  # two letters swapped
        ("La Boulangerie Martin", "Boulangerie Martin"),  # a word in front
        ("Garage Le Breton", "Garage Lebreton"),  # a space
        ("Itermarché", "Intermarché"),  # one word, a letter missing near its start
        ("BOULANGERIE MARTÍN", "Boulangerie Martin"),  # case and accents
    ],
)
@pytest.mark.parametrize("registered_has_siret", [True, False])
def test_look_alike_names_are_found(typed, registered, registered_has_siret):
    EmployerFactory(name=registered, **({} if registered_has_siret else {"siret": None, "siren": None}))
    EmployerFactory(name=typed, siret=None, siren=None)
    for name in _unrelated_names(5):
        EmployerFactory(name=name, siret=None, siren=None)
    pairs = _pairs(UserFactory(lead=True))
    assert len(pairs) == 1
    assert set(pairs[0]) == {typed, registered}


def test_different_names_or_communes_are_not_paired():
    EmployerFactory(name="Boulangerie Martin", siret=None, siren=None)
    EmployerFactory(name="Boucherie Durand")
    EmployerFactory(name="Boulangerie Martin", commune_insee="44132", commune_name="Pornichet")
    EmployerFactory(name="SARL", siret=None, siren=None)
    EmployerFactory(name="SAS", siret=None, siren=None)
    assert _pairs(UserFactory(lead=True)) == []


def test_look_alike_in_a_basin_the_user_does_not_see_is_not_shown():
    EmployerFactory(name="Boulangerie Martin", siret=None, siren=None)
    EmployerFactory(name="Boulangerie Martin SARL", basin=BasinFactory())
    assert _pairs(UserFactory(lead=True)) == []
    assert len(_pairs(UserFactory(admin=True))) == 1


def test_each_pair_once_the_one_without_siret_first_in_name_order():
    registered = EmployerFactory(name="Zinguerie Roux")
    typed = EmployerFactory(name="Zinguerie Roux SARL", siret=None, siren=None)
    older = EmployerFactory(name="Café du Port", siret=None, siren=None)
    newer = EmployerFactory(name="Cafe du Port", siret=None, siren=None)
    pairs = probable_duplicates(UserFactory(lead=True))
    assert [(p.first.id, p.second.id) for p in pairs] == [(older.id, newer.id), (typed.id, registered.id)]


def test_look_alikes_are_found_however_many_employers_without_siret_the_commune_holds():
    # Names sorting before the look-alikes, all without SIRET, in the same commune.
    for name in _unrelated_names(40):
        EmployerFactory(name=name, siret=None, siren=None)
    EmployerFactory(name="Zinguerie Martin")
    EmployerFactory(name="Zinguerie Martin SARL", siret=None, siren=None)
    assert _pairs(UserFactory(lead=True), limit=2) == [("Zinguerie Martin SARL", "Zinguerie Martin")]


def test_names_are_not_compared_pairwise(monkeypatch):
    calls = []
    compare = services.names_look_alike

    def counted(first, second):
        calls.append((first, second))
        return compare(first, second)

    monkeypatch.setattr(services, "names_look_alike", counted)
    for name in _unrelated_names(150):
        EmployerFactory(name=name, siret=None, siren=None)
    EmployerFactory(name="Zinguerie Martin")
    EmployerFactory(name="Zinguerie Martin SARL", siret=None, siren=None)
    assert _pairs(UserFactory(lead=True)) == [("Zinguerie Martin SARL", "Zinguerie Martin")]
    # 151 employers without SIRET among 152: 11,000 pairs; only names that could look alike are compared.
    assert len(calls) < 20


def test_duplicates_page_reads_a_bounded_number_of_queries(client, login, count_queries):
    for name in _unrelated_names(30):
        EmployerFactory(name=name, siret=None, siren=None)
    EmployerFactory(name="Zinguerie Martin")
    EmployerFactory(name="Zinguerie Martin SARL", siret=None, siren=None)
    login(UserFactory(lead=True))
    with count_queries() as statements:
        html = client.get("/entreprises/doublons").get_data(as_text=True)
    assert "Zinguerie Martin SARL" in html
    assert len([s for s in statements if "FROM employers" in s]) <= 4
