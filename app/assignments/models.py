from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assignments.enums import HandoverStatus
from app.auth.models import User
from app.employers.models import Employer, copies_employer_basin
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.referential.models import Basin, Operator
from app.timeutils import UTCDateTime, utcnow

ACTIVE = sa.text("ended_at IS NULL")
PENDING = sa.text("status = 'pending'")
DEFAULT_CAPACITY = 60


@copies_employer_basin
class Assignment(db.Model):
    """An employer's privileged contact over a period; the open one is the current one."""

    __tablename__ = "assignments"
    __audited__ = True
    __table_args__ = (
        # The rule "one door per employer" held by the database, under any concurrency.
        sa.Index(
            "uq_assignments_employer_id_active",
            "employer_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        sa.Index("ix_assignments_adviser_id_ended_at", "adviser_id", "ended_at"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    # The employer's basin, copied (see copies_employer_basin) so that the dashboard counts a
    # basin's privileged contacts without joining them to the employers (app/dashboard/models.py).
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    adviser_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("operators.id", ondelete="RESTRICT"))
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(500))

    employer: Mapped[Employer] = relationship()
    adviser: Mapped[User] = relationship(foreign_keys=[adviser_id])
    operator: Mapped[Operator] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class TaskForce(TimestampMixin, db.Model):
    """The basin's task force: advisers of several operators and their lead(s)."""

    __tablename__ = "task_forces"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))

    basin: Mapped[Basin] = relationship()
    members: Mapped[list["TaskForceMember"]] = relationship(back_populates="task_force", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class TaskForceMember(db.Model):
    """An adviser (or lead) of the task force, with the portfolio size the lead allows them."""

    __tablename__ = "task_force_members"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("task_force_id", "user_id"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(sa.ForeignKey("task_forces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    capacity: Mapped[int] = mapped_column(default=DEFAULT_CAPACITY, server_default=str(DEFAULT_CAPACITY))
    # Absent up to and including this date (leave, sickness): never suggested meanwhile.
    absent_until: Mapped[date | None]

    task_force: Mapped[TaskForce] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def is_absent_on(self, day: date) -> bool:
        return self.absent_until is not None and self.absent_until >= day


class HandoverRequest(db.Model):
    """A request to hand an employer over to another privileged contact, decided by the lead."""

    __tablename__ = "handover_requests"
    __audited__ = True
    __table_args__ = (
        # One open request per employer: a second one would race the first decision.
        sa.Index(
            "uq_handover_requests_employer_id_pending",
            "employer_id",
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
        sa.Index("ix_handover_requests_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[HandoverStatus] = mapped_column(
        enum_column_type(HandoverStatus, "status"), default=HandoverStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))

    employer: Mapped[Employer] = relationship()
    assignment: Mapped[Assignment] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
