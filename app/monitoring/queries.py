"""What the monitoring reads: the admin page's causes, and the figures of the metrics."""

from datetime import datetime

import sqlalchemy as sa

from app.api.webhooks_models import DeliveryStatus, WebhookDelivery
from app.employers.models import ImportRun
from app.extensions import db
from app.monitoring.models import ErrorReport
from app.notifications.enums import EmailStatus
from app.notifications.models import OutboxEmail
from app.scheduler.enums import JobRunStatus
from app.scheduler.models import JobRun, SchedulerLock


def error_reports_query() -> sa.Select:
    return sa.select(ErrorReport).order_by(ErrorReport.last_seen_at.desc(), ErrorReport.id.desc())


def job_run_counts() -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        sa.select(JobRun.job_id, JobRun.status, sa.func.count()).group_by(JobRun.job_id, JobRun.status)
    )
    return [(job_id, status.value, count) for job_id, status, count in rows]


def last_successful_runs() -> list[tuple[str, datetime]]:
    rows = db.session.execute(
        sa.select(JobRun.job_id, sa.func.max(JobRun.finished_at))
        .where(JobRun.status == JobRunStatus.SUCCEEDED)
        .group_by(JobRun.job_id)
    )
    return [(job_id, finished_at) for job_id, finished_at in rows if finished_at is not None]


def outbox_counts() -> list[tuple[str, int]]:
    """Pending and abandoned e-mails (the sent ones are history, not backlog)."""
    counts = dict(
        db.session.execute(
            sa.select(OutboxEmail.status, sa.func.count())
            .where(OutboxEmail.status != EmailStatus.SENT)
            .group_by(OutboxEmail.status)
        ).all()
    )
    return [(status.value, counts.get(status, 0)) for status in (EmailStatus.PENDING, EmailStatus.FAILED)]


def oldest_pending_email() -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.min(OutboxEmail.created_at)).where(OutboxEmail.status == EmailStatus.PENDING)
    )


def webhook_backlog() -> tuple[int, datetime | None]:
    """How many webhook deliveries wait (a paused subscription's too), and when the oldest was written."""
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(WebhookDelivery.created_at)).where(
            WebhookDelivery.status == DeliveryStatus.PENDING
        )
    ).one()
    return count, oldest


def import_row_totals() -> tuple[int, int]:
    imported, rejected = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(ImportRun.rows_imported), 0),
            sa.func.coalesce(sa.func.sum(ImportRun.rows_rejected), 0),
        )
    ).one()
    return int(imported), int(rejected)


def unhandled_error_total() -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ErrorReport.occurrences), 0))))


def last_scheduler_heartbeat() -> datetime | None:
    """When the scheduler holding the lock last renewed it (None: no scheduler ever ran)."""
    return db.session.scalar(sa.select(sa.func.max(SchedulerLock.heartbeat_at)))
