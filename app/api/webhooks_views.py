"""The admins' page of the webhooks: each subscription, its last deliveries, resume and redeliver."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from app.api.models import ApiClient
from app.api.webhooks import redeliver, resume_subscription
from app.api.webhooks_models import WebhookDelivery, WebhookSubscription
from app.extensions import db
from app.transactions import refusal_shown

bp = Blueprint("webhooks_admin", __name__, url_prefix="/administration/api/webhooks", template_folder="templates")

LAST_DELIVERIES = 20


@bp.get("")
def index():
    subscriptions = db.session.scalars(
        sa.select(WebhookSubscription)
        .join(WebhookSubscription.client)
        .options(selectinload(WebhookSubscription.client))
        .order_by(ApiClient.name, WebhookSubscription.id)
    ).all()
    # Each subscription's last deliveries, in one statement (a window per subscription).
    rank = (
        sa.func.row_number()
        .over(
            partition_by=WebhookDelivery.subscription_id,
            order_by=(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()),
        )
        .label("rank")
    )
    ranked = sa.select(WebhookDelivery.id, rank).subquery()
    deliveries = db.session.scalars(
        sa.select(WebhookDelivery)
        .join(ranked, ranked.c.id == WebhookDelivery.id)
        .where(ranked.c.rank <= LAST_DELIVERIES)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    ).all()
    by_subscription: dict[int, list[WebhookDelivery]] = {}
    for delivery in deliveries:
        by_subscription.setdefault(delivery.subscription_id, []).append(delivery)
    return render_template("api/webhooks.html", subscriptions=subscriptions, deliveries=by_subscription)


@bp.post("/<int:subscription_id>/reprendre")
def resume(subscription_id: int):
    subscription = db.session.get(WebhookSubscription, subscription_id) or abort(404)
    with refusal_shown() as outcome:
        resume_subscription(subscription)
    if not outcome.refused:
        flash(f"Les webhooks de « {subscription.client.name} » reprennent : l'attente sera envoyée.", "success")
    return redirect(url_for("webhooks_admin.index"))


@bp.post("/livraisons/<int:delivery_id>/renvoyer")
def resend(delivery_id: int):
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404)
    redeliver(delivery)
    flash(f"L'événement {delivery.event_id} sera renvoyé, avec le même identifiant.", "success")
    return redirect(url_for("webhooks_admin.index"))
