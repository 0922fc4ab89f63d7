from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.activity.enums import Channel, FollowUpStatus
from app.auth.models import User
from app.employers.models import Employer, EmployerContact, copies_employer_basin
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.timeutils import UTCDateTime


@copies_employer_basin
class Interaction(TimestampMixin, db.Model):
    """A logged contact with an employer."""

    __tablename__ = "interactions"
    __audited__ = True
    __table_args__ = (
        sa.Index("ix_interactions_employer_id_occurred_on", "employer_id", "occurred_on"),
        sa.Index("ix_interactions_author_id_occurred_on", "author_id", "occurred_on"),
        sa.Index("ix_interactions_occurred_on", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    # The employer's basin, copied (see copies_employer_basin) so that the dashboard counts a
    # basin's contacts from one index range, without joining every contact to its employer.
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("employer_contacts.id", ondelete="SET NULL"), index=True
    )
    occurred_on: Mapped[date]
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel, "channel"))
    # Free text that may name the contact person: the trail keeps it where an erasure can blank it.
    subject: Mapped[str] = mapped_column(sa.String(200), info={"names_people": True})
    summary: Mapped[str] = mapped_column(sa.Text, default="", info={"names_people": True})
    outcome: Mapped[str] = mapped_column(sa.String(500), default="", info={"names_people": True})

    employer: Mapped[Employer] = relationship()
    author: Mapped[User] = relationship()
    contact: Mapped[EmployerContact | None] = relationship()


class FollowUp(TimestampMixin, db.Model):
    """A dated to-do on an employer for an adviser: the reminders are built on it."""

    __tablename__ = "follow_ups"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name="done_at_matches_status"),
        sa.Index("ix_follow_ups_owner_id_status_due_on", "owner_id", "status", "due_on"),
        sa.Index("ix_follow_ups_employer_id_status", "employer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    interaction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interactions.id", ondelete="SET NULL"))
    due_on: Mapped[date]
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_column_type(FollowUpStatus, "status"), default=FollowUpStatus.OPEN
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    employer: Mapped[Employer] = relationship()
    owner: Mapped[User] = relationship()
    interaction: Mapped[Interaction | None] = relationship()
