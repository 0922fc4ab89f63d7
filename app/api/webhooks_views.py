"""The admins' page of the webhooks: subscribe a client (the signing secret shown once), each
subscription's last deliveries, resume, redeliver, rotate a secret, delete a subscription."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from app.api.admin_forms import WebhookSubscriptionForm
from app.api.models import ApiClient
from app.api.webhooks import (
    create_subscription,
    delete_subscription,
    redeliver,
    resume_subscription,
    rotate_subscription_secret,
)
from app.api.webhooks_models import WebhookDelivery, WebhookSubscription
from app.confirmation import ask_confirmation, confirmed
from app.extensions import db
from app.formatting import of
from app.transactions import refusal_shown

bp = Blueprint("webhooks_admin", __name__, url_prefix="/administration/api/webhooks", template_folder="templates")

LAST_DELIVERIES = 20


def _form() -> WebhookSubscriptionForm:
    form = WebhookSubscriptionForm()
    form.set_choices(db.session.scalars(sa.select(ApiClient).where(ApiClient.is_active).order_by(ApiClient.name)))
    return form


def _page(form: WebhookSubscriptionForm, secret: tuple[WebhookSubscription, str] | None = None, status: int = 200):
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
    html = render_template(
        "api/webhooks.html", subscriptions=subscriptions, deliveries=by_subscription, form=form, secret=secret
    )
    # A page that shows a secret is kept by no cache.
    return html, status, {"Cache-Control": "no-store"} if secret else {}


@bp.route("", methods=["GET", "POST"])
def index():
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.is_submitted() else 200)
    client = db.session.get(ApiClient, form.client_id.data) or abort(404)
    with refusal_shown(form) as outcome:
        subscription, secret = create_subscription(client, form.url.data, form.event_types.data)
    if outcome.refused:
        return _page(form, status=400)
    flash(f"Le client « {client.name} » est abonné : {', '.join(subscription.event_types)}.", "success")
    return _page(_form(), (subscription, secret))


def _subscription_or_404(subscription_id: int) -> WebhookSubscription:
    return db.session.get(WebhookSubscription, subscription_id) or abort(404)


@bp.post("/<int:subscription_id>/secret")
def rotate(subscription_id: int):
    subscription = _subscription_or_404(subscription_id)
    if not confirmed():
        return ask_confirmation(
            title=f"Changer le secret de signature des webhooks {of(subscription.client.name)}",
            consequences=(
                f"Les envois vers {subscription.url} seront signés avec un nouveau secret, affiché une seule "
                "fois : le récepteur refusera les suivants tant qu'il vérifie avec l'ancien."
            ),
            action_label="Changer le secret",
            cancel_url=url_for("webhooks_admin.index"),
        )
    secret = rotate_subscription_secret(subscription)
    flash(f"Le secret de signature des webhooks de « {subscription.client.name} » est changé.", "success")
    return _page(_form(), (subscription, secret))


@bp.post("/<int:subscription_id>/suppression")
def delete(subscription_id: int):
    subscription = _subscription_or_404(subscription_id)
    name, url = subscription.client.name, subscription.url
    if not confirmed():
        return ask_confirmation(
            title=f"Supprimer l'abonnement aux webhooks {of(name)}",
            consequences=(
                f"Plus aucun événement ne sera envoyé à {url}, y compris ceux en attente, et le journal de "
                "ses livraisons est effacé. C'est définitif : pour reprendre, il faudra un nouvel abonnement "
                "et un nouveau secret."
            ),
            action_label="Supprimer l'abonnement",
            cancel_url=url_for("webhooks_admin.index"),
        )
    delete_subscription(subscription)
    flash(f"L'abonnement de « {name} » vers {url} est supprimé.", "success")
    return redirect(url_for("webhooks_admin.index"))


@bp.post("/<int:subscription_id>/reprendre")
def resume(subscription_id: int):
    subscription = _subscription_or_404(subscription_id)
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
