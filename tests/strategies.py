"""Hypothesis strategies for what real users, spreadsheets and probes send: shared by the
property-based tests (tests/<domain>/test_<module>_properties.py)."""

import sys

from hypothesis import settings
from hypothesis import strategies as st

# Every character Python (str.split, re's \s) reads as whitespace: tab, line breaks, the
# non-breaking spaces French spreadsheets put between digit groups (U+00A0, U+202F)…
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())

# Characters that str.isdigit() or int() accept but that are no ASCII digit: Arabic-Indic,
# fullwidth, superscript, Devanagari digits.
DIGIT_LIKE = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²³¹०१२"

# Values no strategy is likely to draw by chance, from the hostile-input crawl's list.
NASTY = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eevil",
    "😀",
    "%",
    "_",
    "'",
    '"',
    "\\",
    "--",
    "2147483647",
    "2147483648",
    "-2147483649",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 5000,
    "x" * 10_000,
    "9999-12-31",
    "0001-01-01",
    "9999999999-12",
    "2024-02-30",
    "2024-13-01",
    "31/12/2024",
)

# Any text: random unicode (controls and emoji included), digits mixed with look-alikes and
# whitespace, numbers of any size, and the known nasty values.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789" + DIGIT_LIKE + WHITESPACE + "-./:+ ", max_size=30),
    st.integers().map(str),
    st.sampled_from(NASTY),
)

# Enough examples to find the odd character, few enough for CI; no deadline, as requests and
# queries run inside some properties.
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
