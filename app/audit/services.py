"""The audit trail, written by the session itself so that no view has to remember it.

Models opt in with ``__audited__ = True`` and may hide fields with ``__audit_exclude__``.
Rows are inserted with Core on the flushing connection: same transaction, no re-entry
into the ORM flush.
"""

import contextvars
import enum
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.timeutils import utcnow

_system_actor: contextvars.ContextVar[str] = contextvars.ContextVar("system_actor", default="système")


@contextmanager
def acting_as(label: str):
    """Name the actor of changes made outside a request (CLI, scheduler)."""
    token = _system_actor.set(label)
    try:
        yield
    finally:
        _system_actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    if has_request_context():
        return None, "anonyme"
    return None, _system_actor.get()


def _jsonable(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _audited_columns(obj):
    excluded = getattr(obj, "__audit_exclude__", set())
    mapper = sa.inspect(obj).mapper
    return [attr for attr in mapper.column_attrs if attr.key not in excluded]


def _entity_id(obj) -> str:
    # Read the key from the instance: a row inserted in this flush has no identity key yet.
    state = sa.inspect(obj)
    return ":".join(str(part) for part in state.mapper.primary_key_from_instance(obj))


def _changes(obj, action: str) -> dict:
    state = sa.inspect(obj)
    changes = {}
    for attr in _audited_columns(obj):
        if action == "update":
            history = state.attrs[attr.key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                changes[attr.key] = [_jsonable(old), _jsonable(new)]
        elif action == "create":
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = _jsonable(value)
    return changes


@sa.event.listens_for(Session, "after_flush")
def _write_audit_trail(session: Session, flush_context) -> None:
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {"action": action, "entity_type": type(obj).__name__, "entity_id": _entity_id(obj), "changes": changes}
            )
    if not rows:
        return
    actor_id, actor_label = current_actor()
    now = utcnow()
    for row in rows:
        row.update(actor_id=actor_id, actor_label=actor_label, occurred_at=now)
    session.connection().execute(sa.insert(AuditEvent), rows)
