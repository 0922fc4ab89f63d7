"""A bad cell rejects its line, with its number and reason in French; the rest is imported."""

import csv
import io

import sqlalchemy as sa

from app.employers.enums import EmployerSource
from app.employers.models import Employer
from app.employers.sirene import import_sirene
from app.employers.spreadsheet_import import import_spreadsheet
from app.extensions import db
from tests.employers.data import ESTABLISHMENTS, LEGAL_UNITS
from tests.factories import UserFactory, make_siret

LONG_NAME = "Entreprise " + "x" * 300


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode()


BAD_CELLS_SHEET = [
    ["SIRET", "Raison sociale", "Code commune INSEE", "Code postal", "Enseigne"],
    ["", "Bonne entreprise", "44184", "44600", ""],  # line 2
    ["", LONG_NAME, "44184", "", ""],  # line 3
    ["", "Garage du Port", "44184", "44600 Saint-Nazaire", ""],  # line 4
    ["", "Café\x00 de la Gare", "44184", "", ""],  # line 5
    ["", "Hors bassin", "99999", "", ""],  # line 6
    [make_siret(), LONG_NAME, "44184", "", ""],  # line 7
    [make_siret(), "Bon établissement", "44184", "44600", "Enseigne " + "e" * 300],  # line 8
    [make_siret(), "Autre établissement", "44184", "44 600", ""],  # line 9
]


def _names():
    return set(db.session.scalars(sa.select(Employer.name).where(Employer.source == EmployerSource.SPREADSHEET)))


def test_spreadsheet_bad_cells_reject_their_lines_only():
    report = import_spreadsheet(UserFactory(), io.BytesIO(_csv(BAD_CELLS_SHEET)), "liste.csv")
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "raison sociale" in reasons[3] and "255" in reasons[3]
    assert "code postal" in reasons[4].lower()
    assert "caractère" in reasons[5]
    assert "commune" in reasons[6]
    assert "raison sociale" in reasons[7] and "enseigne" in reasons[8].lower()
    assert _names() == {"Bonne entreprise", "Autre établissement"}
    assert report.created == 2 and report.rejected_count == 6


def test_spreadsheet_page_shows_the_rejected_lines(client, login, post):
    login(UserFactory(lead=True))
    data = {"file": (io.BytesIO(_csv(BAD_CELLS_SHEET)), "liste.csv")}
    response = post("/entreprises/import", data, content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "Créés : 2" in page and "Rejetés : 6" in page
    assert "<td>4</td>" in page and "code postal" in page.lower()


def _sirene_file(tmp_path, changes: dict[int, dict[str, str]]):
    """The test stock file with some cells of some lines replaced (line numbers as in the file)."""
    with ESTABLISHMENTS.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    for line, cells in changes.items():
        for column, value in cells.items():
            rows[line - 1][header.index(column)] = value
    path = tmp_path / "StockEtablissement.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    return path


# Lines 2, 3, 8 and 10 of the test file are active establishments of the basin.
SIRENE_BAD_CELLS = {
    2: {"denominationUsuelleEtablissement": LONG_NAME},
    3: {"codePostalEtablissement": "44600 Saint-Nazaire"},
    8: {"dateCreationEtablissement": "2015-02-30"},
}


def test_sirene_bad_cells_reject_their_lines_only(tmp_path):
    path = _sirene_file(tmp_path, SIRENE_BAD_CELLS)
    report = import_sirene("5219", path)
    reasons = {r.line: r.reason for r in report.rejected}
    assert "raison sociale" in reasons[2] and "code postal" in reasons[3].lower() and "date" in reasons[8]
    assert report.created == 1  # line 10, the only other one
    assert "clé de contrôle" in reasons[6] and "commune" in reasons[7]


def test_sirene_nul_byte_and_long_legal_unit_name(tmp_path):
    path = _sirene_file(tmp_path, {2: {"enseigne1Etablissement": "LE FOURNIL\x00"}})
    legal_units = tmp_path / "StockUniteLegale.csv"
    content = LEGAL_UNITS.read_text(encoding="utf-8").replace("ÉLECTRICITÉ NAZAIRIENNE", "ÉLECTRICITÉ " + "N" * 300)
    legal_units.write_text(content, encoding="utf-8")
    report = import_sirene("5219", path, legal_units)
    rejected = {r.line: r.reason for r in report.rejected}
    assert "caractère" in rejected[2]
    assert any("raison sociale" in reason for reason in rejected.values())
    assert report.created == 2


def test_cli_prints_a_french_summary_for_bad_lines(app, tmp_path):
    path = _sirene_file(tmp_path, SIRENE_BAD_CELLS | {10: {"enseigne1Etablissement": "A\x00B"}})
    result = app.test_cli_runner().invoke(
        args=["import-sirene", "--basin", "5219", "--unites-legales", str(LEGAL_UNITS), str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Rejetés : 7" in result.output
    assert all(f"ligne {line} " in result.output for line in (2, 3, 8, 10))
