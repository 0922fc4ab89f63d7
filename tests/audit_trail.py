"""Removing a test's committed audit events: the database refuses it to everyone else.

Tests that commit (races between threads, schedulers) clean up after themselves; the audit
triggers (migration 1400) are lifted for that one statement, within the cleanup's transaction.
"""

import sqlalchemy as sa

from app.audit.models import AuditEvent, AuditPersonalValue

_TABLES = ("audit_events", "audit_personal_values")


def delete_test_events(connection: sa.Connection, condition) -> None:
    events = sa.select(AuditEvent.id).where(condition)
    if connection.dialect.name == "postgresql":
        for table in _TABLES:
            connection.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        _delete(connection, events)
        for table in _TABLES:
            connection.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    triggers = connection.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_events', 'audit_personal_values')"
        )
    ).all()
    for name, _sql in triggers:
        connection.execute(sa.text(f"DROP TRIGGER {name}"))
    _delete(connection, events)
    for _name, sql in triggers:
        connection.execute(sa.text(sql))


def _delete(connection: sa.Connection, events) -> None:
    ids = list(connection.scalars(events))
    connection.execute(sa.delete(AuditPersonalValue).where(AuditPersonalValue.event_id.in_(ids)))
    connection.execute(sa.delete(AuditEvent).where(AuditEvent.id.in_(ids)))
