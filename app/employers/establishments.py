"""Establishments read from an import file, checked, and upserted by SIRET; the import's report.

The SIRENE and spreadsheet imports both end in the same upsert, in batches, inside the
caller's transaction: a bad file stops before anything is written, and any error leaves
the database as it was. An import never overwrites a field of an employer that an adviser
created or edited by hand; it only fills the fields left empty there.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.employers.enums import EmployerSource
from app.employers.import_cells import printable
from app.employers.models import Employer
from app.extensions import db
from app.referential.enums import HeadcountBand, NafLevel
from app.referential.models import Commune, NafCode
from app.text import normalize_for_search
from app.timeutils import utcnow

BATCH_SIZE = 1000
NAF25_FORMAT = re.compile(r"[0-9]{2}\.[0-9]{2}[A-Z]")
MAX_REPORTED_REJECTIONS = 1000
# Compared on the stored row to decide between "updated" and "unchanged".
COMPARED_FIELDS = ("name", "enseigne", "naf_code", "naf25_code", "headcount_band", "street", "postcode", "created_on")


@dataclass
class Rejection:
    line: int
    siret: str
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    kept: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    outside_basin: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    naf_left_empty: int = 0
    tagged: int = 0  # tags set on employers (a spreadsheet's « Étiquettes »)

    def reject(self, line: int, siret: str, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REPORTED_REJECTIONS:
            # What the file held is shown and stored: never its control characters, nor all of a long cell.
            self.rejected.append(Rejection(line, printable(siret)[:20], printable(reason)))

    @property
    def changed_nothing(self) -> bool:
        return self.created == 0 and self.updated == 0 and self.tagged == 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Lignes lues : {self.read}",
            f"Établissements retenus : {self.kept}",
            f"Créés : {self.created}",
            f"Mis à jour : {self.updated}",
            f"Inchangés : {self.unchanged}",
        ]
        if self.closed:
            lines.append(f"Ignorés car fermés : {self.closed}")
        if self.outside_basin:
            lines.append(f"Ignorés car hors du bassin : {self.outside_basin}")
        if self.naf_left_empty:
            lines.append(f"Code NAF absent du référentiel (laissé vide) : {self.naf_left_empty}")
        if self.tagged:
            lines.append(f"Étiquettes posées : {self.tagged}")
        lines.append(f"Rejetés : {self.rejected_count}")
        if self.changed_nothing:
            lines.append("Aucun changement : la base était déjà à jour.")
        return lines


@dataclass
class Establishment:
    """One establishment as a file describes it, ready to upsert."""

    line: int
    siret: str
    name: str | None
    basin_id: int
    commune_insee: str
    commune_name: str
    enseigne: str | None = None
    naf_code: str | None = None
    naf25_code: str | None = None
    headcount_band: HeadcountBand | None = None
    street: str | None = None
    postcode: str | None = None
    created_on: date | None = None


class Reference:
    """What rows are checked against, loaded once."""

    def __init__(self, communes: dict[str, Commune]):
        self.communes = communes
        # An establishment's activity (APE) is a sub-class: a section, division or class is none.
        self.naf_codes = set(db.session.scalars(sa.select(NafCode.code).where(NafCode.level == NafLevel.SUBCLASS)))
        self.bands = {band.value: band for band in HeadcountBand}

    def naf(self, code: str | None, report: ImportReport) -> str | None:
        if code and code not in self.naf_codes:
            report.naf_left_empty += 1
            return None
        return code

    @staticmethod
    def naf25(code: str | None) -> str | None:
        """A NAF 2025 sub-class as SIRENE writes it (47.11Y); anything else is left empty.

        INSEE's NAF 2025 list is not loaded: only the format is checked.
        """
        return code if code and NAF25_FORMAT.fullmatch(code) else None


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
# La Poste's establishments follow another rule (digit sum % 5), except its head office.
LA_POSTE_SIREN, LA_POSTE_HEAD_OFFICE = "356000000", "35600000000048"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        total += _LUHN_DOUBLED[digit] if position % 2 else digit
    return total % 10 == 0


def is_valid_siret(siret: str) -> bool:
    """The same answer as python-stdnum's ``siret.is_valid``, about ten times faster.

    The interactive forms use stdnum itself; an import checks millions of lines, where
    stdnum's generic cleaning and checksum code was the largest cost after the database.
    """
    # isascii(): isdigit() also accepts "٣" or "²", which the checksum's table cannot read.
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit() or not _luhn_ok(siret[:9]):
        return False
    if siret[:9] == LA_POSTE_SIREN and siret != LA_POSTE_HEAD_OFFICE:
        return sum(ord(c) - 48 for c in siret) % 5 == 0
    return _luhn_ok(siret)


def valid_siret(siret: str | None, siren: str | None, nic: str | None) -> str | None:
    if not siret or not is_valid_siret(siret):
        return None
    if (siren and siret[:9] != siren) or (nic and siret[9:] != nic):
        return None
    return siret


def first_occurrence_of_siret(
    line: int, raw_siret: str | None, siren: str | None, nic: str | None, seen: set[str], report: ImportReport
) -> str | None:
    """The line's SIRET, valid and met for the first time in the file; otherwise the line is rejected."""
    siret = valid_siret(raw_siret, siren, nic)
    if siret is None:
        report.reject(line, raw_siret, "SIRET invalide (format ou clé de contrôle)")
        return None
    if siret in seen:
        report.reject(line, siret, "SIRET en double dans le fichier")
        return None
    seen.add(siret)
    return siret


_TABLE = Employer.__table__


def search_text(name: str | None, enseigne: str | None, commune_name: str | None) -> str:
    # Same text as Employer.refresh_search_name: Core statements bypass the ORM event.
    return normalize_for_search(" ".join(filter(None, [name, enseigne, commune_name])))


def _stored(sirets: list[str]) -> dict[str, sa.Row]:
    columns = [_TABLE.c.id, _TABLE.c.siret, _TABLE.c.source, _TABLE.c.edited_by_hand_at, _TABLE.c.commune_name]
    columns += [_TABLE.c[name] for name in COMPARED_FIELDS]
    return {row.siret: row for row in db.session.execute(sa.select(*columns).where(_TABLE.c.siret.in_(sirets)))}


def _desired(row: sa.Row, establishment: Establishment, source: EmployerSource) -> dict:
    """The values to store: all of the file's on a record untouched by hand, else only the empty fields."""
    overwrite = row.edited_by_hand_at is None and row.source == source.value
    values = {}
    for name in COMPARED_FIELDS:
        incoming = getattr(establishment, name)
        current = getattr(row, name)
        if isinstance(incoming, HeadcountBand):
            incoming = incoming.value
        if incoming is None:
            values[name] = current
        elif overwrite or current is None:
            values[name] = incoming
        else:
            values[name] = current
    return values


def upsert_establishments(
    establishments: list[Establishment],
    source: EmployerSource,
    report: ImportReport,
    after_batch: Callable[[], None] | None = None,
) -> None:
    """Insert the new SIRETs, update the changed ones, in batches of executemany statements.

    ``after_batch`` runs after each batch: a background import commits there and shows its progress.
    """
    now = utcnow()
    insert = sa.insert(_TABLE)
    update = (
        sa.update(_TABLE)
        .where(_TABLE.c.id == sa.bindparam("b_id"))
        .values(
            {name: sa.bindparam(f"b_{name}") for name in COMPARED_FIELDS}
            | {
                "search_name": sa.bindparam("b_search_name"),
                "updated_at": sa.bindparam("b_updated_at"),
                "version": _TABLE.c.version + 1,
            }
        )
    )
    for start in range(0, len(establishments), BATCH_SIZE):
        batch = establishments[start : start + BATCH_SIZE]
        stored = _stored([e.siret for e in batch])
        new_rows, changed_rows = [], []
        for establishment in batch:
            row = stored.get(establishment.siret)
            if row is None:
                if not establishment.name:
                    report.reject(
                        establishment.line, establishment.siret, "aucun nom (joignez le fichier des unités légales)"
                    )
                    continue
                new_rows.append(_new_row(establishment, source, now))
                continue
            values = _desired(row, establishment, source)
            if all(values[name] == _comparable(getattr(row, name)) for name in COMPARED_FIELDS):
                report.unchanged += 1
                continue
            changed_rows.append(
                {f"b_{name}": value for name, value in values.items()}
                | {
                    "b_id": row.id,
                    "b_search_name": search_text(values["name"], values["enseigne"], row.commune_name),
                    "b_updated_at": now,
                }
            )
        if new_rows:
            db.session.execute(insert, new_rows)
        if changed_rows:
            db.session.execute(update, changed_rows)
        report.created += len(new_rows)
        report.updated += len(changed_rows)
        if after_batch is not None:
            after_batch()


def _comparable(value):
    return value.value if isinstance(value, HeadcountBand) else value


def _new_row(establishment: Establishment, source: EmployerSource, now) -> dict:
    return {
        "siret": establishment.siret,
        "siren": establishment.siret[:9],
        "name": establishment.name,
        "enseigne": establishment.enseigne,
        "search_name": search_text(establishment.name, establishment.enseigne, establishment.commune_name),
        "naf_code": establishment.naf_code,
        "naf25_code": establishment.naf25_code,
        "headcount_band": establishment.headcount_band.value if establishment.headcount_band else None,
        "street": establishment.street,
        "postcode": establishment.postcode,
        "commune_insee": establishment.commune_insee,
        "commune_name": establishment.commune_name,
        "basin_id": establishment.basin_id,
        "created_on": establishment.created_on,
        "source": source.value,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
