from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.activity.enums import Channel, FollowUpStatus
from app.auth.models import User
from app.employers.models import Employer, EmployerContact
from app.enums import enum_column_type
from app.extensions import db
from app.timeutils import UTCDateTime, utcnow


class Interaction(db.Model):
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
    # The employer's basin, copied (see _copy_employer_basin) so that the dashboard counts a
    # basin's contacts from one index range, without joining every contact to its employer.
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("employer_contacts.id", ondelete="SET NULL"), index=True
    )
    occurred_on: Mapped[date]
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel, "channel"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employer: Mapped[Employer] = relationship()
    author: Mapped[User] = relationship()
    contact: Mapped[EmployerContact | None] = relationship()


@sa.event.listens_for(Interaction, "before_insert")
@sa.event.listens_for(Interaction, "before_update")
def _copy_employer_basin(_mapper, connection, interaction: Interaction) -> None:
    """A contact belongs to its employer's basin (the employer row is flushed before it)."""
    if interaction.basin_id is None or sa.inspect(interaction).attrs.employer_id.history.has_changes():
        interaction.basin_id = connection.scalar(
            sa.select(Employer.basin_id).where(Employer.id == interaction.employer_id)
        )


@sa.event.listens_for(Employer, "after_update")
def _follow_employer_basin(_mapper, connection, employer: Employer) -> None:
    """An employer moved to another basin takes its contacts with it."""
    if sa.inspect(employer).attrs.basin_id.history.has_changes():
        move_interactions_to_employer_basin(connection, employer.id)


def move_interactions_to_employer_basin(connection, employer_id: int) -> None:
    """Copy the employer's basin onto its contacts (after a basin change or a merge moved rows)."""
    connection.execute(
        sa.update(Interaction)
        .where(Interaction.employer_id == employer_id)
        .values(basin_id=sa.select(Employer.basin_id).where(Employer.id == employer_id).scalar_subquery())
    )


class FollowUp(db.Model):
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employer: Mapped[Employer] = relationship()
    owner: Mapped[User] = relationship()
    interaction: Mapped[Interaction | None] = relationship()
