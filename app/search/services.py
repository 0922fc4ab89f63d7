"""The search's one write: remembering which employers a user opened."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.auth.models import User
from app.dialects import is_postgresql
from app.employers.models import Employer
from app.extensions import db
from app.timeutils import UTCDateTime

RECENT_EMPLOYERS = 8

# Written out rather than built: SQLAlchemy gives INSERT … ON CONFLICT no cache key, so the built
# statement was compiled again on every employer page; a text is compiled once. Both databases
# read it as is.
_UPSERT = """INSERT INTO recent_employers (user_id, employer_id, opened_at)
VALUES (:user_id, :employer_id, :opened_at)
ON CONFLICT (user_id, employer_id) DO UPDATE SET opened_at = excluded.opened_at"""
# The others kept are counted without this employer, so that the trim need not see the upsert.
_TRIM = """DELETE FROM recent_employers
WHERE user_id = :user_id AND employer_id <> :employer_id AND employer_id NOT IN (
    SELECT employer_id FROM recent_employers WHERE user_id = :user_id AND employer_id <> :employer_id
    ORDER BY opened_at DESC, employer_id DESC LIMIT :others_kept)"""
_OPENED_AT = sa.bindparam("opened_at", type_=UTCDateTime)
_UPSERT_STATEMENT = sa.text(_UPSERT).bindparams(_OPENED_AT)
_TRIM_STATEMENT = sa.text(_TRIM)
# On PostgreSQL both writes in one statement: the DELETE does not see the rows its WITH writes.
_BOTH_STATEMENT = sa.text(f"WITH first_write AS ({_UPSERT})\n{_TRIM}").bindparams(_OPENED_AT)


def record_employer_opened(user: User, employer: Employer, now: datetime) -> None:
    """Put the employer first among the user's recently opened ones, keeping the last 8.

    On PostgreSQL, one statement. On SQLite a read transaction cannot always take the write lock,
    and a page must not fail for a convenience, so a refused write is given up."""
    parameters = {
        "user_id": user.id,
        "employer_id": employer.id,
        "opened_at": now,
        "others_kept": RECENT_EMPLOYERS - 1,
    }
    if is_postgresql():
        db.session.execute(_BOTH_STATEMENT, parameters)
        return
    try:
        with db.session.begin_nested():
            db.session.execute(_UPSERT_STATEMENT, parameters)
            db.session.execute(_TRIM_STATEMENT, parameters)
    except OperationalError:
        pass
