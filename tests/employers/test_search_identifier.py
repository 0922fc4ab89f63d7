"""A search that is a SIRET or a SIREN finds that establishment, or says that none has it."""

from tests.factories import BasinFactory, EmployerFactory, UserFactory
from tests.factories.employers import make_siret

NO_SUCH_SIRET_HINT = "Aucune entreprise n'a le SIRET"


def test_unknown_siret_is_said_with_a_link_to_create_it(client, login):
    EmployerFactory(name="Boulangerie Martin")
    siret = make_siret()
    login(UserFactory())
    html = client.get(f"/entreprises?q={siret[:3]}+{siret[3:6]}+{siret[6:9]}+{siret[9:]}").get_data(as_text=True)
    assert f"{NO_SUCH_SIRET_HINT} {siret}" in html
    assert f'href="/entreprises/nouvelle?siret={siret}"' in html
    assert "les plus proches" not in html and "Boulangerie Martin" not in html


def test_unknown_siren_is_said_without_a_creation_link(client, login):
    EmployerFactory(name="Boulangerie Martin")
    siren = make_siret()[:9]
    login(UserFactory())
    html = client.get(f"/entreprises?q={siren}").get_data(as_text=True)
    assert f"Aucune entreprise n'a le SIREN {siren}" in html
    assert "/entreprises/nouvelle?siret=" not in html
    assert "les plus proches" not in html and "Boulangerie Martin" not in html


def test_unknown_siret_never_falls_back_to_the_typo_tolerant_search(client, login, count_queries):
    for number in range(5):
        EmployerFactory(name=f"Garage {number}")
    login(UserFactory())
    with count_queries() as statements:
        response = client.get(f"/entreprises?q={make_siret()}")
    assert response.status_code == 200
    employer_reads = [s for s in statements if "FROM employers" in s]
    # The one exact lookup by SIRET, nothing ordered by name distance.
    assert len(employer_reads) == 1
    assert not any("<%" in s or "<<->" in s for s in statements)


def test_siret_of_another_basin_is_not_revealed(client, login):
    elsewhere = EmployerFactory(name="Chantiers Lointains", basin=BasinFactory())
    login(UserFactory())
    html = client.get(f"/entreprises?q={elsewhere.siret}").get_data(as_text=True)
    assert f"{NO_SUCH_SIRET_HINT} {elsewhere.siret}" in html
    assert "Chantiers Lointains" not in html


def test_known_siret_is_listed_without_the_message(client, login):
    employer = EmployerFactory(name="Chantiers de l'Atlantique")
    login(UserFactory())
    html = client.get(f"/entreprises?q={employer.siret}").get_data(as_text=True)
    assert "Chantiers de l&#39;Atlantique" in html
    assert NO_SUCH_SIRET_HINT not in html


def test_creation_link_only_for_roles_that_may_create(client, login):
    siret = make_siret()
    login(UserFactory(manager=True))
    html = client.get(f"/entreprises?q={siret}").get_data(as_text=True)
    assert f"{NO_SUCH_SIRET_HINT} {siret}" in html
    assert "/entreprises/nouvelle?siret=" not in html
