"""Read-side queries on employers, always scoped to what the user may see."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.assignments.models import Assignment
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.text import normalize_for_search


def visible_employers(user: User) -> sa.Select:
    query = sa.select(Employer)
    if not user.sees_all_basins:
        query = query.where(Employer.basin_id.in_(user.basin_ids))
    return query


def search_employers(user: User, text: str = "") -> sa.Select:
    query = visible_employers(user).options(joinedload(Employer.basin))
    digits = "".join(ch for ch in text if ch.isdigit())
    if text and len(digits) in (9, 14) and len(digits) == len(text.replace(" ", "")):
        column = Employer.siret if len(digits) == 14 else Employer.siren
        return query.where(column == digits)
    normalized = normalize_for_search(text)
    for word in normalized.split()[:8]:
        query = query.where(Employer.search_name.like(f"%{word}%"))
    return query.order_by(Employer.search_name, Employer.id)


def get_visible_employer(user: User, siret: str) -> Employer | None:
    return db.session.scalar(visible_employers(user).where(Employer.siret == siret))


def active_assignment(employer: Employer) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment)
        .where(Assignment.employer_id == employer.id, Assignment.ended_at.is_(None))
        .options(joinedload(Assignment.adviser), joinedload(Assignment.operator))
    )
