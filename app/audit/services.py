"""The audit trail, written by the session itself so that no view has to remember it.

Models opt in with ``__audited__ = True`` and may hide fields with ``__audit_exclude__``.
Rows are inserted with Core on the flushing connection: same transaction, no re-entry
into the ORM flush. The values of columns marked ``info={"personal": True}`` (personal data)
or ``info={"names_people": True}`` (free text that may name someone) go to
``audit_personal_values``, the only part of the trail that may be blanked (retention, erasure).
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

from app.audit.models import AuditEvent, AuditPersonalValue
from app.extensions import db
from app.timeutils import utcnow

_named_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("named_actor", default=None)


@contextmanager
def acting_as(label: str):
    """Name the actor of changes made outside a person's session (CLI, scheduler, an API client)."""
    token = _named_actor.set(label)
    try:
        yield
    finally:
        _named_actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    label = _named_actor.get()
    if label is not None:
        return None, label
    return None, "anonyme" if has_request_context() else "système"


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
    # Stored columns only: an attribute read from a query (User.unread_notifications) is never written.
    return [
        attr
        for attr in mapper.column_attrs
        if attr.key not in excluded and all(isinstance(column, sa.Column) for column in attr.columns)
    ]


def holds_personal_data(column: sa.Column) -> bool:
    return bool(column.info.get("personal") or column.info.get("names_people"))


def _is_personal(attr) -> bool:
    return any(holds_personal_data(column) for column in attr.columns)


def _entity_id(obj) -> str:
    # Read the key from the instance: a row inserted in this flush has no identity key yet.
    state = sa.inspect(obj)
    return ":".join(str(part) for part in state.mapper.primary_key_from_instance(obj))


def _changes(obj, action: str) -> tuple[dict, dict]:
    """The changed fields, and apart the personal ones."""
    state = sa.inspect(obj)
    changes, personal = {}, {}
    for attr in _audited_columns(obj):
        into = personal if _is_personal(attr) else changes
        if action == "update":
            history = state.attrs[attr.key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                into[attr.key] = [_jsonable(old), _jsonable(new)]
        elif action == "create":
            value = getattr(obj, attr.key)
            if value is not None:
                into[attr.key] = _jsonable(value)
    return changes, personal


@sa.event.listens_for(Session, "after_flush")
def _write_audit_trail(session: Session, flush_context) -> None:
    rows, personal_values = [], []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes, personal = _changes(obj, action)
            if action == "update" and not changes and not personal:
                continue
            rows.append(
                {"action": action, "entity_type": type(obj).__name__, "entity_id": _entity_id(obj), "changes": changes}
            )
            personal_values.append(personal)
    if not rows:
        return
    actor_id, actor_label = current_actor()
    now = utcnow()
    for row in rows:
        row.update(actor_id=actor_id, actor_label=actor_label, occurred_at=now)
    connection = session.connection()
    if not any(personal_values):
        connection.execute(sa.insert(AuditEvent), rows)
        return
    event_ids = connection.scalars(
        sa.insert(AuditEvent).returning(AuditEvent.id, sort_by_parameter_order=True), rows
    ).all()
    connection.execute(
        sa.insert(AuditPersonalValue),
        [
            {"event_id": event_id, "field": field, "value": value}
            for event_id, personal in zip(event_ids, personal_values, strict=True)
            for field, value in personal.items()
        ],
    )


def record_event(action: str, entity_type: str, entity_id: str, changes: dict, now=None) -> None:
    """An event the session hook cannot see (a purge, an export, an erasure), in the current transaction."""
    actor_id, actor_label = current_actor()
    db.session.execute(
        sa.insert(AuditEvent).values(
            occurred_at=now or utcnow(),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=changes,
        )
    )


def redact_personal_values(entity_type: str, entity_ids, now) -> int:
    """Blank the personal values the trail holds on these records; the events stay.
    The only change the database triggers allow on the trail."""
    events = sa.select(AuditEvent.id).where(
        AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_([str(entity_id) for entity_id in entity_ids])
    )
    table = AuditPersonalValue.__table__
    redacted = db.session.execute(
        table.update()
        .where(table.c.event_id.in_(events), table.c.redacted_at.is_(None))
        .values(value=sa.null(), redacted_at=now)
    ).rowcount
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, AuditPersonalValue):
            db.session.expire(loaded)
    return redacted
