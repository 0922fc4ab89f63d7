"""The search's one write: remembering which employers a user opened."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.auth.models import User
from app.dialects import in_one_round_trip, insert
from app.employers.models import Employer
from app.extensions import db
from app.search.models import RecentEmployer

RECENT_EMPLOYERS = 8


def record_employer_opened(user: User, employer: Employer, now: datetime) -> None:
    """Put the employer first among the user's recently opened ones, keeping the last 8.

    On PostgreSQL, one statement. On SQLite a read transaction cannot always take the write lock,
    and a page must not fail for a convenience, so a refused write is given up."""
    table = RecentEmployer.__table__
    upsert = insert(table).values(user_id=user.id, employer_id=employer.id, opened_at=now)
    upsert = upsert.on_conflict_do_update(index_elements=["user_id", "employer_id"], set_={"opened_at": now})
    # The others kept are counted without this employer, so that the trim need not see the upsert.
    others = (table.c.user_id == user.id) & (table.c.employer_id != employer.id)
    kept = (
        sa.select(table.c.employer_id)
        .where(others)
        .order_by(table.c.opened_at.desc(), table.c.employer_id.desc())
        .limit(RECENT_EMPLOYERS - 1)
    )
    older = sa.delete(table).where(others, table.c.employer_id.not_in(sa.select(kept.subquery())))
    both = in_one_round_trip(upsert, older)
    if both is not None:
        db.session.execute(both)
        return
    try:
        with db.session.begin_nested():
            db.session.execute(upsert)
            db.session.execute(older)
    except OperationalError:
        pass
