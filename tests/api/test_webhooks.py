"""Webhooks: enqueued with the change, for the clients that may see it, signed, retried, paused after 24 h.

A real HTTP receiver (http.server on 127.0.0.1, in a thread) checks each signature the way
docs/API.md tells a subscriber to.
"""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from app.api.webhooks import REPLAY_WINDOW, WebhookError, create_subscription, deliver_webhooks, subscription_secret
from app.api.webhooks_models import DeliveryStatus, WebhookDelivery, WebhookEvent
from app.assignments.services import assign_privileged_contact
from app.events.services import record_results
from app.extensions import db
from app.leads.enums import RejectionReason
from app.leads.services import reject_lead
from app.needs.enums import ContractType, NeedStatus
from app.needs.services import close_need, create_need, move_need
from app.notifications.models import Notification, OutboxEmail
from tests.factories import (
    EmployerFactory,
    EventFactory,
    EventParticipantFactory,
    LeadFactory,
    UserFactory,
    api_credentials,
    seeded_basin,
    webhook_subscription,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def verify(secret: str, header: str, body: bytes, now: float) -> bool:
    """What a subscriber does (the snippet of docs/API.md)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(now - timestamp) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


class Receiver:
    """A subscriber on 127.0.0.1: records every request, answers `status`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/relais"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def _deliveries(subscription=None):
    query = sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
    if subscription is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription.id)
    return db.session.scalars(query).all()


def _need(employer=None):
    return create_need(
        employer=employer or EmployerFactory(), title="Soudeur", contract=ContractType.CDI, author=UserFactory()
    )


def test_a_delivery_is_signed_and_verifies_with_the_subscribers_secret(travel, receiver):
    travel(T0)
    subscription, secret = create_subscription(api_credentials().client, receiver.url, ["need.created"])
    need = _need()
    db.session.flush()

    assert deliver_webhooks(T0) == {"webhooks_livres": 1, "webhooks_en_echec": 0, "webhooks_supprimes": 0}

    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert verify(secret, headers["X-Relais-Signature"], body, T0.timestamp())
    assert not verify("whsec_autre", headers["X-Relais-Signature"], body, T0.timestamp())
    assert not verify(secret, headers["X-Relais-Signature"], body + b" ", T0.timestamp())
    # Replayed after the window, the same request is refused.
    assert not verify(secret, headers["X-Relais-Signature"], body, (T0 + REPLAY_WINDOW).timestamp() + 1)
    document = json.loads(body)
    assert document["type"] == "need.created"
    assert document["occurred_at"] == "2026-12-01T09:00:00Z"
    assert document["data"]["id"] == need.id and document["data"]["title"] == "Soudeur"
    assert headers["X-Relais-Event-Id"] == document["id"]
    assert headers["X-Relais-Timestamp"] == str(int(T0.timestamp()))
    [delivery] = _deliveries(subscription)
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.last_status_code == 200
    assert secret == subscription_secret(subscription) and secret.startswith("whsec_")


def test_failures_are_retried_with_growing_delays_and_the_same_event_id(travel, receiver):
    travel(T0)
    subscription, _ = create_subscription(api_credentials().client, receiver.url, ["need.created"])
    _need()
    db.session.flush()
    receiver.status = 503

    assert deliver_webhooks(T0) == {"webhooks_livres": 0, "webhooks_en_echec": 1, "webhooks_supprimes": 0}
    [delivery] = _deliveries(subscription)
    assert delivery.next_attempt_at == T0 + timedelta(minutes=1)
    assert delivery.last_status_code == 503 and delivery.last_error == "Réponse 503."
    # Not due yet: nothing is sent.
    assert deliver_webhooks(T0 + timedelta(seconds=59)) == {
        "webhooks_livres": 0,
        "webhooks_en_echec": 0,
        "webhooks_supprimes": 0,
    }
    deliver_webhooks(T0 + timedelta(minutes=1))
    assert delivery.next_attempt_at == T0 + timedelta(minutes=1 + 2)
    deliver_webhooks(T0 + timedelta(minutes=3))
    assert delivery.next_attempt_at == T0 + timedelta(minutes=3 + 4)

    receiver.status = 204
    deliver_webhooks(T0 + timedelta(minutes=7))
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.attempts == 4
    assert subscription.failing_since is None
    event_ids = {request["headers"]["X-Relais-Event-Id"] for request in receiver.requests}
    assert len(receiver.requests) == 4 and event_ids == {delivery.event_id}
    assert [request["headers"]["X-Relais-Delivery-Attempt"] for request in receiver.requests] == ["1", "2", "3", "4"]


def test_a_subscriber_down_for_24_hours_is_paused_the_admins_told_then_resumed(travel, receiver, client, login, post):
    admin = UserFactory(admin=True)
    travel(T0)
    subscription, _ = create_subscription(api_credentials().client, "http://127.0.0.1:9/ferme", ["need.created"])
    _need()
    db.session.flush()
    now = T0
    while subscription.is_active:
        assert now < T0 + timedelta(hours=26), "never paused"
        deliver_webhooks(now)
        [delivery] = _deliveries(subscription)
        now = delivery.next_attempt_at if subscription.is_active else now
    assert T0 + timedelta(hours=24) <= subscription.paused_at < T0 + timedelta(hours=25)
    assert delivery.status is DeliveryStatus.PENDING and delivery.last_error.startswith("Récepteur injoignable")
    [notification] = db.session.scalars(sa.select(Notification).where(Notification.recipient_id == admin.id)).all()
    assert "mis en pause" in notification.message
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.recipient_id == admin.id)
        )
        == 1
    )
    # Paused: nothing more is attempted, and a new event waits too.
    attempts = delivery.attempts
    _need()
    db.session.flush()
    assert deliver_webhooks(now + timedelta(days=1)) == {
        "webhooks_livres": 0,
        "webhooks_en_echec": 0,
        "webhooks_supprimes": 0,
    }
    assert delivery.attempts == attempts

    # The receiver is repaired; an admin resumes: what waited is delivered.
    subscription.url = receiver.url
    db.session.flush()
    login(admin)
    page = client.get("/administration/api/webhooks")
    assert page.status_code == 200 and "En pause depuis le" in page.get_data(as_text=True)
    assert post(f"/administration/api/webhooks/{subscription.id}/reprendre").status_code == 302
    db.session.expire_all()
    assert deliver_webhooks(now + timedelta(days=1)) == {
        "webhooks_livres": 2,
        "webhooks_en_echec": 0,
        "webhooks_supprimes": 0,
    }


def test_an_admin_redelivers_an_event_with_the_same_id(travel, receiver, client, login, post):
    travel(T0)
    subscription, _ = create_subscription(api_credentials().client, receiver.url, ["need.created"])
    _need()
    db.session.flush()
    deliver_webhooks(T0)
    [delivery] = _deliveries(subscription)
    login(UserFactory(admin=True))
    assert post(f"/administration/api/webhooks/livraisons/{delivery.id}/renvoyer").status_code == 302
    db.session.expire_all()
    deliver_webhooks(T0)
    first, second = receiver.requests
    assert first["headers"]["X-Relais-Event-Id"] == second["headers"]["X-Relais-Event-Id"] == delivery.event_id
    assert first["body"] == second["body"]


def test_only_clients_who_may_see_the_record_are_told(travel):
    travel(T0)
    here = webhook_subscription()
    elsewhere = webhook_subscription(basins=[seeded_basin("5211")])
    _need(EmployerFactory(basin=seeded_basin()))
    db.session.flush()
    assert len(_deliveries(here)) == 1
    assert _deliveries(elsewhere) == []


def test_each_change_is_enqueued_once_per_subscription_and_event_type(travel):
    travel(T0)
    everything = webhook_subscription()
    closings_only = webhook_subscription(events=["need.closed"])
    need = _need()
    db.session.flush()
    move_need(need, NeedStatus.SOURCING, author=None)
    close_need(need, NeedStatus.FILLED, author=None, positions_filled=1, closed_on=T0.date())
    db.session.flush()
    assert [d.event_type for d in _deliveries(everything)] == [
        WebhookEvent.NEED_CREATED,
        WebhookEvent.NEED_STAGE_CHANGED,
        WebhookEvent.NEED_CLOSED,
    ]
    [closed] = _deliveries(closings_only)
    assert closed.event_type is WebhookEvent.NEED_CLOSED and closed.data["from_status"] == "sourcing"
    # Both subscriptions got the same event, under one id.
    assert closed.event_id == _deliveries(everything)[-1].event_id


def test_a_rejected_lead_is_told_and_a_rolled_back_change_is_not(travel):
    travel(T0)
    subscription = webhook_subscription(events=["lead.rejected"])
    lead = LeadFactory()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        reject_lead(lead, decided_by=UserFactory(lead=True), reason=RejectionReason.DUPLICATE)
        raise RuntimeError("the request failed after the change")
    assert _deliveries(subscription) == []
    reject_lead(lead, decided_by=UserFactory(lead=True), reason=RejectionReason.DUPLICATE)
    db.session.flush()
    [delivery] = _deliveries(subscription)
    assert delivery.data["rejection_reason"] == "duplicate"


def test_a_receiver_must_be_https_outside_tests(app):
    client = api_credentials().client
    with pytest.raises(WebhookError, match="https"):
        create_subscription(client, "http://recepteur.example.test/", ["need.created"])
    app.config["WEBHOOK_ALLOW_LOCAL_HTTP"] = False
    try:
        with pytest.raises(WebhookError, match="https"):
            create_subscription(client, "http://127.0.0.1:8000/", ["need.created"])
    finally:
        app.config["WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    with pytest.raises(WebhookError, match="inconnu"):
        create_subscription(client, "https://recepteur.example.test/", ["need.deleted"])
    assert create_subscription(client, "https://recepteur.example.test/", ["need.created"])[0].id


def test_the_delivery_log_is_for_admins_only(client, login):
    webhook_subscription()
    login(UserFactory(manager=True))
    assert client.get("/administration/api/webhooks").status_code == 403


def test_nothing_is_queried_beyond_one_statement_when_nobody_subscribed(count_queries):
    employer = EmployerFactory()
    db.session.flush()
    with count_queries() as statements:
        _need(employer)
    assert len([s for s in statements if "webhook_subscriptions" in s]) == 1


def test_an_assignment_and_an_events_results_are_told(travel):
    travel(T0)
    subscription = webhook_subscription(events=["employer.assigned", "event.results"])
    employer = EmployerFactory()
    adviser = UserFactory()
    assign_privileged_contact(employer=employer, adviser=adviser, assigned_by=UserFactory(lead=True))
    participant = EventParticipantFactory(event=EventFactory(starts_at=T0 - timedelta(days=1)), employer=employer)
    record_results(
        participant.event, candidates_attended=12, results={participant.id: (5, 2)}, author=UserFactory(lead=True)
    )
    db.session.flush()
    assigned, results = _deliveries(subscription)
    assert assigned.event_type is WebhookEvent.EMPLOYER_ASSIGNED
    assert assigned.data["employer"]["siret"] == employer.siret
    assert assigned.data["adviser_name"] == adviser.full_name
    assert results.event_type is WebhookEvent.EVENT_RESULTS
    assert (results.data["candidates_attended"], results.data["interviews"], results.data["hires"]) == (12, 5, 2)


def test_deliveries_done_for_30_days_are_purged_by_the_webhooks_job_and_waiting_ones_stay(travel, receiver):
    travel(T0)
    subscription, _ = create_subscription(api_credentials().client, receiver.url, ["need.created"])
    paused = webhook_subscription(events=["need.created"], is_active=False)
    _need()
    db.session.flush()
    assert deliver_webhooks(T0)["webhooks_livres"] == 1
    [old_delivered] = _deliveries(subscription)
    [old_waiting] = _deliveries(paused)
    old_abandoned = WebhookDelivery(
        subscription=paused,
        event_id="evt_abandoned",
        event_type=WebhookEvent.NEED_CREATED,
        occurred_at=T0,
        data={},
        status=DeliveryStatus.ABANDONED,
        next_attempt_at=T0,
    )
    db.session.add(old_abandoned)
    db.session.flush()
    old_ids = {old_delivered.id, old_abandoned.id}

    travel(T0 + timedelta(days=29))
    _need()
    db.session.flush()
    assert deliver_webhooks(T0 + timedelta(days=29))["webhooks_supprimes"] == 0
    recent = {delivery.id for delivery in _deliveries()} - old_ids - {old_waiting.id}
    assert len(recent) == 2  # delivered to the first, waiting for the paused one

    travel(T0 + timedelta(days=30, seconds=1))
    counts = deliver_webhooks(T0 + timedelta(days=30, seconds=1))
    assert counts == {"webhooks_livres": 0, "webhooks_en_echec": 0, "webhooks_supprimes": 2}
    db.session.expire_all()
    assert {delivery.id for delivery in _deliveries()} == recent | {old_waiting.id}
    assert _deliveries(paused)[0].status is DeliveryStatus.PENDING
