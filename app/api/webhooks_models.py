"""Webhooks: what a client subscribed to, and each event to deliver to it (a transactional outbox)."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.api.models import ApiClient
from app.enums import LabelledEnum, enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.timeutils import UTCDateTime, utcnow


class WebhookEvent(LabelledEnum):
    EMPLOYER_ASSIGNED = ("employer.assigned", "Interlocuteur privilégié désigné")
    EMPLOYER_HANDED_OVER = ("employer.handed_over", "Passation acceptée")
    NEED_CREATED = ("need.created", "Besoin enregistré")
    NEED_STAGE_CHANGED = ("need.stage_changed", "Besoin changé d'étape")
    NEED_CLOSED = ("need.closed", "Besoin clôturé")
    LEAD_ACCEPTED = ("lead.accepted", "Signalement accepté")
    LEAD_REJECTED = ("lead.rejected", "Signalement refusé")
    EVENT_RESULTS = ("event.results", "Résultats d'un événement")


class DeliveryStatus(LabelledEnum):
    PENDING = ("pending", "À envoyer")
    DELIVERED = ("delivered", "Livré")
    # The subscription was paused after 24 hours of failures: kept for an admin to redeliver.
    ABANDONED = ("abandoned", "Abandonné")


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class WebhookSubscription(TimestampMixin, db.Model):
    """A client's URL and the events it wants there.

    Its signing secret is not stored: it is derived from SECRET_KEY, the subscription's id and
    `secret_generation` (app/api/webhooks.py), shown once, and a new generation replaces it.
    """

    __tablename__ = "webhook_subscriptions"
    __audited__ = True
    __table_args__ = (sa.CheckConstraint("secret_generation >= 1", name="secret_generation_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(500))
    # The WebhookEvent values chosen, e.g. ["need.created", "need.closed"].
    event_types: Mapped[list] = mapped_column(sa.JSON)
    secret_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Since when every attempt has failed (None: the last one succeeded); 24 hours of it pause the subscription.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[ApiClient] = relationship()

    def wants(self, event: WebhookEvent) -> bool:
        return event.value in (self.event_types or [])


class WebhookDelivery(db.Model):
    """One event for one subscription, written in the transaction of the change it reports."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # One row per event and subscription: a change is enqueued once.
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_subscription_id_event_id"),
        sa.Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_subscription_id_created_at", "subscription_id", "created_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_positive"),
        sa.CheckConstraint("(status = 'delivered') = (delivered_at IS NOT NULL)", name="delivered_at_matches_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    # The event's id, the same for every subscription and every attempt: a subscriber drops a copy it has seen.
    event_id: Mapped[str] = mapped_column(sa.String(40))
    event_type: Mapped[WebhookEvent] = mapped_column(enum_column_type(WebhookEvent, "event_type"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column_type(DeliveryStatus, "status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription: Mapped[WebhookSubscription] = relationship()
