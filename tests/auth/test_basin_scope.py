from tests.factories import EmployerFactory, UserFactory, seeded_basin


def test_adviser_cannot_open_an_employer_of_another_basin_by_changing_the_url(client, login):
    laval_employer = EmployerFactory(basin=seeded_basin("5211"), commune_name="Laval", commune_insee="53130")
    login(UserFactory(basins=[seeded_basin("5219")]))
    assert client.get(f"/entreprises/{laval_employer.siret}").status_code == 404


def test_adviser_does_not_find_another_basins_employers(client, login):
    EmployerFactory(basin=seeded_basin("5211"), name="Fromagerie Lavalloise")
    login(UserFactory(basins=[seeded_basin("5219")]))
    assert "Fromagerie Lavalloise" not in client.get("/entreprises?q=fromagerie").get_data(as_text=True)


def test_admin_sees_every_basin(client, login):
    employer = EmployerFactory(basin=seeded_basin("2702"))
    login(UserFactory(admin=True))
    assert client.get(f"/entreprises/{employer.siret}").status_code == 200


def test_manager_of_two_basins_sees_both(client, login):
    laval = EmployerFactory(basin=seeded_basin("5211"))
    nazaire = EmployerFactory(basin=seeded_basin("5219"))
    auxerre = EmployerFactory(basin=seeded_basin("2702"))
    login(UserFactory(manager=True, basins=[seeded_basin("5211"), seeded_basin("5219")]))
    assert client.get(f"/entreprises/{laval.siret}").status_code == 200
    assert client.get(f"/entreprises/{nazaire.siret}").status_code == 200
    assert client.get(f"/entreprises/{auxerre.siret}").status_code == 404
