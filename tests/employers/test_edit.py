import pytest
import sqlalchemy as sa

from app.employers.models import Employer
from app.employers.services import EditConflict, EmployerData, EmployerError, clean_siret, update_employer
from app.extensions import db
from tests.conftest import extract
from tests.factories import BasinFactory, CommuneFactory, EmployerFactory, UserFactory, make_siret

VALID = {"name": "Boulangerie du Port", "commune_insee": "44184", "naf_code": "56.10A", "headcount_band": "01"}


@pytest.mark.parametrize(
    "raw, message",
    [("123", "14 chiffres"), ("1234567890123A", "chiffres"), ("12345678901234", "clé de contrôle")],
)
def test_clean_siret_explains_bad_input(raw, message):
    with pytest.raises(EmployerError, match=message):
        clean_siret(raw)


def test_clean_siret_accepts_spaces():
    siret = make_siret()
    assert clean_siret(f"{siret[:3]} {siret[3:9]} {siret[9:]}") == siret


def test_create_employer_derives_siren_and_basin(client, login, post):
    login(UserFactory())
    siret = make_siret()
    response = post("/entreprises/nouvelle", {**VALID, "siret": f"{siret[:9]} {siret[9:]}"})
    assert response.status_code == 302
    db.session.expire_all()
    employer = db.session.scalar(sa.select(Employer).where(Employer.siret == siret))
    assert employer.siren == siret[:9] and employer.basin.code == "5219" and employer.commune_name
    assert employer.edited_by_hand_at is not None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"siret": "12345678901234"}, "clé de contrôle"),
        ({"commune_insee": "75056"}, "pas un choix valide"),
        ({"name": ""}, "obligatoire"),
        ({"postcode": "4460"}, "5 chiffres"),
    ],
)
def test_create_employer_bad_inputs_are_400_and_change_nothing(client, login, post, data, message):
    login(UserFactory())
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Employer))
    response = post("/entreprises/nouvelle", {**VALID, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == before


def test_commune_of_another_basin_is_refused(client, login, post):
    commune = CommuneFactory(basin=BasinFactory())
    login(UserFactory(admin=True))
    # An admin may choose it; an adviser never sees it in the list (tested above).
    response = post("/entreprises/nouvelle", {**VALID, "commune_insee": commune.insee_code})
    assert response.status_code == 302


def test_existing_siret_leads_to_existing_employer(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    response = post("/entreprises/nouvelle", {**VALID, "siret": employer.siret})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/entreprises/{employer.siret}")


def test_look_alike_name_in_same_commune_needs_confirmation(client, login, post):
    EmployerFactory(name="Boulangerie du Port SARL", commune_insee="44184", siret=None, siren=None)
    login(UserFactory())
    response = post("/entreprises/nouvelle", VALID)
    assert response.status_code == 409
    assert "Doublon possible" in response.get_data(as_text=True)
    confirmed = post("/entreprises/nouvelle", {**VALID, "confirm_duplicate": "y"})
    assert confirmed.status_code == 302


def test_employer_without_siret_has_its_own_url(client, login, post):
    login(UserFactory())
    assert post("/entreprises/nouvelle", {**VALID, "name": "Association Sans Siret"}).status_code == 302
    db.session.expire_all()
    employer = db.session.scalar(sa.select(Employer).where(Employer.name == "Association Sans Siret"))
    assert employer.url_key == f"n{employer.id}"
    assert client.get(f"/entreprises/{employer.url_key}").status_code == 200
    assert client.get("/entreprises/nabc").status_code == 404


def test_edit_conflict_is_refused_with_what_changed(client, login, post):
    employer = EmployerFactory(name="Garage Dupont")
    login(UserFactory())
    form = client.get(f"/entreprises/{employer.siret}/modifier").get_data(as_text=True)
    version = extract(r'name="version" type="hidden" value="(\d+)"', form)
    # Someone else saves first.
    employer.name = "Garage Dupont et Fils"
    db.session.flush()
    response = post(
        f"/entreprises/{employer.siret}/modifier",
        {**VALID, "siret": employer.siret, "name": "Garage Dupont Auto", "version": version},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Garage Dupont et Fils" in html and "Garage Dupont Auto" in html and "Raison sociale" in html
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).name == "Garage Dupont et Fils"


def test_edit_saves_when_version_matches(client, login, post):
    employer = EmployerFactory(name="Garage Dupont")
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/modifier",
        {**VALID, "siret": employer.siret, "name": "Garage Martin", "version": str(employer.version)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).name == "Garage Martin"


def test_stale_write_between_read_and_flush_is_a_conflict():
    user = UserFactory()
    employer = EmployerFactory(name="Avant")
    version = employer.version
    # Another process updates the row after we loaded it.
    db.session.execute(
        sa.update(Employer.__table__)
        .where(Employer.__table__.c.id == employer.id)
        .values(version=version + 1, name="Autre")
    )
    data = EmployerData(name="Moi", commune_insee="44184", siret=employer.siret)
    with pytest.raises(EditConflict) as conflict:
        update_employer(user, employer, data, version)
    assert any(change.stored == "Autre" for change in conflict.value.changes)
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).name == "Autre"


def test_other_basin_employer_is_404(client, login):
    employer = EmployerFactory(basin=BasinFactory())
    login(UserFactory())
    assert client.get(f"/entreprises/{employer.siret}").status_code == 404
    assert client.get(f"/entreprises/{employer.siret}/modifier").status_code == 404
