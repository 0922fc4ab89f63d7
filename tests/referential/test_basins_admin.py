"""Basins administered in the browser: create, rename, close; give them communes; find a commune."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.referential.basins import BasinError, add_communes, find_commune, remove_commune
from app.referential.models import Basin, Commune
from tests.factories import BasinFactory, EmployerFactory, UserFactory, seeded_basin

BREST_METROPOLE = "242900314"


def _basin_of(insee_code: str) -> int | None:
    return db.session.scalar(sa.select(Commune.basin_id).where(Commune.insee_code == insee_code))


def _communes_of(basin: Basin) -> set[str]:
    return set(db.session.scalars(sa.select(Commune.insee_code).where(Commune.basin_id == basin.id)))


def _codes(**where) -> set[str]:
    return set(db.session.scalars(sa.select(Commune.insee_code).filter_by(**where)))


@pytest.fixture
def admin(login):
    user = UserFactory(admin=True)
    login(user)
    return user


# --- The basin itself ----------------------------------------------------------------------------


def test_an_admin_creates_a_basin_in_a_departement_chosen_by_name_and_its_region(client, post, admin):
    page = client.get("/administration/bassins").get_data(as_text=True)
    assert '<option value="29">Finistère (29)</option>' in page
    response = post("/administration/bassins/nouveau", {"code": "5302", "name": "Brest", "departement": "29"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == "5302"))
    assert (basin.name, basin.departement_code, basin.region_code, basin.is_open) == ("Brest", "29", "53", True)
    page = client.get("/administration/bassins").get_data(as_text=True)
    assert "Finistère" in page and "Bretagne" in page and "Ouvert" in page


def test_a_basin_code_already_taken_is_refused_in_french(client, post, admin):
    response = post("/administration/bassins/nouveau", {"code": "5219", "name": "Autre", "departement": "44"})
    assert response.status_code == 400
    assert "Le code 5219 est déjà celui du bassin Saint-Nazaire." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Basin).where(Basin.code == "5219")) == 1
    response = post("/administration/bassins/nouveau", {"code": "X1", "name": "Nulle part", "departement": "00"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Basin).where(Basin.code == "X1")) is None


def test_the_list_counts_each_basins_communes_and_employers(client, admin):
    basin = seeded_basin()
    EmployerFactory.create_batch(2)
    page = client.get("/administration/bassins").get_data(as_text=True)
    row = page.split(f'href="/administration/bassins/{basin.id}"', 1)[1].split("</tr>", 1)[0]
    assert f'data-label="Communes">{len(_communes_of(basin))}</td>' in row and 'data-label="Entreprises">2</td>' in row
    assert "Loire-Atlantique" in row and "Pays de la Loire" in row


def test_an_admin_renames_closes_and_reopens_a_basin(client, post, admin):
    basin = BasinFactory()
    url = f"/administration/bassins/{basin.id}"
    assert post(f"{url}/renommer", {"name": "Brest-Morlaix"}).status_code == 302
    assert post(f"{url}/renommer", {"name": ""}).status_code == 400
    db.session.refresh(basin)
    assert basin.name == "Brest-Morlaix"
    assert post(f"{url}/fermer").status_code == 302
    db.session.refresh(basin)
    assert not basin.is_open
    assert "Fermé depuis le" in client.get("/administration/bassins").get_data(as_text=True)
    assert post(f"{url}/fermer").status_code == 400  # already closed: refused, still closed
    assert post(f"{url}/rouvrir").status_code == 302
    db.session.refresh(basin)
    assert basin.is_open


# --- Communes ------------------------------------------------------------------------------------


def test_communes_are_added_by_epci_name_or_siren(client, post, admin):
    basin = BasinFactory(departement_code="29", region_code="53")
    page = client.get(f"/administration/bassins/{basin.id}").get_data(as_text=True)
    assert '<option value="Brest Métropole">' in page  # suggested without JS, in a datalist
    response = post(f"/administration/bassins/{basin.id}/communes/epci", {"epci-value": "brest metropole"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert _communes_of(basin) == _codes(epci_code=BREST_METROPOLE)
    follow = client.get(f"/administration/bassins/{basin.id}").get_data(as_text=True)
    assert "8 communes ajoutées." in follow
    assert "Brest" in follow and "Brest Métropole" in follow
    report = add_communes(basin, _codes(epci_code=BREST_METROPOLE), move_others=False)
    assert (report.added, report.already) == (0, 8)
    response = post(f"/administration/bassins/{basin.id}/communes/epci", {"epci-value": "Communauté inconnue"})
    assert response.status_code == 400
    assert "Aucun EPCI ne s&#39;appelle « Communauté inconnue »" in response.get_data(as_text=True)


def test_communes_are_added_by_departement_code_or_name(post, admin):
    basin = BasinFactory(departement_code="90", region_code="27")
    belfort = _codes(departement_code="90")
    assert (
        post(f"/administration/bassins/{basin.id}/communes/departement", {"departement-value": "90"}).status_code == 302
    )
    assert _communes_of(basin) == belfort
    other = BasinFactory()
    response = post(
        f"/administration/bassins/{other.id}/communes/departement", {"departement-value": "territoire de BELFORT"}
    )
    assert response.status_code == 302
    assert _communes_of(other) == set() and _communes_of(basin) == belfort  # in another basin: left there


def test_a_commune_is_added_by_insee_code_or_by_name_and_postcode_when_ambiguous(post, admin):
    basin = BasinFactory()
    assert post(f"/administration/bassins/{basin.id}/communes/commune", {"commune-value": "29019"}).status_code == 302
    response = post(f"/administration/bassins/{basin.id}/communes/commune", {"commune-value": "saint-denis"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Plusieurs communes s&#39;appellent « saint-denis »" in page and "Précisez le code postal" in page
    response = post(
        f"/administration/bassins/{basin.id}/communes/commune",
        {"commune-value": "Saint-Denis", "commune-postcode": "97400"},
    )
    assert response.status_code == 302
    assert _communes_of(basin) == {"29019", "97411"}
    with pytest.raises(BasinError, match="Aucune commune n'a le code INSEE 00000"):
        find_commune("00000")


def test_a_commune_of_another_basin_moves_only_when_the_box_is_ticked(client, post, admin):
    saint_nazaire, basin = seeded_basin(), BasinFactory()
    url = f"/administration/bassins/{basin.id}/communes/commune"
    assert post(url, {"commune-value": "44184"}).status_code == 302
    assert _basin_of("44184") == saint_nazaire.id
    assert "1 laissée dans un autre bassin" in client.get(f"/administration/bassins/{basin.id}").get_data(as_text=True)
    assert post(url, {"commune-value": "44184", "commune-move_others": "y"}).status_code == 302
    assert _basin_of("44184") == basin.id
    assert "1 déplacée d&#39;un autre bassin" in client.get(f"/administration/bassins/{basin.id}").get_data(
        as_text=True
    )


def test_a_closed_basin_takes_no_commune():
    basin = BasinFactory(closed_on=sa.func.current_date())
    db.session.flush()
    db.session.refresh(basin)
    with pytest.raises(BasinError, match="est fermé : rouvrez-le"):
        add_communes(basin, ["29019"], move_others=False)
    assert _basin_of("29019") is None


def test_a_commune_with_employers_cannot_be_removed(post, admin):
    basin = seeded_basin()
    EmployerFactory(commune_insee="44184")
    response = post(f"/administration/bassins/{basin.id}/communes/retirer", {"insee_code": "44184"})
    assert response.status_code == 400
    assert "rattachez-la à un autre bassin" in response.get_data(as_text=True)
    assert _basin_of("44184") == basin.id
    assert post(f"/administration/bassins/{basin.id}/communes/retirer", {"insee_code": "44013"}).status_code == 302
    assert _basin_of("44013") is None
    with pytest.raises(BasinError, match="n'est pas dans le bassin"):
        remove_commune(basin, "29019")


def test_the_database_refuses_a_second_row_hence_a_second_basin_for_a_commune():
    db.session.add(Commune(insee_code="44184", name="Saint-Nazaire bis", basin_id=BasinFactory().id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- Finding a commune ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["saint nazaire", "SAINT-NAZAIRE", "44184", "44600"])
def test_an_admin_finds_a_commune_and_sees_its_basin_epci_departement_and_region(client, admin, query):
    page = client.get("/administration/communes", query_string={"q": query}).get_data(as_text=True)
    row = page.split("<td>Saint-Nazaire</td>", 1)[1].split("</tr>", 1)[0]
    assert "44184" in row and ">Saint-Nazaire</a>" in row and "CA de la Région Nazairienne" in row
    assert "Loire-Atlantique" in row and "Pays de la Loire" in row


def test_the_basins_page_is_in_the_administration_menu(client, admin):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/administration/bassins"' in page


# --- Who may not ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "adviser", "manager", "spotter"])
def test_no_one_but_an_admin_administers_basins(client, post, login, role):
    basin = seeded_basin()
    before = (basin.name, basin.closed_on, _communes_of(basin), _basin_of("29019"))
    login(UserFactory(**({} if role == "adviser" else {role: True})))
    assert client.get("/administration/bassins").status_code == 403
    assert client.get(f"/administration/bassins/{basin.id}").status_code == 403
    assert client.get("/administration/communes?q=brest").status_code == 403
    url = f"/administration/bassins/{basin.id}"
    assert post("/administration/bassins/nouveau", {"code": "77", "name": "X", "departement": "29"}).status_code == 403
    assert post(f"{url}/renommer", {"name": "Autre"}).status_code == 403
    assert post(f"{url}/fermer").status_code == 403
    assert post(f"{url}/communes/commune", {"commune-value": "29019", "commune-move_others": "y"}).status_code == 403
    assert post(f"{url}/communes/retirer", {"insee_code": "44013"}).status_code == 403
    db.session.expire_all()
    assert (basin.name, basin.closed_on, _communes_of(basin), _basin_of("29019")) == before
    assert db.session.scalar(sa.select(Basin).where(Basin.code == "77")) is None
