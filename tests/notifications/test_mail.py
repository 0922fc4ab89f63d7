import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.notifications.enums import EmailStatus
from app.notifications.mail import MAX_ATTEMPTS, deliver_outbox
from app.notifications.models import OutboxEmail
from app.notifications.services import email_row, queue_emails
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import OutboxEmailFactory, UserFactory


class Inbox:
    """aiosmtpd handler: keeps what the server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_settings(app, monkeypatch):
    port = _free_port()
    for key, value in {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": "",
        "SMTP_TIMEOUT": 5,
        "MAIL_FROM": "Relais Entreprises <ne-pas-repondre@relais-entreprises.fr>",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return port


@pytest.fixture
def smtp_server(smtp_settings):
    """Start a real SMTP server, in this process, on the configured port (when asked)."""
    controllers = []

    def start():
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def test_a_failing_smtp_server_loses_nothing_the_message_is_retried_later(travel, smtp_server):
    travel(paris(2026, 11, 23, 7, 31))
    user = UserFactory()
    row = email_row(user, "stale_needs", "Besoins à relancer", {"needs": [], "lead_days": 60, "employer_link": str})
    row.update(attachment_name="point-avancement-2026-10.html", attachment_html="<h1>Point d'avancement</h1>")
    queue_emails([row])

    # The SMTP server is down: the message stays, with the error and a later attempt.
    assert deliver_outbox(utcnow()) == {"sent": 0, "failed": 1}
    email = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id))
    assert email.status is EmailStatus.PENDING
    assert email.attempts == 1 and "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at == utcnow() + timedelta(minutes=1)

    inbox = smtp_server()
    # Not before its time…
    assert deliver_outbox(utcnow()) == {"sent": 0, "failed": 0}
    # …then delivered, once.
    travel(paris(2026, 11, 23, 7, 32))
    assert deliver_outbox(utcnow()) == {"sent": 1, "failed": 0}
    assert deliver_outbox(utcnow()) == {"sent": 0, "failed": 0}
    db.session.expire_all()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, None)
    [message] = inbox.messages
    assert message["To"] == user.email and message["Subject"] == "Besoins à relancer"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "point-avancement-2026-10.html"
    assert "Point d'avancement" in attachment.get_content()


def test_a_message_is_given_up_after_the_last_attempt_and_stays_visible(travel, smtp_settings):
    travel(paris(2026, 11, 23, 7, 31))
    email = OutboxEmailFactory()
    for _ in range(MAX_ATTEMPTS):
        deliver_outbox(utcnow())
        db.session.refresh(email)
        travel(email.next_attempt_at)
    assert email.status is EmailStatus.FAILED
    assert email.attempts == MAX_ATTEMPTS and email.last_error
    assert deliver_outbox(utcnow()) == {"sent": 0, "failed": 0}


def test_an_unknown_backend_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    OutboxEmailFactory()
    with pytest.raises(RuntimeError, match="MAIL_BACKEND"):
        deliver_outbox(utcnow())


def test_every_delivery_of_a_row_carries_the_message_id_written_with_it(travel, smtp_server):
    """A copy resent after a crash (the server accepted it, the run died before recording it)
    has the Message-ID of the first: the recipient's mail system can drop the duplicate."""
    travel(paris(2026, 11, 23, 7, 31))
    user, other = UserFactory(), UserFactory()
    queue_emails(
        [
            email_row(recipient, "stale_needs", "Besoins", {"needs": [], "lead_days": 60, "employer_link": str})
            for recipient in (user, other)
        ]
    )
    email = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id))
    second = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == other.id))
    assert email.message_id.startswith("<") and email.message_id.endswith("@relais-entreprises.fr>")
    assert email.message_id != second.message_id

    # First attempt refused (no server), then sent; then the crash makes it pending again.
    assert deliver_outbox(utcnow()) == {"sent": 0, "failed": 2}
    inbox = smtp_server()
    travel(paris(2026, 11, 23, 7, 40))
    assert deliver_outbox(utcnow()) == {"sent": 2, "failed": 0}
    db.session.execute(
        sa.update(OutboxEmail).where(OutboxEmail.id == email.id).values(status=EmailStatus.PENDING, sent_at=None)
    )
    assert deliver_outbox(utcnow()) == {"sent": 1, "failed": 0}
    to_user = [message for message in inbox.messages if message["To"] == user.email]
    assert [message["Message-ID"] for message in to_user] == [email.message_id] * 2


def test_an_email_created_without_a_message_id_gets_one():
    assert OutboxEmailFactory().message_id != OutboxEmailFactory().message_id
