"""Each cell of an import file checked before anything is written: a bad cell rejects its line.

The limits are the columns' (``employers``): PostgreSQL refuses a longer value or a NUL byte
for the whole statement, and SQLite would store it silently. The reasons are shown to the
user next to the line number, in French.
"""

import re
from datetime import date

from app.employers.models import Employer, Tag
from app.text import normalize_for_search

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


# Several tags in one cell: "En croissance ; Nouvel établissement" (or commas).
_TAG_SEPARATORS = re.compile(r"[;,]")


def tags_by_name(tags: list[Tag]) -> dict[str, Tag]:
    """Every tag under its label and under its code, as ``tags_cell`` compares them."""
    names = {}
    for tag in tags:
        names.setdefault(normalize_for_search(tag.code), tag)
        names[normalize_for_search(tag.label)] = tag
    return names


def tags_cell(value: str | None, tags: dict[str, Tag]) -> set[int]:
    """The ids of the tags a cell names by label or code; an unknown or archived one rejects the line
    (tags are created by the admins, never by a file)."""
    if not value:
        return set()
    if _CONTROL.search(value):
        raise CellError("caractère de contrôle interdit dans « étiquettes »")
    found = set()
    for name in _TAG_SEPARATORS.split(value):
        if not name.strip():
            continue
        tag = tags.get(normalize_for_search(name))
        if tag is None:
            raise CellError(
                f"étiquette inconnue « {name.strip()[:60]} » (les étiquettes sont créées par un administrateur)"
            )
        if not tag.is_active:
            raise CellError(f"étiquette archivée « {tag.label} »")
        found.add(tag.id)
    return found
