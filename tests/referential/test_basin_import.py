"""The « commune → bassin » file: a whole région's zones d'emploi at once, all or nothing."""

import io

import sqlalchemy as sa

from app.employers.models import Employer
from app.extensions import db
from app.referential.basins import import_zones
from app.referential.models import Basin, Commune
from tests.factories import EmployerFactory, UserFactory, seeded_basin

# INSEE's spreadsheet, saved as CSV by a French Excel: a title, ";" and Latin-1.
INSEE_FILE = (
    "Zones d'emploi 2020 - composition communale;;;\n"
    ";;;\n"
    "CODGEO;LIBGEO;ZE2020;LIBZE2020\n"
    "90010;Belfort;2703;Belfort\n"
    "90001;Andelnans;2703;Belfort\n"
    "25388;Montbéliard;2704;Montbéliard\n"
    "44184;Saint-Nazaire;5220;Côte de Lumière\n"
).encode("latin-1")


def _upload(post, content: bytes, filename="zones.csv"):
    data = {"file": (io.BytesIO(content), filename)}
    return post("/administration/bassins/importer", data, content_type="multipart/form-data")


def _basin(code: str) -> Basin | None:
    return db.session.scalar(sa.select(Basin).where(Basin.code == code))


def _basin_of(insee_code: str) -> int | None:
    return db.session.scalar(sa.select(Commune.basin_id).where(Commune.insee_code == insee_code))


def test_an_insee_file_creates_the_basins_assigns_and_moves_the_communes_with_their_employers(client, post, login):
    employer = EmployerFactory(commune_insee="44184")
    login(UserFactory(admin=True))
    response = _upload(post, INSEE_FILE)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    page = client.get("/administration/bassins").get_data(as_text=True)
    assert (
        "Fichier importé : 3 bassins créés, 3 communes rattachées, 1 commune déplacée d&#39;un autre "
        "bassin (0 déjà à leur place), 1 entreprise déplacée."
    ) in page
    belfort, montbeliard, cote = _basin("2703"), _basin("2704"), _basin("5220")
    assert (belfort.name, belfort.departement_code, belfort.region_code) == ("Belfort", "90", "27")
    assert (montbeliard.name, montbeliard.departement_code) == ("Montbéliard", "25")
    assert (cote.name, cote.departement_code, cote.region_code) == ("Côte de Lumière", "44", "52")
    assert _basin_of("90010") == _basin_of("90001") == belfort.id and _basin_of("44184") == cote.id
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).basin_id == cote.id
    assert _basin_of("44052") == seeded_basin().id  # a commune absent from the file stays where it was


def test_a_basin_created_takes_the_departement_of_most_of_its_communes():
    rows = [(1, ["code commune", "code zone", "nom de la zone"])]
    rows += [(n, [code, "9901", "Entre deux"]) for n, code in enumerate(["25388", "90010", "90001", "90002"], 2)]
    report = import_zones(rows)
    assert report.basins_created == 1 and report.communes_assigned == 4
    assert _basin("9901").departement_code == "90"


def test_plain_headers_comma_separated_and_utf8_reimport_the_same_zones_as_already_in_place(post, login):
    login(UserFactory(admin=True))
    content = "code commune,code zone,nom de la zone\n29019,5302,Brest Côte des Légendes\n".encode()
    assert _upload(post, content).status_code == 302
    assert _basin("5302").name == "Brest Côte des Légendes"
    report = import_zones([(1, ["29019", "5302", "Brest"])])  # no header: the first three columns
    assert (report.basins_created, report.communes_already) == (0, 1)


def test_a_file_with_bad_lines_changes_nothing_and_names_each_line(post, login):
    login(UserFactory(admin=True))
    content = (
        "CODGEO;ZE2020;LIBZE2020\n"
        "90010;2703;Belfort\n"
        "99999;2703;Belfort\n"
        "90001;;Belfort\n"
        "44184;5220;Côte de Lumière\n"
        "90010;2704;Montbéliard\n"
    ).encode()
    before = _basin_of("44184")
    response = _upload(post, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Rien n&#39;a été importé : 3 lignes refusées" in page
    assert "ligne 3 : commune inconnue (« 99999 »)" in page
    assert "ligne 4 : zone vide pour la commune 90001" in page
    assert "ligne 6 : la commune 90010 figure déjà ligne 2 avec la zone 2703" in page
    assert _basin("2703") is None and _basin("5220") is None
    assert _basin_of("90010") is None and _basin_of("44184") == before


def test_a_file_that_is_no_spreadsheet_is_refused_in_french(post, login):
    login(UserFactory(admin=True))
    response = _upload(post, b"%PDF-1.4", filename="zones.pdf")
    assert response.status_code == 400
    assert "envoyez un fichier .csv ou .xlsx" in response.get_data(as_text=True)
