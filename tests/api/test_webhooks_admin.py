"""/administration/api/webhooks: admins subscribe a client (the signing secret shown once), rotate
the secret and delete a subscription after a confirmation; bad inputs change nothing."""

import re

import sqlalchemy as sa

from app.api.webhooks import subscription_secret
from app.api.webhooks_models import WebhookDelivery, WebhookEvent, WebhookSubscription
from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutils import utcnow
from tests.factories import UserFactory, api_credentials, webhook_subscription

URL = "/administration/api/webhooks"


def _form(client, **overrides) -> dict:
    return {
        "client_id": str(client.id),
        "url": "https://si.operateur.example/relais/webhooks",
        "event_types": ["need.created", "need.closed"],
        **overrides,
    }


def _subscriptions() -> list[WebhookSubscription]:
    return db.session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.id)).all()


def _trail(action: str, subscription_id: int) -> tuple:
    return (
        AuditEvent.entity_type == "WebhookSubscription",
        AuditEvent.action == action,
        AuditEvent.entity_id == str(subscription_id),
    )


def _shown_secret(response) -> str:
    return re.search(r'data-testid="signing-secret">([^<]+)<', response.get_data(as_text=True)).group(1)


def test_an_admin_subscribes_a_client_and_sees_the_secret_once(client, login, post):
    api_client = api_credentials().client
    admin = UserFactory(admin=True)
    login(admin)
    response = post(URL, _form(api_client))
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Cache-Control"] == "no-store"
    [subscription] = _subscriptions()
    assert subscription.client_id == api_client.id
    assert subscription.url == "https://si.operateur.example/relais/webhooks"
    assert subscription.event_types == ["need.closed", "need.created"]
    secret = _shown_secret(response)
    assert secret == subscription_secret(subscription)
    assert secret not in client.get(URL).get_data(as_text=True)
    [created] = db.session.scalars(sa.select(AuditEvent).where(*_trail("create", subscription.id))).all()
    assert created.actor_id == admin.id


def test_the_form_lists_active_clients_and_every_event_as_checkboxes(client, login):
    active = api_credentials().client
    revoked = api_credentials().client
    revoked.is_active = False
    db.session.flush()
    login(UserFactory(admin=True))
    html = client.get(URL).get_data(as_text=True)
    assert f'<option value="{active.id}">' in html and f'<option value="{revoked.id}">' not in html
    for event in WebhookEvent:
        assert f'name="event_types" value="{event.value}"' in html


def test_bad_inputs_are_refused_in_french_and_create_nothing(client, login, post):
    api_client = api_credentials().client
    revoked = api_credentials().client
    revoked.is_active = False
    db.session.flush()
    login(UserFactory(admin=True))
    refusals = {
        "Le récepteur doit être une adresse https://.": _form(api_client, url="http://si.operateur.example/"),
        "adresse complète du récepteur": _form(api_client, url="https://"),
        "Ce champ est obligatoire.": _form(api_client, url=""),
        "Choisissez au moins un événement.": _form(api_client, event_types=[]),
        "pas un choix valide pour ce champ": _form(api_client, event_types=["need.deleted"]),
        "Ce champ est obligatoire": _form(api_client, client_id=""),
        "N&#39;est pas un choix valide": _form(api_client, client_id=str(revoked.id)),
        "500 caractères au plus": _form(api_client, url="https://exemple.fr/" + "a" * 500),
    }
    for message, form in refusals.items():
        response = post(URL, form)
        assert response.status_code == 400, (message, response.status_code)
        assert message in response.get_data(as_text=True), message
    assert post(URL, _form(api_client, client_id="99999999999")).status_code == 400
    assert _subscriptions() == []


def test_the_form_needs_its_csrf_token(client, login, app):
    api_client = api_credentials().client
    login(UserFactory(admin=True))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(URL, data=_form(api_client))
    assert response.status_code == 400
    assert _subscriptions() == []


def test_rotating_asks_for_confirmation_then_shows_the_new_secret_once(client, login, post):
    subscription = webhook_subscription()
    old_secret = subscription_secret(subscription)
    login(UserFactory(admin=True))
    asked = post(f"{URL}/{subscription.id}/secret")
    assert asked.status_code == 200 and 'data-testid="confirmation"' in asked.get_data(as_text=True)
    db.session.refresh(subscription)
    assert subscription_secret(subscription) == old_secret
    rotated = post(f"{URL}/{subscription.id}/secret", {"confirmation": "1"})
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    db.session.refresh(subscription)
    assert subscription.secret_generation == 2
    assert _shown_secret(rotated) == subscription_secret(subscription) != old_secret


def test_deleting_asks_for_confirmation_and_takes_the_deliveries(client, login, post):
    subscription = webhook_subscription()
    subscription_id = subscription.id
    kept = webhook_subscription()
    for each in (subscription, kept):
        db.session.add(
            WebhookDelivery(
                subscription=each,
                event_id=f"evt_{each.id}",
                event_type=WebhookEvent.NEED_CREATED,
                occurred_at=utcnow(),
                data={},
            )
        )
    db.session.flush()
    admin = UserFactory(admin=True)
    login(admin)
    asked = post(f"{URL}/{subscription.id}/suppression")
    assert asked.status_code == 200 and "Supprimer l&#39;abonnement" in asked.get_data(as_text=True)
    assert len(_subscriptions()) == 2
    assert post(f"{URL}/{subscription_id}/suppression", {"confirmation": "1"}).status_code == 302
    db.session.expire_all()
    assert _subscriptions() == [kept]
    assert db.session.scalars(sa.select(WebhookDelivery.subscription_id)).all() == [kept.id]
    assert db.session.scalar(sa.select(AuditEvent.actor_id).where(*_trail("delete", subscription_id))) == admin.id
    assert post(f"{URL}/{subscription_id}/suppression", {"confirmation": "1"}).status_code == 404
    assert post(f"{URL}/{2**31}/secret", {"confirmation": "1"}).status_code == 404


def test_only_admins_subscribe_rotate_and_delete(client, login, post):
    subscription = webhook_subscription()
    api_client = api_credentials().client
    login(UserFactory(lead=True))
    assert post(URL, _form(api_client)).status_code == 403
    assert post(f"{URL}/{subscription.id}/secret", {"confirmation": "1"}).status_code == 403
    assert post(f"{URL}/{subscription.id}/suppression", {"confirmation": "1"}).status_code == 403
    db.session.refresh(subscription)
    assert subscription.secret_generation == 1
    assert len(_subscriptions()) == 1
