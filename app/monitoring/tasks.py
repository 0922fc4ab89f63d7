"""Telling the admins about unhandled errors (a scheduled job, app/scheduler/registry.py).

The error page only counts the error (`error_reports.record_unhandled_error`); this job, every
minute, e-mails each admin about each cause that happened again since its last e-mail, at most
once an hour per cause, with the number of occurrences. Sending from the job rather than from
the failing request keeps the error path to one small insert, and groups a burst of one cause
into one e-mail that says how many.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.monitoring.models import ErrorReport
from app.notifications.services import absolute_url, email_row, queue_emails

ALERT_EVERY = timedelta(hours=1)


def send_error_alerts(now: datetime) -> dict[str, int]:
    due = db.session.scalars(
        sa.select(ErrorReport)
        .where(
            ErrorReport.occurrences > ErrorReport.alerted_occurrences,
            sa.or_(ErrorReport.alerted_at.is_(None), ErrorReport.alerted_at <= now - ALERT_EVERY),
        )
        .order_by(ErrorReport.id)
    ).all()
    if not due:
        return {"causes": 0, "courriels": 0}
    admins = db.session.scalars(
        sa.select(User).where(User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)
    ).all()
    link = absolute_url("monitoring.error_reports")
    rows = []
    for report in due:
        new = report.occurrences - report.alerted_occurrences
        context = {"report": report, "new": new, "link": link}
        subject = f"Erreur du service ({new} fois) : {report.exception_type.rsplit('.', 1)[-1]}, {report.location}"
        rows += [email_row(admin, "error_alert", subject, context) for admin in admins]
        report.alerted_at, report.alerted_occurrences = now, report.occurrences
    queue_emails(rows)
    return {"causes": len(due), "courriels": len(rows)}
