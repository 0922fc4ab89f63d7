"""Webhooks: a client is told when something changes, from a transactional outbox.

A domain's signal (app/api/webhooks_receivers.py) writes one `webhook_deliveries` row per
subscription whose client may see the record, in the transaction of the change: no change is
reported that was rolled back, none is lost. The `webhooks` job (app/scheduler/registry.py)
posts them, signed, retries with growing delays, and pauses a subscription that has failed for
24 hours (the admins are told); an admin resumes it, and what waited is delivered then.

The signing secret is derived, not stored: HMAC-SHA256(SECRET_KEY, subscription id and
generation), like the calendar feeds' tokens. Signing needs the raw secret (a hash would not
do), and a derived one leaves nothing to steal from the database; a new generation replaces it.
Changing SECRET_KEY changes every subscriber's secret.
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from ipaddress import ip_address
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from flask import current_app

from app.api.models import ApiClient
from app.api.webhooks_models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    new_event_id,
)
from app.auth.enums import Role
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.notifications.services import absolute_url, app_path, email_row, notify, queue_emails
from app.timeutils import utcnow
from app.transactions import transaction

# A subscriber refuses a signature older than this (docs/API.md): a captured request cannot be replayed later.
REPLAY_WINDOW = timedelta(minutes=5)
PAUSE_AFTER = timedelta(hours=24)
# 1, 2, 4… minutes after each failure, at most an hour: about 30 attempts before the pause.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# Connect and read timeouts: a slow subscriber must not hold the batch (and its row locks).
TIMEOUT_SECONDS = (3, 5)
DELIVERY_BATCH = 100
# Delivered and abandoned deliveries stay this long in the admins' log (and may be redelivered).
DELIVERIES_KEPT = timedelta(days=30)
USER_AGENT = "Relais-Entreprises-Webhooks/1"


class WebhookError(DomainError):
    """A refusal whose message can be shown as it is."""


# --- Subscriptions -------------------------------------------------------------------------


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > 500 or not parts.hostname:
        raise WebhookError("Indiquez l'adresse complète du récepteur (https://…), 500 caractères au plus.")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and current_app.config.get("WEBHOOK_ALLOW_LOCAL_HTTP") and _is_loopback(parts.hostname):
        return url
    raise WebhookError("Le récepteur doit être une adresse https://.")


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def parse_event_types(values: list[str]) -> list[str]:
    known = {event.value for event in WebhookEvent}
    chosen = [value.strip() for value in values if value.strip()]
    unknown = sorted(set(chosen) - known)
    if unknown:
        raise WebhookError(f"Événement inconnu : {', '.join(unknown)}. Possibles : {', '.join(sorted(known))}.")
    if not chosen:
        raise WebhookError("Choisissez au moins un événement.")
    return sorted(set(chosen))


def subscription_secret(subscription: WebhookSubscription) -> str:
    message = f"webhook:{subscription.id}:{subscription.secret_generation}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()
    return f"whsec_{digest}"


def create_subscription(client: ApiClient, url: str, event_types: list[str]) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret, shown once."""
    if not client.is_active:
        raise WebhookError(f"Le client « {client.name} » est révoqué.")
    subscription = WebhookSubscription(client=client, url=check_url(url), event_types=parse_event_types(event_types))
    db.session.add(subscription)
    db.session.flush()
    return subscription, subscription_secret(subscription)


def rotate_subscription_secret(subscription: WebhookSubscription) -> str:
    subscription.secret_generation += 1
    db.session.flush()
    return subscription_secret(subscription)


def delete_subscription(subscription: WebhookSubscription) -> None:
    """Stop telling the client: the subscription goes, and its deliveries with it, even those
    waiting (the foreign key's ON DELETE CASCADE)."""
    db.session.delete(subscription)
    db.session.flush()


def resume_subscription(subscription: WebhookSubscription) -> WebhookSubscription:
    """Deliver again: what waited while it was paused is sent at the next run."""
    if subscription.is_active:
        raise WebhookError("Cet abonnement n'est pas en pause.")
    subscription.is_active = True
    subscription.paused_at = None
    subscription.failing_since = None
    now = utcnow()
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=now)
    )
    return subscription


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again, with the same id: the subscriber recognises a copy it already has."""
    delivery.status = DeliveryStatus.PENDING
    delivery.delivered_at = None
    delivery.next_attempt_at = utcnow()
    return delivery


# --- The outbox ----------------------------------------------------------------------------


def enqueue(event: WebhookEvent, data: Callable[[], dict], sees: Callable[[User], bool]) -> int:
    """One delivery per subscription that wants this event and whose client `sees` the record.

    `sees` receives the client's technical account: the same rules as the API's reads. `data` is
    built (and the change flushed, for its ids) only when some subscription wants the event.
    """
    subscriptions = db.session.scalars(
        sa.select(WebhookSubscription)
        .join(WebhookSubscription.client)
        .where(ApiClient.is_active.is_(True))
        .order_by(WebhookSubscription.id)
    ).all()
    wanted = [subscription for subscription in subscriptions if subscription.wants(event)]
    if not wanted:
        return 0
    db.session.flush()
    document = data()
    event_id, occurred_at = new_event_id(), utcnow()
    rows = [
        WebhookDelivery(
            subscription=subscription,
            event_id=event_id,
            event_type=event,
            occurred_at=occurred_at,
            data=document,
            next_attempt_at=occurred_at,
        )
        for subscription in wanted
        if sees(subscription.client.principal)
    ]
    db.session.add_all(rows)
    return len(rows)


def delivery_body(delivery: WebhookDelivery) -> bytes:
    document = {
        "id": delivery.event_id,
        "type": delivery.event_type.value,
        "occurred_at": delivery.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": delivery.data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _post(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str | None]:
    """The response's status code and, when it failed, why (in French, for the admins' log)."""
    body = delivery_body(delivery)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Relais-Event-Id": delivery.event_id,
        "X-Relais-Event-Type": delivery.event_type.value,
        "X-Relais-Timestamp": str(timestamp),
        "X-Relais-Delivery-Attempt": str(delivery.attempts + 1),
        "X-Relais-Signature": signature(subscription_secret(delivery.subscription), timestamp, body),
    }
    try:
        response = requests.post(
            delivery.subscription.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.Timeout:
        return None, "Pas de réponse dans le délai."
    except requests.RequestException as error:
        return None, f"Récepteur injoignable ({type(error).__name__})."
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"Réponse {response.status_code}."


def _pause(subscription: WebhookSubscription, now: datetime) -> None:
    subscription.is_active = False
    subscription.paused_at = now
    admins = db.session.scalars(
        sa.select(User).where(User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)
    ).all()
    message = (
        f"Webhooks du client « {subscription.client.name} » mis en pause après 24 h d'échecs "
        f"({subscription.url}) : reprenez-les une fois le récepteur réparé."
    )
    for admin in admins:
        notify(admin, "webhook_paused", message, link=app_path("webhooks_admin.index"))
    context = {"subscription": subscription, "link": absolute_url("webhooks_admin.index")}
    subject = f"Webhooks en pause : {subscription.client.name}"
    queue_emails([email_row(admin, "webhook_paused", subject, context) for admin in admins])


def _record(delivery: WebhookDelivery, status_code: int | None, error: str | None, now: datetime) -> bool:
    """Keep the attempt's outcome; True if it was delivered."""
    subscription = delivery.subscription
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status_code
    delivery.last_error = error[:300] if error else None
    if error is None:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        subscription.failing_since = None
        return True
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    subscription.failing_since = subscription.failing_since or now
    if now - subscription.failing_since >= PAUSE_AFTER:
        _pause(subscription, now)
    return False


def purge_old_webhook_deliveries(now: datetime) -> int:
    """Deliveries done (delivered or abandoned) more than 30 days ago are deleted, as old e-mails
    are by the retention job; those still waiting stay, however old. A delivery is done when it
    was last due: its `next_attempt_at`, which the status's index serves, so that this runs with
    every delivery run at the cost of an index range (a redelivered one starts its 30 days again)."""
    cutoff = now - DELIVERIES_KEPT
    return db.session.execute(
        sa.delete(WebhookDelivery).where(
            WebhookDelivery.status.in_([DeliveryStatus.DELIVERED, DeliveryStatus.ABANDONED]),
            WebhookDelivery.next_attempt_at < cutoff,
            WebhookDelivery.created_at < cutoff,
        )
    ).rowcount


def deliver_webhooks(now: datetime, batch_size: int = DELIVERY_BATCH) -> dict[str, int]:
    """Delete the old deliveries, then post the due ones, one batch per transaction, until none is due."""
    with transaction():
        purged = purge_old_webhook_deliveries(now)
    counts = {"webhooks_livres": 0, "webhooks_en_echec": 0, "webhooks_supprimes": purged}
    while True:
        # One transaction per batch, as the e-mail outbox: what a subscriber accepted is recorded
        # at once. SKIP LOCKED lets a second scheduler take other rows (PostgreSQL; SQLite ignores it).
        with transaction():
            batch = db.session.scalars(
                sa.select(WebhookDelivery)
                .join(WebhookDelivery.subscription)
                .join(WebhookSubscription.client)
                .where(
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                    WebhookDelivery.next_attempt_at <= now,
                    WebhookSubscription.is_active.is_(True),
                    ApiClient.is_active.is_(True),
                )
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(batch_size)
                .with_for_update(of=WebhookDelivery, skip_locked=True)
            ).all()
            for delivery in batch:
                if not delivery.subscription.is_active:
                    continue  # paused by an earlier row of this batch
                status_code, error = _post(delivery, now)
                delivered = _record(delivery, status_code, error, now)
                counts["webhooks_livres" if delivered else "webhooks_en_echec"] += 1
        if len(batch) < batch_size:
            return counts
