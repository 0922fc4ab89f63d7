"""The « comité France Travail local » of a basin: its meetings, their decisions, the needs it escalates."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.committees.enums import ActionStatus
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.needs.models import RecruitmentNeed
from app.referential.models import Basin


class CommitteeMeeting(TimestampMixin, db.Model):
    """One meeting, with the basin's figures frozen at its date (``snapshot``, never recomputed)."""

    __tablename__ = "committee_meetings"
    __audited__ = True
    # One meeting a day per basin; the unique index also serves "a basin's meetings by date".
    __table_args__ = (sa.UniqueConstraint("basin_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    held_on: Mapped[date]
    # The organisations present (France Travail, mission locale, Région, CCI…): names, not people.
    attendees: Mapped[list] = mapped_column(sa.JSON, default=list)
    # {"period": [start, end], "figures": {name: value}}: app.committees.snapshots.
    snapshot: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    basin: Mapped[Basin] = relationship()
    actions: Mapped[list["CommitteeAction"]] = relationship(
        back_populates="meeting", order_by="CommitteeAction.id", cascade="all, delete-orphan"
    )


class CommitteeAction(TimestampMixin, db.Model):
    """A decision of a meeting: who carries it (a user or an organisation), by when, where it stands."""

    __tablename__ = "committee_actions"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("owner_user_id IS NOT NULL OR owner_organisation IS NOT NULL", name="has_owner"),
        # The next meeting lists the open actions of the previous one.
        sa.Index("ix_committee_actions_meeting_id_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_meetings.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(sa.String(500))
    # Users are deactivated, never deleted: an action keeps its owner.
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    owner_organisation: Mapped[str | None] = mapped_column(sa.String(160))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(
        enum_column_type(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="actions")
    owner_user: Mapped[User | None] = relationship()

    @property
    def owner(self) -> str:
        return self.owner_user.full_name if self.owner_user is not None else self.owner_organisation


class NeedEscalation(TimestampMixin, db.Model):
    """An unmet need the committee raised to the département: shown to the département's steering."""

    __tablename__ = "need_escalations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"), unique=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_meetings.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))

    need: Mapped[RecruitmentNeed] = relationship()
    meeting: Mapped[CommitteeMeeting] = relationship()
