"""Unhandled errors: logged with the request id, and counted under their cause in `error_reports`.

A cause is the exception's type and the innermost frame of our own code that it went through
(file, function and source line, not the line number, so that an unrelated edit above it keeps the
cause). The row keeps frames and names only, never the exception's message, the request's body or
its parameters: they can carry personal data. The admins are told by `tasks.send_error_alerts`.
"""

import hashlib
import logging
import traceback
from pathlib import Path

import sentry_sdk
from sqlalchemy.orm import Session

from app.dialects import insert
from app.extensions import db
from app.monitoring.models import ErrorReport
from app.monitoring.request_log import request_id, route
from app.timeutils import utcnow
from app.write_intent import writing

log = logging.getLogger("relais.errors")

APP_DIR = Path(__file__).resolve().parent.parent
SOURCE_ROOT = APP_DIR.parent
TRACEBACK_FRAMES = 25


def _relative(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(SOURCE_ROOT)) if path.is_relative_to(SOURCE_ROOT) else path.name


def _is_ours(frame: traceback.FrameSummary) -> bool:
    return Path(frame.filename).is_relative_to(APP_DIR)


def describe(error: BaseException) -> dict:
    """The error's cause (fingerprint, type, location) and its trimmed traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if _is_ours(frame)]
    innermost = (ours or frames)[-1] if frames else None
    exception_type = f"{type(error).__module__}.{type(error).__qualname__}"
    if innermost is None:
        location, source = "(lieu inconnu)", ""
    else:
        location, source = f"{_relative(innermost.filename)}, dans {innermost.name}", innermost.line or ""
    fingerprint = hashlib.sha256(f"{exception_type}\n{location}\n{source}".encode()).hexdigest()
    trimmed = "".join(
        f"{_relative(frame.filename)}:{frame.lineno}, dans {frame.name}\n    {frame.line or ''}\n"
        for frame in frames[-TRACEBACK_FRAMES:]
    )
    return {
        "fingerprint": fingerprint,
        "exception_type": exception_type[:200],
        "location": location[:300],
        "traceback": trimmed + exception_type,
    }


def record_unhandled_error(error: BaseException) -> bool:
    """Log the error with the request's id and count it under its cause. Never raises: an error
    page must be shown whatever happens here (the database may be the very thing that failed).
    Returns whether the error was counted."""
    # Before the log line, which Sentry's logging integration would send untagged (it keeps one
    # event per exception). A no-op without SENTRY_DSN.
    sentry_sdk.capture_exception(error, tags={"request_id": request_id()})
    log.error("Erreur non gérée (référence %s)", request_id(), exc_info=error)
    try:
        _count(describe(error))
    except Exception:
        log.exception("L'erreur (référence %s) n'a pas pu être enregistrée dans error_reports", request_id())
        return False
    return True


def _count(cause: dict) -> None:
    # Its own session and transaction: the request's, rolled back, must not take the record with
    # it (in the tests, whose engine is one connection, that transaction is a savepoint).
    now = utcnow()
    table = ErrorReport.__table__
    seen = {
        "last_seen_at": now,
        "last_request_id": request_id(),
        "route": (route() or "")[:300] or None,
        "traceback": cause["traceback"],
    }
    statement = (
        insert(table)
        .values({**cause, **seen, "first_seen_at": now, "occurrences": 1, "alerted_occurrences": 0})
        .on_conflict_do_update(
            index_elements=[table.c.fingerprint], set_={**seen, "occurrences": table.c.occurrences + 1}
        )
    )
    with writing(), Session(db.engine, join_transaction_mode="create_savepoint") as session, session.begin():
        session.execute(statement)
