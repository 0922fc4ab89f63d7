"""Business rules of notifications: in-app messages, e-mails through the outbox, sends
that can happen once per period only, and the user's e-mail preferences."""

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template

from app.auth.models import User
from app.dialects import insert
from app.extensions import db
from app.notifications.models import Notification, OutboxEmail, SentItem, new_message_id
from app.timeutils import utcnow


def notify(
    recipient: User, kind: str, message: str, link: str | None = None, employer_id: int | None = None
) -> Notification:
    """Queue an in-app notification; the morning digest also carries the unread ones."""
    notification = Notification(recipient=recipient, kind=kind, message=message, link=link, employer_id=employer_id)
    db.session.add(notification)
    return notification


def claim_sends(job_id: str, period_key: str, recipient_ids: Iterable[int]) -> set[int]:
    """Record "job sent to recipient for this period" and return the recipients newly claimed.

    INSERT … ON CONFLICT DO NOTHING RETURNING: a recipient already served for the period
    (by an earlier run, a retry or another scheduler) is simply not returned. On PostgreSQL
    a concurrent transaction inserting the same key waits for ours and then skips it, so
    the caller must queue what it sends in this same transaction.
    """
    rows = [
        {"job_id": job_id, "recipient_id": recipient_id, "period_key": period_key, "created_at": utcnow()}
        for recipient_id in sorted(set(recipient_ids))
    ]
    if not rows:
        return set()
    statement = (
        insert(SentItem.__table__)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["job_id", "recipient_id", "period_key"])
        .returning(SentItem.__table__.c.recipient_id)
    )
    return set(db.session.execute(statement).scalars())


def _url_adapter():
    base = urlsplit(current_app.config["APP_BASE_URL"])
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail: built from APP_BASE_URL, since no request tells the host."""
    return _url_adapter().build(endpoint, values, force_external=True)


def app_path(endpoint: str, **values) -> str:
    """A link for an in-app notification (a path), outside any request."""
    return _url_adapter().build(endpoint, values)


def email_row(
    recipient: User | dict,
    template: str,
    subject: str,
    context: dict,
    attachment_name: str | None = None,
    attachment_html: str | None = None,
) -> dict:
    """The values of one outbox row, rendered from notifications/email/<template>.{txt,html}."""
    if isinstance(recipient, User):
        recipient = {"id": recipient.id, "email": recipient.email, "full_name": recipient.full_name}
    context = {**context, "recipient": recipient}
    now = utcnow()
    return {
        "recipient_id": recipient["id"],
        "to_address": recipient["email"],
        "subject": subject[:200],
        "body_text": render_template(f"notifications/email/{template}.txt", **context),
        "body_html": render_template(f"notifications/email/{template}.html", **context),
        "attachment_name": attachment_name,
        "attachment_html": attachment_html,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "message_id": new_message_id(),
    }


def queue_emails(rows: list[dict]) -> None:
    """Insert outbox rows in the current transaction (one statement for a whole batch)."""
    if rows:
        db.session.execute(sa.insert(OutboxEmail.__table__), rows)


def queue_notifications(rows: list[dict]) -> None:
    if rows:
        now = utcnow()
        db.session.execute(
            sa.insert(Notification.__table__),
            [{"link": None, "employer_id": None, "read_at": None, "created_at": now, **row} for row in rows],
        )


def set_email_digest_preference(user: User, wants_email_digest: bool) -> None:
    user.wants_email_digest = wants_email_digest


def mark_notification_read(notification: Notification, now: datetime) -> None:
    """Mark one notification read; one already read keeps the moment it was first read."""
    if notification.read_at is None:
        notification.read_at = now


def mark_all_notifications_read(user: User, now: datetime) -> None:
    """Mark every unread notification of the user read, in one statement."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
