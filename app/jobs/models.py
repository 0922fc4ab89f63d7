from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import enum_column_type
from app.extensions import db
from app.jobs.enums import QueuedJobStatus
from app.timeutils import UTCDateTime, utcnow


class QueuedJob(db.Model):
    """A long job waiting for, held by, or finished by a worker.

    A worker claims a job by setting it RUNNING with a lease (``locked_until``); a worker that
    dies leaves a lease that runs out, and the job is claimed again (at-least-once: handlers are
    idempotent). A failed attempt is retried later (``run_after``) until ``max_attempts``.
    """

    __tablename__ = "queued_jobs"
    __table_args__ = (
        # What a worker looks for: the queued jobs that are due, oldest first.
        sa.Index("ix_queued_jobs_status_run_after", "status", "run_after"),
        sa.CheckConstraint("attempts >= 0 AND attempts <= max_attempts", name="attempts_within_max"),
        sa.CheckConstraint("max_attempts >= 1", name="max_attempts_positive"),
        sa.CheckConstraint("status <> 'running' OR locked_until IS NOT NULL", name="running_has_lease"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[QueuedJobStatus] = mapped_column(
        enum_column_type(QueuedJobStatus, "status"), default=QueuedJobStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(sa.String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last failure, in a sentence for the admins; the traceback goes to the log.
    error: Mapped[str | None] = mapped_column(sa.Text)
