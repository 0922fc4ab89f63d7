"""Each cell of an import file checked before anything is written: a bad cell rejects its line.

The limits are the columns' (``employers``): PostgreSQL refuses a longer value or a NUL byte
for the whole statement, and SQLite would store it silently. The reasons are shown to the
user next to the line number, in French.
"""

import re
from datetime import date

from app.employers.models import Employer

# Control characters never belong in a name or an address; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """The text without its control characters, to show or store what a bad file held."""
    return _CONTROL.sub("", text)


class CellError(ValueError):
    """A cell that rejects its line; the message is the reason, in French."""


def _length(column: str) -> int:
    return Employer.__table__.c[column].type.length


NAME_MAX = _length("name")
ENSEIGNE_MAX = _length("enseigne")
STREET_MAX = _length("street")


def text_cell(value: str | None, label: str, max_length: int) -> str | None:
    """The trimmed text, or None when empty; refuses control characters and over-long text."""
    if value is None:
        return None
    if _CONTROL.search(value):
        raise CellError(f"caractère de contrôle interdit dans « {label} »")
    value = value.strip()
    if len(value) > max_length:
        raise CellError(f"{label} trop longue ({len(value)} caractères, {max_length} au plus)")
    return value or None


def postcode_cell(value: str | None) -> str | None:
    """Five digits (spaces ignored: "44 600"), or None when empty."""
    if value is None:
        return None
    compact = "".join(value.split())
    if not compact:
        return None
    if len(compact) != 5 or not compact.isascii() or not compact.isdigit():
        raise CellError(f"code postal invalide « {value[:20]} » (5 chiffres attendus)")
    return compact


def date_cell(value: str | None, label: str) -> date | None:
    """An ISO date (AAAA-MM-JJ), or None when empty."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(f"{label} invalide « {value[:20]} » (AAAA-MM-JJ attendu)") from None
