"""Personal data, as docs/DONNEES-PERSONNELLES.md records it.

A model marks a column holding personal data with ``info={"personal": True}``: the retention and
the erasure anonymise it, a person's export includes it, the audit trail keeps its copies where
they can be blanked, and tests/privacy/test_register.py checks all four against the register.
Free text that may name someone (``info={"names_people": True}``) is scrubbed of the person's
identity on erasure and kept blankable in the trail, but not cleared by the retention: it is
the employer's history.
"""

import re
from collections.abc import Iterable

import sqlalchemy as sa

ANONYMISED_NAME = "Contact anonymisé"
SCRUBBED = "[personne anonymisée]"


def personal_columns(metadata: sa.MetaData) -> list[sa.Column]:
    return [column for table in metadata.sorted_tables for column in table.columns if column.info.get("personal")]


def scrub(text: str | None, identities: Iterable[str | None]) -> str | None:
    """The text without any of these names, e-mails or phone numbers (case and spacing aside)."""
    if not text:
        return text
    # Shorter than 3 characters (an initial) would blank ordinary words.
    kept = {value.strip() for value in identities if value and len(value.strip()) >= 3}
    for identity in sorted(kept, key=len, reverse=True):
        # A phone number written with other separators is the same number.
        pattern = r"[\s.\-]*".join(re.escape(part) for part in re.split(r"[\s.\-]+", identity) if part)
        text = re.sub(pattern, SCRUBBED, text, flags=re.IGNORECASE)
    return text
