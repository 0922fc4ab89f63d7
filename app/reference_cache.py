"""Reference lists read once per process, not once per request.

The employer list's filter form offers the NAF sections and divisions, the tags, the operators
and where each basin's list of shortage jobs comes from: four statements and a few hundred rows
turned into objects on every page, for lists that change a few times a year. A function marked
``@reference_list("table", …)`` is run once and its result kept, per app, as plain values (never
ORM objects, which belong to one session), until one of these happens:

- **a session of this process writes one of its tables** (a flush, or an INSERT, UPDATE or DELETE
  statement; again at the commit or rollback): the list is forgotten at once, so the admin who
  renames a tag sees the new name on the very next page their worker serves;
- **it is older than its ``max_age``**: the other processes (gunicorn's workers, other servers)
  cannot hear of a change made elsewhere. A version read on every request (a ``max(updated_at)``)
  would cost the statement the cache saves, and these tables have no such column; a short age
  bounds what another worker may show instead. Ten seconds: a worker serving ten requests a second
  still reads each list once per hundred requests.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

# How long another process may show an edited list: see the module's docstring.
EDITED_MAX_AGE = 10.0
EXTENSION_KEY = "relais_reference_lists"
_CHANGED = "relais_reference_lists_changed"

T = TypeVar("T")
# Table name -> the names of the lists read from it.
_LISTS_OF_TABLE: dict[str, set[str]] = {}


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = {}


def reference_list(*tables: str, max_age: float = EDITED_MAX_AGE) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Keep the result of a function without arguments that reads ``tables``; see the module's docstring."""

    def decorate(load: Callable[[], T]) -> Callable[[], T]:
        name = f"{load.__module__}.{load.__qualname__}"
        for table in tables:
            _LISTS_OF_TABLE.setdefault(table, set()).add(name)

        @wraps(load)
        def cached() -> T:
            return kept_value(name, load, max_age)

        return cached

    return decorate


def kept_value(name: str, load: Callable[[], T], max_age: float) -> T:
    """``load()``, kept per app under ``name`` for ``max_age`` seconds (and until ``forget_all``)."""
    kept = current_app.extensions[EXTENSION_KEY]
    entry = kept.get(name)
    now = time.monotonic()
    if entry is None or entry[0] <= now:
        entry = (now + max_age, load())
        kept[name] = entry
    return entry[1]


def forget_all() -> None:
    """Drop every kept list of the current app (the tests start each from the database)."""
    current_app.extensions[EXTENSION_KEY].clear()


def _forget(names: set[str]) -> None:
    if names and has_app_context():
        kept = current_app.extensions.get(EXTENSION_KEY, {})
        for name in names:
            kept.pop(name, None)


@sa.event.listens_for(Session, "after_flush")
def _lists_written(session: Session, flush_context) -> None:
    names = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(instance, "__tablename__", None)
        names |= _LISTS_OF_TABLE.get(table, set())
    if names:
        session.info.setdefault(_CHANGED, set()).update(names)
        # Forgotten now too: a read later in this transaction sees the change, not the kept list.
        _forget(names)


@sa.event.listens_for(Session, "do_orm_execute")
def _lists_written_in_bulk(execute_state) -> None:
    """The same for an INSERT, UPDATE or DELETE statement run through the session."""
    if execute_state.is_insert or execute_state.is_update or execute_state.is_delete:
        table = getattr(execute_state.statement, "table", None)
        names = _LISTS_OF_TABLE.get(getattr(table, "name", None), set())
        if names:
            execute_state.session.info.setdefault(_CHANGED, set()).update(names)
            _forget(names)


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    # Again after the end: another request may have read the list between the flush and the
    # commit (the old rows), or this one after the flush (rows a rollback then undid).
    _forget(session.info.pop(_CHANGED, set()))
