import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.employers.enums import EmployerSource
from app.employers.models import Employer
from app.employers.readers import ImportFileError
from app.employers.sirene import import_sirene
from app.employers.spreadsheet_import import import_spreadsheet
from app.extensions import db
from app.referential.enums import HeadcountBand
from tests.employers.data import ESTABLISHMENTS, LEGAL_UNITS
from tests.factories import EmployerFactory, UserFactory, make_siret


def _by_siret():
    return {e.siret: e for e in db.session.scalars(sa.select(Employer).where(Employer.source == EmployerSource.SIRENE))}


def test_sirene_import_keeps_active_establishments_of_the_basin():
    report = import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    assert (report.read, report.kept, report.created, report.updated) == (9, 4, 4, 0)
    assert report.closed == 1 and report.outside_basin == 1 and report.naf_left_empty == 1
    reasons = {r.line: r.reason for r in report.rejected}
    assert "clé de contrôle" in reasons[6] and "commune" in reasons[7] and "double" in reasons[9]
    employers = _by_siret()
    names = sorted(e.name for e in employers.values())
    assert names == ["BOULANGERIE DU PORT SARL", "GARAGE DE L'OCEAN", "JEANNE MARTIN", "ÉLECTRICITÉ NAZAIRIENNE"]
    bakery = next(e for e in employers.values() if e.name.startswith("BOULANGERIE"))
    assert bakery.enseigne == "LE FOURNIL DU PORT" and bakery.headcount_band is HeadcountBand.B11
    assert bakery.street == "12 RUE DE LA PAIX" and bakery.commune_name == "Saint-Nazaire"
    assert bakery.search_name == "boulangerie du port sarl le fournil du port saint nazaire"
    withheld = next(e for e in employers.values() if e.name == "JEANNE MARTIN")
    assert withheld.enseigne is None and withheld.naf_code is None


def test_second_run_changes_nothing_and_says_so():
    import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    versions = {s: e.version for s, e in _by_siret().items()}
    report = import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert report.changed_nothing and "Aucun changement" in report.summary_lines()[-1]
    db.session.expire_all()
    assert {s: e.version for s, e in _by_siret().items()} == versions


def test_without_legal_units_a_nameless_new_establishment_is_rejected():
    report = import_sirene("5219", ESTABLISHMENTS)
    assert report.created == 2  # the two with an enseigne or a "dénomination usuelle"
    assert [r.line for r in report.rejected if "unités légales" in r.reason] == [3, 8]


def test_import_never_overwrites_what_an_adviser_entered():
    import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    bakery = next(e for e in _by_siret().values() if e.name.startswith("BOULANGERIE"))
    bakery.name = "Boulangerie du Port (saisie conseiller)"
    bakery.headcount_band = None
    bakery.edited_by_hand_at = bakery.created_at
    db.session.flush()
    report = import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    assert report.updated == 1  # only the empty headcount band is filled
    db.session.expire_all()
    bakery = db.session.get(Employer, bakery.id)
    assert bakery.name == "Boulangerie du Port (saisie conseiller)" and bakery.headcount_band is HeadcountBand.B11


def test_zip_archive_is_read(tmp_path):
    archive = tmp_path / "StockEtablissement.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(ESTABLISHMENTS, "StockEtablissement_utf8.csv")
    assert import_sirene("5219", archive, LEGAL_UNITS).created == 4


@pytest.mark.parametrize("case", ["columns", "encoding", "truncated_zip", "empty", "missing"])
def test_bad_files_stop_with_a_clear_message_before_writing(tmp_path, case):
    path = tmp_path / "stock.csv"
    if case == "columns":
        path.write_text("siren;nic;siret\n123;456;789\n", encoding="utf-8")
        expected = "colonnes attendues absentes"
    elif case == "encoding":
        content = ESTABLISHMENTS.read_text(encoding="utf-8").replace("DE LA PAIX", "DE LA PAIX É")
        path.write_bytes(content.encode("latin-1"))
        expected = "UTF-8"
    elif case == "truncated_zip":
        archive = tmp_path / "full.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("stock.csv", ESTABLISHMENTS.read_text(encoding="utf-8") * 200)
        path = tmp_path / "stock.zip"
        path.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        expected = "tronquée"
    elif case == "empty":
        path.write_text("", encoding="utf-8")
        expected = "vide"
    else:
        path = tmp_path / "absent.csv"
        expected = "introuvable"
    with pytest.raises(ImportFileError, match=expected):
        import_sirene("5219", path, LEGAL_UNITS)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0


def test_unknown_basin_is_refused():
    with pytest.raises(ImportFileError, match="Bassin inconnu"):
        import_sirene("0000", ESTABLISHMENTS)


def test_cli_command_reports_and_commits(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["import-sirene", "--basin", "5219", "--unites-legales", str(LEGAL_UNITS), str(ESTABLISHMENTS)]
    )
    assert result.exit_code == 0, result.output
    assert "Créés : 4" in result.output and "ligne 6" in result.output
    bad = runner.invoke(args=["import-sirene", "--basin", "9999", str(ESTABLISHMENTS)])
    assert bad.exit_code != 0 and "Bassin inconnu" in bad.output and "Rien n'a été modifié" in bad.output


def _xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_spreadsheet_import_creates_fills_and_reports():
    user = UserFactory()
    existing = EmployerFactory(name="Déjà là", headcount_band=None)
    new_siret = make_siret()
    rows = [
        ["SIRET", "Raison sociale", "Enseigne", "Code commune INSEE", "Tranche d'effectif", "Code NAF"],
        [new_siret, "Nouvelle SARL", "", "44184", "10 à 19 salariés", "56.10A"],
        [existing.siret, "Autre nom", "", "44184", "03", ""],
        ["12345678901234", "Mauvais SIRET", "", "44184", "", ""],
        ["", "Association sans SIRET", "", "44184", "", ""],
        ["", "Hors bassin", "", "75056", "", ""],
        ["", "", "", "", "", ""],
    ]
    report = import_spreadsheet(user, _xlsx(rows), "employeurs.xlsx")
    assert (report.read, report.created, report.updated) == (5, 2, 1)
    assert {r.line for r in report.rejected} == {4, 6}
    db.session.expire_all()
    existing = db.session.get(Employer, existing.id)
    assert existing.name == "Déjà là" and existing.headcount_band is HeadcountBand.B03
    again = import_spreadsheet(user, _xlsx(rows), "employeurs.xlsx")
    assert again.changed_nothing


def test_spreadsheet_csv_in_windows_1252_and_bad_files():
    user = UserFactory()
    csv_bytes = "Raison sociale;Commune\nCafé de la Gare;Saint-Nazaire\n".encode("cp1252")
    assert import_spreadsheet(user, io.BytesIO(csv_bytes), "liste.csv").created == 1
    with pytest.raises(ImportFileError, match="Colonnes attendues"):
        import_spreadsheet(user, io.BytesIO(b"a;b\n1;2\n"), "liste.csv")
    with pytest.raises(ImportFileError, match="illisible"):
        import_spreadsheet(user, io.BytesIO(b"not a zip"), "liste.xlsx")
    with pytest.raises(ImportFileError, match="Format"):
        import_spreadsheet(user, io.BytesIO(b"x"), "liste.pdf")


def test_spreadsheet_import_page(client, login, post):
    login(UserFactory(lead=True))
    data = {"file": (io.BytesIO("Raison sociale;Code commune INSEE\nCafé;44184\n".encode()), "liste.csv")}
    response = post("/entreprises/import", data, content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200 and "Créés : 1" in response.get_data(as_text=True)
    bad = post("/entreprises/import", {"file": (io.BytesIO(b"x"), "liste.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 400


def test_adviser_cannot_import(client, login):
    login(UserFactory())
    assert client.get("/entreprises/import").status_code == 403


def test_fast_siret_check_agrees_with_python_stdnum():
    import random

    from stdnum.fr import siret

    from app.employers.establishments import is_valid_siret

    rng = random.Random(7)
    cases = ["".join(rng.choice("0123456789") for _ in range(14)) for _ in range(20_000)]
    cases += ["356000000" + "".join(rng.choice("0123456789") for _ in range(5)) for _ in range(5_000)]
    cases += [make_siret() for _ in range(100)] + ["35600000000048", "356000000", "1234567890123a", ""]
    assert [c for c in cases if is_valid_siret(c) != siret.is_valid(c)] == []
    assert sum(is_valid_siret(c) for c in cases) > 1000  # both valid and invalid numbers are exercised
