"""Properties of the SIRET/SIREN validators and of the spreadsheet reader (Hypothesis)."""

import io

from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import siret as siret_number

from app.employers.queries import parse_identifier
from app.employers.readers import ImportFileError, spreadsheet_rows
from app.employers.services import EmployerError, clean_siret
from tests.strategies import PROPERTY_SETTINGS, WHITESPACE, hostile_text

digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
# Tabs and the non-breaking spaces of French spreadsheets too, not only the space bar's.
spacing = st.text(alphabet=WHITESPACE, max_size=2)


def _with_luhn_key(number: str) -> str:
    return number + luhn.calc_check_digit(number)


def _valid_siret(first12: str) -> str:
    # Both keys: the SIREN's (its 9th digit) and the SIRET's (its 14th).
    return _with_luhn_key(_with_luhn_key(first12[:8]) + first12[8:])


@PROPERTY_SETTINGS
@given(digits, st.lists(spacing, min_size=15, max_size=15))
def test_a_valid_siret_is_accepted_with_any_spacing(first12, gaps):
    siret = _valid_siret(first12)
    spaced = "".join(gap + digit for gap, digit in zip(gaps, siret, strict=False)) + gaps[-1]
    assert clean_siret(spaced) == siret
    assert parse_identifier(spaced) == ("siret", siret)


@PROPERTY_SETTINGS
@given(hostile_text)
def test_any_other_text_is_refused_in_french_never_with_an_exception(text):
    try:
        cleaned = clean_siret(text)
    except EmployerError as error:
        assert str(error).startswith(("Le SIRET", "Ce SIRET"))
    else:
        assert len(cleaned) == 14 and cleaned.isascii() and siret_number.is_valid(cleaned)


@PROPERTY_SETTINGS
@given(hostile_text)
def test_an_identifier_is_ascii_digits_of_a_siren_or_a_siret(text):
    parsed = parse_identifier(text)
    if parsed is not None:
        kind, number = parsed
        assert number.isascii() and number.isdigit()
        assert (kind, len(number)) in (("siren", 9), ("siret", 14))


@PROPERTY_SETTINGS
@given(st.binary(max_size=300))
def test_the_csv_reader_raises_only_its_own_error(data):
    try:
        for _number, row in spreadsheet_rows(io.BytesIO(data), "fichier.csv"):
            assert all(isinstance(cell, str) for cell in row)
    except ImportFileError:
        pass
