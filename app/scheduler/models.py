from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.enums import enum_column_type
from app.extensions import db
from app.scheduler.enums import JobRunStatus, JobRunTrigger
from app.timeutils import UTCDateTime, utcnow


class JobRun(db.Model):
    """One execution of a periodic job, or an admin's request for one."""

    __tablename__ = "job_runs"
    __table_args__ = (
        sa.Index("ix_job_runs_job_id_created_at", "job_id", "created_at"),
        sa.Index("ix_job_runs_status", "status"),
        # One pending "run now" per job, even when two admins click together.
        sa.Index(
            "uq_job_runs_job_id_requested",
            "job_id",
            unique=True,
            sqlite_where=sa.text("status = 'requested'"),
            postgresql_where=sa.text("status = 'requested'"),
        ),
        sa.CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="finishes_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(40))
    trigger: Mapped[JobRunTrigger] = mapped_column(enum_column_type(JobRunTrigger, "trigger"))
    status: Mapped[JobRunStatus] = mapped_column(enum_column_type(JobRunStatus, "status"))
    # The fire time of the schedule this run answers (None for manual runs).
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)
    host: Mapped[str | None] = mapped_column(sa.String(120))

    requested_by: Mapped[User | None] = relationship()

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SchedulerLock(db.Model):
    """The lease that lets one scheduler run jobs (SQLite); on PostgreSQL an advisory lock
    does the locking and this row only tells the admin page who holds it."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
