"""An event's hires by public (RSA, RQTH…), entered with its results: a person may count in several
publics, so each public is at most the event's hires, not their sum."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import enum_column_type
from app.events.models import Event
from app.extensions import db
from app.needs.enums import Public
from app.needs.inclusion import replace_public_counts


class EventPublicHire(db.Model):
    __tablename__ = "event_public_hires"
    __audited__ = True
    __table_args__ = (sa.CheckConstraint("hires >= 1", name="hires_positive"),)

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    public: Mapped[Public] = mapped_column(enum_column_type(Public, "public"), primary_key=True)
    hires: Mapped[int]


def event_hires(event: Event) -> int:
    return sum(participant.hires for participant in event.participants)


def event_public_hires(event: Event) -> dict[Public, int]:
    rows = db.session.execute(
        sa.select(EventPublicHire.public, EventPublicHire.hires).where(EventPublicHire.event_id == event.id)
    )
    return dict(rows.tuples().all())


def record_event_public_hires(event: Event, hires: dict[Public, int]) -> None:
    """Replace the event's hires by public."""
    replace_public_counts(
        EventPublicHire, {"event_id": event.id}, hires, event_hires(event), "les recrutements de l'événement"
    )
