"""Métiers en tension: each basin's list of ROME codes in shortage, set by hand or imported.

The list is data with its source and date (France Travail's "Besoins en main-d'œuvre", a
regional study…), recorded by the basin's task-force lead or an admin; who may do it is
checked by the views (app/auth/access.py and the basin scope).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db
from app.formatting import plural
from app.referential.models import Basin, RomeCode, ShortageJob

SOURCE_MAX_LENGTH = 200
# Job codes only: a letter and four digits (the one-letter rows of rome_codes are domains).
JOB_CODE = re.compile(r"[A-N]\d{4}")
# Reported one by one: past this, a file is more likely the wrong file than a list to fix.
MAX_REPORTED_LINES = 50


class ShortageListError(DomainError):
    """A change to a shortage list refused; the message says why, in French."""


@dataclass
class ImportedLine:
    number: int
    rome_code: str
    share: Decimal | None


def parse_share(text: str) -> Decimal | None:
    """A share of difficult hires in percent ("72,5", "72.5", "72,5 %"), None when empty."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        share = Decimal(cleaned)
    except InvalidOperation:
        raise ShortageListError(f"part de recrutements difficiles illisible (« {text.strip()[:20]} »)") from None
    if not share.is_finite() or not 0 <= share <= 100:
        raise ShortageListError("la part de recrutements difficiles doit être comprise entre 0 et 100")
    return share.quantize(Decimal("0.1"))


def _job_code(text: str) -> str:
    code = text.strip().upper()
    if not JOB_CODE.fullmatch(code) or db.session.get(RomeCode, code) is None:
        raise ShortageListError(f"Code ROME inconnu : « {text.strip()[:20]} »")
    return code


def _checked_source(source: str, as_of: date) -> str:
    source = (source or "").strip()
    if not source:
        raise ShortageListError("Indiquez la source de la liste (par exemple : BMO 2026, France Travail).")
    if len(source) > SOURCE_MAX_LENGTH:
        raise ShortageListError(f"La source compte {SOURCE_MAX_LENGTH} caractères au plus.")
    if as_of is None:
        raise ShortageListError("Indiquez la date de la liste.")
    return source


def _upsert(basin: Basin, code: str, share: Decimal | None, source: str, as_of: date, author_id: int | None):
    job = db.session.scalar(
        sa.select(ShortageJob).where(ShortageJob.basin_id == basin.id, ShortageJob.rome_code == code)
    )
    if job is None:
        job = ShortageJob(basin_id=basin.id, rome_code=code)
        db.session.add(job)
    job.difficult_hires_share, job.source, job.as_of, job.recorded_by_id = share, source, as_of, author_id
    return job


def add_shortage_job(
    basin: Basin, rome_code: str, *, share: str | None, source: str, as_of: date, author_id: int | None
) -> ShortageJob:
    """Put a ROME code on the basin's list, or update its share (typed, "72,5"), source and date."""
    source = _checked_source(source, as_of)
    code = _job_code(rome_code)
    try:
        parsed_share = parse_share(share or "")
    except ShortageListError as error:
        message = str(error)
        raise ShortageListError(f"{message[0].upper()}{message[1:]}.") from None
    job = _upsert(basin, code, parsed_share, source, as_of, author_id)
    db.session.flush()
    return job


def remove_shortage_job(basin: Basin, rome_code: str) -> None:
    job = db.session.scalar(
        sa.select(ShortageJob).where(ShortageJob.basin_id == basin.id, ShortageJob.rome_code == rome_code.strip())
    )
    if job is None:
        raise ShortageListError("Ce métier n'est pas dans la liste du bassin.")
    db.session.delete(job)
    db.session.flush()


def _is_header(number: int, cells: list[str]) -> bool:
    first = cells[0].strip().lower() if cells else ""
    return number == 1 and not JOB_CODE.fullmatch(first.upper()) and ("rome" in first or "code" in first)


def read_shortage_lines(rows: Iterable[tuple[int, list[str]]]) -> list[ImportedLine]:
    """The file's lines (ROME code; optional share), or a refusal that lists every bad line.

    All or nothing: a list is read as a whole, and half of a BMO list would give wrong scores
    without anyone noticing.
    """
    lines: list[ImportedLine] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if not any(cell.strip() for cell in cells) or _is_header(number, cells):
            continue
        try:
            code = _job_code(cells[0])
            share = parse_share(cells[1]) if len(cells) > 1 else None
            if code in seen:
                raise ShortageListError(f"{code} figure déjà ligne {seen[code]}")
        except ShortageListError as error:
            errors.append(f"ligne {number} : {error}")
            continue
        seen[code] = number
        lines.append(ImportedLine(number, code, share))
    if errors:
        shown = errors[:MAX_REPORTED_LINES]
        more = f" (et {len(errors) - len(shown)} autres)" if len(errors) > len(shown) else ""
        raise ShortageListError(
            f"Rien n'a été importé : {plural(len(errors), 'ligne refusée', 'lignes refusées')}{more}. Corrigez le fichier : "
            + " ; ".join(shown)
            + "."
        )
    if not lines:
        raise ShortageListError("Le fichier ne contient aucun code ROME.")
    return lines


@dataclass
class ImportReport:
    imported: int
    removed: int


def import_shortage_list(
    basin: Basin,
    rows: Iterable[tuple[int, list[str]]],
    *,
    source: str,
    as_of: date,
    author_id: int | None,
    replace: bool = False,
) -> ImportReport:
    """Add (or update) the file's codes on the basin's list; with ``replace``, drop the others."""
    source = _checked_source(source, as_of)
    lines = read_shortage_lines(rows)
    for line in lines:
        _upsert(basin, line.rome_code, line.share, source, as_of, author_id)
    removed = 0
    if replace:
        kept = {line.rome_code for line in lines}
        for job in db.session.scalars(sa.select(ShortageJob).where(ShortageJob.basin_id == basin.id)):
            if job.rome_code not in kept:
                db.session.delete(job)
                removed += 1
    db.session.flush()
    return ImportReport(imported=len(lines), removed=removed)
