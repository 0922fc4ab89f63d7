from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutils import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """Who created, changed or deleted which record, when, and which fields."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_entity_type_entity_id", "entity_type", "entity_id"),
        sa.CheckConstraint("action IN ('create', 'update', 'delete', 'purge', 'export', 'erase')", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # No foreign key: the trail outlives the users it names.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(10))
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[str] = mapped_column(sa.String(40))
    # The changed fields, except personal ones: those are rows of audit_personal_values.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    personal_values: Mapped[list["AuditPersonalValue"]] = relationship(order_by="AuditPersonalValue.id", viewonly=True)

    @property
    def all_changes(self) -> dict:
        """The changes with their personal values put back (None once redacted)."""
        return {**self.changes, **{value.field: value.value for value in self.personal_values}}


class AuditPersonalValue(db.Model):
    """A personal value copied into the trail, kept apart so that retention and erasure can
    blank it while the event itself stays untouched. Database triggers refuse any other
    change (migration 1400): no UPDATE of audit_events, no DELETE of either table, and here
    only the UPDATE that blanks ``value`` and dates ``redacted_at``."""

    __tablename__ = "audit_personal_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_events.id", ondelete="RESTRICT"), index=True)
    field: Mapped[str] = mapped_column(sa.String(60))
    # A value (create) or [old, new] (update); SQL NULL once redacted.
    value: Mapped[object | None] = mapped_column(sa.JSON(none_as_null=True))
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
