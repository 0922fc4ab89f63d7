"""E-mail delivery: the outbox table is the queue, a transport hands messages over.

Jobs never talk to SMTP: they insert ``OutboxEmail`` rows in the transaction that decides
to send (with the ``SentItem`` that forbids sending twice). ``deliver_outbox`` then sends
what is due; a failure keeps the row with its error and a later attempt time.
"""

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.notifications.enums import EmailStatus
from app.notifications.models import OutboxEmail
from app.transactions import transaction

log = logging.getLogger(__name__)

DELIVERY_BATCH = 50
# Minutes to wait after the 1st, 2nd, … failure; after the last one the message is given up.
RETRY_DELAYS_MINUTES = (1, 5, 15, 60, 180, 360, 720)
MAX_ATTEMPTS = len(RETRY_DELAYS_MINUTES) + 1


def outbox_dir() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def outbox_file(email_id: int) -> Path:
    return outbox_dir() / f"{email_id}.eml"


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    if email.attachment_html:
        message.add_attachment(
            email.attachment_html.encode("utf-8"),
            maintype="text",
            subtype="html",
            filename=email.attachment_name or "piece-jointe.html",
        )
    return message


class SmtpTransport:
    """One SMTP connection per delivery batch, with STARTTLS or implicit TLS."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def __enter__(self):
        config = self.config
        context = ssl.create_default_context()
        if config["SMTP_SECURITY"] == "ssl":
            self.connection = smtplib.SMTP_SSL(
                config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"], context=context
            )
        else:
            self.connection = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
            if config["SMTP_SECURITY"] == "starttls":
                self.connection.starttls(context=context)
        if config["SMTP_USERNAME"]:
            self.connection.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        return self

    def send(self, email: OutboxEmail, message: EmailMessage) -> None:
        self.connection.send_message(message)

    def __exit__(self, *exc_info):
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                self.connection.close()


class FileTransport:
    """Development and tests: each message becomes instance/outbox/<id>.eml."""

    def __enter__(self):
        outbox_dir().mkdir(parents=True, exist_ok=True)
        return self

    def send(self, email: OutboxEmail, message: EmailMessage) -> None:
        outbox_file(email.id).write_bytes(bytes(message))

    def __exit__(self, *exc_info):
        return None


def make_transport():
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return SmtpTransport(current_app.config)
    if backend == "file":
        return FileTransport()
    raise RuntimeError(f"MAIL_BACKEND inconnu : {backend!r} (attendu : smtp ou file)")


def _record_failure(email: OutboxEmail, error: Exception, now: datetime) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:1000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED
    else:
        email.next_attempt_at = now + timedelta(minutes=RETRY_DELAYS_MINUTES[email.attempts - 1])


def deliver_outbox(now: datetime, batch_size: int = DELIVERY_BATCH) -> dict[str, int]:
    """Send the due messages, one batch per transaction, until none is due."""
    counts = {"sent": 0, "failed": 0}
    sender = current_app.config["MAIL_FROM"]
    while True:
        # One transaction per batch on purpose: what the server accepted is recorded at once, so
        # that a later failure in the run cannot send it again, and the rows stay locked briefly.
        with transaction():
            # SKIP LOCKED: on PostgreSQL a second sender takes the next rows instead of waiting
            # (SQLite ignores FOR UPDATE; one scheduler runs there anyway).
            batch = list(
                db.session.scalars(
                    sa.select(OutboxEmail)
                    .where(OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now)
                    .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
                    .limit(batch_size)
                    .with_for_update(skip_locked=True)
                )
            )
            if not batch:
                return counts
            handled: set[int] = set()
            try:
                with make_transport() as transport:
                    for email in batch:
                        handled.add(email.id)
                        try:
                            transport.send(email, build_message(email, sender))
                        except (smtplib.SMTPException, OSError) as error:
                            _record_failure(email, error, now)
                            counts["failed"] += 1
                        else:
                            email.status = EmailStatus.SENT
                            email.sent_at = now
                            email.attempts += 1
                            email.last_error = None
                            counts["sent"] += 1
            except (smtplib.SMTPException, OSError) as error:
                # The server could not be reached (or dropped us): the rest of the batch waits.
                log.warning("SMTP indisponible : %s", error)
                for email in batch:
                    if email.id not in handled:
                        _record_failure(email, error, now)
                        counts["failed"] += 1
        if len(batch) < batch_size:
            return counts
