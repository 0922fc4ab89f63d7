from datetime import date, datetime
from email.utils import make_msgid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.notifications.enums import EmailStatus
from app.timeutils import UTCDateTime, utcnow

MESSAGE_ID_DOMAIN = "relais-entreprises.fr"


def new_message_id() -> str:
    # No idstring: the header stays under 78 characters, unfolded.
    return make_msgid(domain=MESSAGE_ID_DOMAIN)


class Notification(TimestampMixin, db.Model):
    """An in-app message to one user (e.g. "a colleague logged a contact with your employer")."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str | None] = mapped_column(sa.String(300))
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship()


class OutboxEmail(TimestampMixin, db.Model):
    """An e-mail waiting to be sent, or sent: written in the transaction that decides to send it,
    so that a crash or a failing SMTP server never loses it (transactional outbox)."""

    __tablename__ = "outbox_emails"
    __table_args__ = (
        sa.Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_outbox_emails_created_at", "created_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_positive"),
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_at_matches_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(120))
    attachment_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[EmailStatus] = mapped_column(enum_column_type(EmailStatus, "status"), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Chosen when the row is written and sent by every attempt: a copy resent after a crash
    # (delivery is at-least-once) carries the same Message-ID, so mail systems drop it.
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True, default=new_message_id)


class SentItem(TimestampMixin, db.Model):
    """What a job has sent to whom for which period: the unique key makes a second run,
    a retry or a second scheduler unable to send the same thing twice."""

    __tablename__ = "sent_items"
    __table_args__ = (sa.UniqueConstraint("job_id", "recipient_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(40))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    period_key: Mapped[str] = mapped_column(sa.String(20))


class MonthlyReport(TimestampMixin, db.Model):
    """A manager's "point d'avancement mensuel": the previous month's figures of their basins,
    frozen when computed so that the page and the e-mail say the same thing."""

    __tablename__ = "monthly_reports"
    __table_args__ = (sa.UniqueConstraint("manager_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[date]  # the first day of the month reported on
    basin_names: Mapped[list] = mapped_column(sa.JSON, default=list)
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    manager: Mapped[User] = relationship()
