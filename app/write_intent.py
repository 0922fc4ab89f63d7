"""Whether the unit of work about to begin may write: SQLite then takes the write lock at BEGIN.

A SQLite transaction that starts as a reader and later writes cannot wait for the write lock
(SQLite answers "database is locked" at once rather than risk a deadlock, whatever the busy
timeout), so a write transaction must start with ``BEGIN IMMEDIATE`` and wait there instead.
Reads keep a plain ``BEGIN``: in WAL mode they run beside the one writer.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request

# Methods that never change data (RFC 9110's safe methods): their requests only read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_writing = ContextVar("writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Mark a job's or a command's unit of work as a writer (app.transactions.transaction)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def writes_expected() -> bool:
    """A job or a command in ``writing()``, or a request whose method may change data."""
    if _writing.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS
