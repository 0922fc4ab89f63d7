from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.models import Employer
from app.enums import enum_column_type
from app.events.enums import EventKind, EventStatus
from app.extensions import db
from app.mixins import TimestampMixin
from app.needs.enums import TargetPublic
from app.needs.models import RecruitmentNeed
from app.referential.models import Basin, Operator
from app.timeutils import UTCDateTime, utcnow

event_operators = sa.Table(
    "event_operators",
    db.Model.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("operator_id", sa.ForeignKey("operators.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Event(TimestampMixin, db.Model):
    """A recruitment event of a basin. Candidates are counted, never named."""

    __tablename__ = "events"
    __audited__ = True
    __audit_exclude__ = {"version"}
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("candidates_expected >= 0 AND candidates_attended >= 0", name="candidates_not_negative"),
        sa.CheckConstraint(
            "capacity IS NULL OR (candidates_expected <= capacity AND candidates_attended <= capacity)",
            name="candidates_within_capacity",
        ),
        sa.Index("ix_events_basin_id_starts_at", "basin_id", "starts_at"),
        sa.Index("ix_events_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    kind: Mapped[EventKind] = mapped_column(enum_column_type(EventKind, "kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(300))
    capacity: Mapped[int | None]
    target_public: Mapped[TargetPublic] = mapped_column(
        enum_column_type(TargetPublic, "target_public"), default=TargetPublic.ALL
    )
    # Co-organisers outside the network (CCI, a town, a club…), one per line: the "double bannière".
    partner_names: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[EventStatus] = mapped_column(enum_column_type(EventStatus, "status"), default=EventStatus.PLANNED)
    candidates_expected: Mapped[int] = mapped_column(default=0, server_default="0")
    candidates_attended: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking, and the iCalendar SEQUENCE that tells calendars an event changed.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    basin: Mapped[Basin] = relationship()
    created_by: Mapped[User | None] = relationship()
    operators: Mapped[list[Operator]] = relationship(secondary=event_operators, order_by=Operator.name)
    participants: Mapped[list["EventParticipant"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventParticipant.id"
    )

    @property
    def partners(self) -> list[str]:
        return [line.strip() for line in self.partner_names.splitlines() if line.strip()]

    @property
    def organisers(self) -> list[str]:
        return [operator.name for operator in self.operators] + self.partners

    def __str__(self) -> str:
        return self.title


class EventParticipant(db.Model):
    """An employer at an event: positions offered, then interviews held and hires."""

    __tablename__ = "event_participants"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("event_id", "employer_id", name="uq_event_participants_event_employer"),
        sa.CheckConstraint("positions_offered >= 0", name="positions_offered_not_negative"),
        sa.CheckConstraint("interviews >= 0 AND hires >= 0", name="results_not_negative"),
        sa.CheckConstraint("hires <= positions_offered", name="hires_within_positions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="RESTRICT"), index=True)
    positions_offered: Mapped[int] = mapped_column(default=0)
    interviews: Mapped[int] = mapped_column(default=0, server_default="0")
    hires: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="participants")
    employer: Mapped[Employer] = relationship()
    needs: Mapped[list["EventParticipantNeed"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="EventParticipantNeed.need_id"
    )


class EventParticipantNeed(db.Model):
    """A need an employer brings to an event, and the hires of the event credited to it."""

    __tablename__ = "event_participant_needs"
    __table_args__ = (sa.CheckConstraint("hires >= 0", name="hires_not_negative"),)

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_participants.id", ondelete="CASCADE"), primary_key=True
    )
    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    hires: Mapped[int] = mapped_column(default=0, server_default="0")

    participant: Mapped[EventParticipant] = relationship(back_populates="needs")
    need: Mapped[RecruitmentNeed] = relationship()


class CalendarFeed(db.Model):
    """The key generation of a basin's subscribable calendar feed.

    Calendar clients cannot log in, so the feed URL carries an HMAC of the basin and this
    generation under the app's secret key: not guessable, nothing secret stored here, and
    bumping the generation revokes every copy of the old URL.
    """

    __tablename__ = "calendar_feeds"
    __audited__ = True

    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int] = mapped_column(default=1, server_default="1")
    rotated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rotated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
