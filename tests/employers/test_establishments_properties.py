"""Properties of the imports' SIRET check and report (app/employers/establishments.py)."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import siret as siret_number

from app.employers.establishments import LA_POSTE_SIREN, ImportReport, is_valid_siret, valid_siret
from app.employers.spreadsheet_import import import_spreadsheet
from tests.factories import UserFactory, make_siret
from tests.strategies import DIGIT_LIKE, PROPERTY_SETTINGS, hostile_text

CONTROL = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))

fourteen_digits = st.text(alphabet="0123456789", min_size=14, max_size=14)
la_poste = st.text(alphabet="0123456789", min_size=5, max_size=5).map(lambda nic: LA_POSTE_SIREN + nic)
# Mostly ASCII digits, now and then a digit that str.isdigit() accepts and no SIRET holds.
look_alike = st.text(alphabet="0123456789" * 4 + DIGIT_LIKE, min_size=14, max_size=14)
cells = fourteen_digits | la_poste | look_alike | hostile_text


@PROPERTY_SETTINGS
@given(cells.filter(lambda text: siret_number.compact(text) == text))
def test_the_fast_check_answers_as_stdnum_on_a_compact_cell(text):
    # stdnum also removes spaces and dots first; the imports give the fast check compact cells.
    assert is_valid_siret(text) is siret_number.is_valid(text)


@PROPERTY_SETTINGS
@given(cells, st.none() | st.just("") | cells, st.none() | st.just("") | cells)
def test_a_kept_siret_is_valid_and_agrees_with_its_siren_and_nic(siret, siren, nic):
    kept = valid_siret(siret, siren, nic)
    if kept is not None:
        assert kept == siret and kept.isascii() and siret_number.is_valid(kept)
        assert siren in (None, "", kept[:9]) and nic in (None, "", kept[9:])


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.integers(1, 10**6), hostile_text, hostile_text), max_size=20))
def test_the_report_shows_what_a_file_held_without_controls_nor_whole_cells(rejections):
    report = ImportReport()
    for line, siret, reason in rejections:
        report.reject(line, siret, reason)
    assert report.rejected_count == len(rejections) == len(report.rejected)
    for rejection, (line, _, _) in zip(report.rejected, rejections, strict=True):
        assert rejection.line == line and len(rejection.siret) <= 20
        assert not any(char in CONTROL for char in rejection.siret + rejection.reason)


def test_a_siret_written_with_arabic_indic_digits_rejects_its_line_only():
    siret = make_siret()
    arabic = siret.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(
        [["SIRET", "Raison sociale", "Code commune INSEE"], [arabic, "Café du Port", "44184"], [siret, "Bon", "44184"]]
    )
    report = import_spreadsheet(UserFactory(), io.BytesIO(buffer.getvalue().encode()), "liste.csv")
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "SIRET invalide (format ou clé de contrôle)")]
    assert report.created == 1
