"""Properties of the import files' cell parsers (app/employers/import_cells.py): any cell is
read into the column's type and limits, or rejects its line with a French reason."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.employers.import_cells import (
    NAME_MAX,
    CellError,
    date_cell,
    postcode_cell,
    printable,
    text_cell,
)
from tests.strategies import PROPERTY_SETTINGS, WHITESPACE, hostile_text

CONTROL = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
cells = st.none() | hostile_text | st.text(min_size=NAME_MAX - 2, max_size=NAME_MAX + 2)


def _is_clean(text: str) -> bool:
    return not any(char in CONTROL for char in text)


@PROPERTY_SETTINGS
@given(cells, st.integers(min_value=1, max_value=300))
def test_a_text_cell_is_trimmed_text_within_its_length_or_a_french_reason(value, max_length):
    try:
        text = text_cell(value, "raison sociale", max_length)
    except CellError as error:
        assert "raison sociale" in str(error) and ("caractère de contrôle" in str(error) or "trop longue" in str(error))
        return
    if text is not None:
        assert text == text.strip() and text and len(text) <= max_length and _is_clean(text)
        assert text_cell(text, "raison sociale", max_length) == text
    else:
        assert value is None or not value.strip()


@PROPERTY_SETTINGS
@given(cells)
def test_a_postcode_cell_is_five_ascii_digits_or_a_french_reason(value):
    try:
        postcode = postcode_cell(value)
    except CellError as error:
        assert str(error).startswith("code postal invalide") and "5 chiffres attendus" in str(error)
        assert len(str(error)) < 80  # never the whole cell, which may be huge
        return
    if postcode is not None:
        assert len(postcode) == 5 and postcode.isascii() and postcode.isdigit()
        assert postcode_cell(postcode) == postcode


@PROPERTY_SETTINGS
@given(
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    st.lists(st.text(alphabet=WHITESPACE, max_size=2), min_size=6, max_size=6),
)
def test_a_postcode_spaced_in_any_way_is_accepted(postcode, gaps):
    spaced = "".join(gap + digit for gap, digit in zip(gaps, postcode, strict=False)) + gaps[-1]
    assert postcode_cell(spaced) == postcode


@PROPERTY_SETTINGS
@given(cells)
def test_a_date_cell_is_a_date_or_a_french_reason(value):
    try:
        day = date_cell(value, "date de création")
    except CellError as error:
        assert str(error).startswith("date de création invalide") and "(AAAA-MM-JJ attendu)" in str(error)
        assert len(str(error)) < 80
        return
    assert day is None or isinstance(day, date)


@PROPERTY_SETTINGS
@given(st.dates())
def test_an_iso_date_round_trips(day):
    assert date_cell(day.isoformat(), "date de création") == day


@PROPERTY_SETTINGS
@given(hostile_text)
def test_printable_text_keeps_everything_but_control_characters(text):
    shown = printable(text)
    assert _is_clean(shown)
    assert shown == "".join(char for char in text if char not in CONTROL)
