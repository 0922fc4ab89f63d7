"""Finding a ROME job title from what an adviser types: "aide soignant" → Aide-soignant (J1501).

Search reads the normalised label (app.text: lower case, no accents, punctuation as spaces), so
"Aide-Soignant", "aide soignant" and "AIDE SOIGNANT" are the same query. A title matches when the
query starts the label or one of its words. Normalised text holds only [a-z0-9 ], so the LIKE
patterns need no escaping.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.referential.models import JobTitle, RomeCode
from app.text import normalize_for_search

SEARCH_LIMIT = 20
# A query longer than any label can match nothing: cut it before it reaches the database.
MAX_QUERY_LENGTH = 100
# A ROME code, alone or as the datalist used to offer it ("J1501 — Aide-soignant").
_ROME_CODE = re.compile(r"^\s*([A-Za-z]\d{4})(?![0-9A-Za-z])")


def _rome_code_in(text: str) -> str | None:
    match = _ROME_CODE.match(text or "")
    return match.group(1).upper() if match else None


def search_job_titles(text: str, limit: int = SEARCH_LIMIT) -> list[JobTitle]:
    """Up to ``limit`` titles for a typed text: titles that start with it first, then the shortest."""
    rome_code = _rome_code_in(text)
    if rome_code:
        condition = JobTitle.rome_code == rome_code
        starts = sa.true()
    else:
        query = normalize_for_search((text or "")[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].strip()
        if not query:
            return []
        starts = JobTitle.search_label.like(f"{query}%")
        condition = starts | JobTitle.search_label.like(f"% {query}%")
    return list(
        db.session.scalars(
            sa.select(JobTitle)
            .where(condition)
            .order_by(sa.case((starts, 0), else_=1), sa.func.length(JobTitle.label), JobTitle.label)
            .limit(limit)
        )
    )


@dataclass
class ResolvedJob:
    """What a need's "Métier" field names: a title (and its ROME code), a bare ROME code, or nothing.

    ``error`` says in French why the text names no job; ``matches`` are the titles to choose from
    when it names several.
    """

    rome_code: str | None = None
    job_title: JobTitle | None = None
    error: str | None = None
    matches: list[JobTitle] = field(default_factory=list)


def resolve_job(text: str | None, job_title_code: str | None = None) -> ResolvedJob:
    """Read the "Métier" field: a picked title wins, then a ROME code, then a title typed in full
    or matched alone; several matches are offered back to choose from (the form without JavaScript)."""
    if job_title_code:
        title = db.session.get(JobTitle, job_title_code.strip()[:6])
        if title is not None:
            return ResolvedJob(rome_code=title.rome_code, job_title=title)
    text = (text or "").strip()
    if not text:
        return ResolvedJob()
    rome_code = _rome_code_in(text)
    if rome_code:
        known = db.session.scalar(sa.select(RomeCode.code).where(RomeCode.code == rome_code))
        if known is None:
            return ResolvedJob(error="Code ROME inconnu : choisissez un métier dans la liste.")
        return ResolvedJob(rome_code=rome_code)
    normalized = normalize_for_search(text[: MAX_QUERY_LENGTH * 2])
    exact = db.session.scalars(
        sa.select(JobTitle).where(JobTitle.search_label == normalized).order_by(JobTitle.code).limit(2)
    ).all()
    if len(exact) == 1:
        return ResolvedJob(rome_code=exact[0].rome_code, job_title=exact[0])
    matches = exact or search_job_titles(text)
    if len(matches) == 1:
        return ResolvedJob(rome_code=matches[0].rome_code, job_title=matches[0])
    if not matches:
        return ResolvedJob(
            error="Aucun métier ne correspond à ce texte : essayez un autre mot ou un code ROME (J1501)."
        )
    return ResolvedJob(error="Plusieurs métiers correspondent : choisissez-en un ci-dessous.", matches=matches)
