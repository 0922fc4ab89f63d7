"""Invitations followed: their status, resent with a new link, cancelled; who may, and the trail."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.password_links import INVITATION_LIFETIME, issue_password_link
from app.auth.signals import user_deactivated
from app.extensions import db
from app.notifications.models import OutboxEmail
from tests.conftest import _throwaway_postgres, paris
from tests.factories import BasinFactory, OperatorFactory, UserFactory, seeded_basin

NEW_PASSWORD = "Un-mot-de-passe-choisi-1"
USERS = "/administration/utilisateurs"
PENDING = "/administration/utilisateurs/invitations-en-cours"


def _resend(user):
    return f"/administration/utilisateurs/{user.id}/invitation/renvoyer"


CONFIRMED = {"confirmation": "1"}


def _cancel(user):
    return f"/administration/utilisateurs/{user.id}/invitation/annuler"


def _invite(post, email="nouvelle.conseillere@exemple.fr", basins=None):
    response = post(
        "/administration/utilisateurs/nouveau",
        {
            "email": email,
            "full_name": "Nouvelle Conseillère",
            "role": "adviser",
            "operator_id": str(OperatorFactory().id),
            "basin_ids": [str(basin.id) for basin in basins or [seeded_basin()]],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalar(sa.select(User).where(User.email == email))


def _invited(basins=None, **traits):
    """An invited account with its link, as the invitation leaves it."""
    user = UserFactory(invited=True, basins=basins or [seeded_basin()], **traits)
    issue_password_link(user, INVITATION_LIFETIME)
    db.session.flush()
    return user


def _links(user) -> list[str]:
    """The links of the e-mails queued for this user, oldest first."""
    emails = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id).order_by(OutboxEmail.id)
    )
    return [re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/[\w-]+)", email.body_text).group(1) for email in emails]


def _outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))


def _choose(post, link):
    return post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})


def _state(user) -> tuple:
    db.session.expire_all()
    return (
        user.is_active,
        user.password_token_hash,
        user.password_token_expires_at,
        user.invited_at,
        user.invited_by_id,
        user.session_token,
    )


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- Statuses ------------------------------------------------------------------------------


def test_the_status_goes_from_sent_to_expired(client, login, post, travel):
    travel(paris(2026, 12, 1, 9, 30))
    admin = UserFactory(admin=True)
    login(admin)
    user = _invite(post)
    for page in (USERS, f"{USERS}/{user.id}", PENDING):
        text = _text(client.get(page))
        assert "Invitation envoyée le 01/12/2026, expire le 08/12/2026 à 09:30" in text, page

    travel(paris(2026, 12, 8, 9, 31))
    login(admin)  # the session has timed out meanwhile
    for page in (USERS, f"{USERS}/{user.id}", PENDING):
        text = _text(client.get(page))
        assert 'data-invitation="expired"' in text and "Invitation expirée" in text, page
        assert "Invitation envoyée le" not in text, page


def test_the_account_is_activated_when_its_owner_chooses_a_password(client, login, post, travel):
    travel(paris(2026, 12, 1, 9, 30))
    admin = UserFactory(admin=True)
    login(admin)
    user = _invite(post)
    assert user.activated_at is None and user.invited_by_id == admin.id
    post("/deconnexion")
    travel(paris(2026, 12, 3, 14, 0))
    assert _choose(post, _links(user)[0]).status_code == 302
    db.session.expire_all()
    assert user.activated_at == paris(2026, 12, 3, 14, 0)

    login(admin)
    text = _text(client.get(f"{USERS}/{user.id}"))
    assert "Compte activé le 03/12/2026" in text
    assert "Renvoyer l'invitation" not in text
    assert user.full_name not in _text(client.get(PENDING))


def test_the_users_list_filters_pending_and_expired_invitations(client, login, travel):
    travel(paris(2026, 12, 1, 9, 30))
    login(UserFactory(admin=True))
    pending = _invited(full_name="Invitée Récente")
    travel(paris(2026, 11, 20, 9, 30))
    expired = _invited(full_name="Invitée Ancienne")
    travel(paris(2026, 12, 1, 9, 30))
    cancelled = _invited(full_name="Invitée Annulée", is_active=False)
    activated = UserFactory(full_name="Déjà Activée")

    shown = {
        "": {pending, expired, cancelled, activated},
        "en-attente": {pending},
        "expirees": {expired},
        "inconnu": {pending, expired, cancelled, activated},
    }
    for value, users in shown.items():
        text = _text(client.get(USERS, query_string={"invitations": value}))
        for user in (pending, expired, cancelled, activated):
            assert (user.full_name in text) == (user in users), (value, user.full_name)
    text = _text(client.get(USERS, query_string={"invitations": "expirees", "q": "ancienne"}))
    assert expired.full_name in text and 'value="expirees" selected' in text


# --- Resend ------------------------------------------------------------------------------


def test_a_resent_invitation_has_a_new_link_and_the_old_one_no_longer_works(app, client, login, post, travel):
    travel(paris(2026, 12, 1, 9, 30))
    admin = UserFactory(admin=True)
    login(admin)
    user = _invite(post)
    travel(paris(2026, 12, 10, 8, 0))  # expired meanwhile
    login(admin)
    response = post(_resend(user), {"next": f"{USERS}/{user.id}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{USERS}/{user.id}")
    old_link, new_link = _links(user)
    assert old_link != new_link
    text = _text(client.get(f"{USERS}/{user.id}"))
    assert "Invitation envoyée le 10/12/2026, expire le 17/12/2026 à 08:00" in text

    post("/deconnexion")
    visitor = app.test_client()
    assert visitor.get(old_link).status_code == 404
    assert _choose(post, old_link).status_code == 404
    assert visitor.get(new_link).status_code == 200
    assert _choose(post, new_link).status_code == 302
    db.session.expire_all()
    assert user.activated_at == paris(2026, 12, 10, 8, 0)


def test_a_pending_invitation_resent_invalidates_the_link_still_valid(client, login, post):
    login(UserFactory(admin=True))
    user = _invite(post)
    assert post(_resend(user)).status_code == 302
    old_link, new_link = _links(user)
    post("/deconnexion")
    assert _choose(post, old_link).status_code == 404
    assert _choose(post, new_link).status_code == 302


def test_an_activated_account_gets_no_new_invitation(client, login, post):
    login(UserFactory(admin=True))
    user = UserFactory()
    issue_password_link(user, timedelta(hours=1))  # a "mot de passe oublié" link, pending
    db.session.flush()
    before, outbox = _state(user), _outbox_count()
    response = post(_resend(user))
    assert response.status_code == 409
    assert "Ce compte est déjà activé" in _text(response) and "Mot de passe oublié" in _text(response)
    assert _state(user) == before and _outbox_count() == outbox


def test_a_cancelled_invitation_is_not_resent(client, login, post):
    login(UserFactory(admin=True))
    user = _invited()
    assert post(_cancel(user), CONFIRMED).status_code == 302
    before, outbox = _state(user), _outbox_count()
    response = post(_resend(user))
    assert response.status_code == 409
    assert "Cette invitation est annulée" in _text(response)
    assert _state(user) == before and _outbox_count() == outbox


# --- Cancel ------------------------------------------------------------------------------


def test_a_cancelled_invitation_deactivates_the_account_and_its_link(client, login, post):
    login(UserFactory(admin=True))
    user = _invite(post)
    [link] = _links(user)
    deactivated = []

    def receiver(sender, **kwargs):
        deactivated.append(sender.id)  # the request's own copy of the user

    with user_deactivated.connected_to(receiver):
        response = post(_cancel(user), {"next": PENDING, **CONFIRMED})
    assert response.status_code == 302 and response.headers["Location"].endswith(PENDING)
    assert deactivated == [user.id]
    db.session.expire_all()
    assert not user.is_active and user.password_token_hash is None and user.activated_at is None
    assert 'data-invitation="cancelled"' in _text(client.get(f"{USERS}/{user.id}"))
    assert user.full_name not in _text(client.get(PENDING))

    response = post(_cancel(user))
    assert response.status_code == 409
    assert "Cette invitation est déjà annulée." in _text(response)

    post("/deconnexion")
    assert client.get(link).status_code == 404
    assert _choose(post, link).status_code == 404


def test_an_activated_account_is_not_cancelled_as_an_invitation(client, login, post):
    login(UserFactory(admin=True))
    user = UserFactory()
    before = _state(user)
    response = post(_cancel(user))
    assert response.status_code == 409
    assert "Ce compte est déjà activé" in _text(response)
    assert _state(user) == before


# --- Who may -----------------------------------------------------------------------------


def test_a_lead_follows_the_invitations_of_their_basins_advisers(client, login, post):
    basin = seeded_basin()
    lead = UserFactory(lead=True, basins=[basin])
    mine = _invited(basins=[basin], full_name="Conseillère Du Bassin")
    login(lead)
    assert mine.full_name in _text(client.get(PENDING))
    assert post(_resend(mine)).status_code == 302
    assert len(_links(mine)) == 1
    assert post(_cancel(mine), CONFIRMED).status_code == 302
    db.session.expire_all()
    assert not mine.is_active


def test_a_lead_may_not_follow_other_invitations(client, login, post):
    basin, other_basin = seeded_basin(), BasinFactory()
    lead = UserFactory(lead=True, basins=[basin])
    others = [
        _invited(basins=[other_basin], full_name="Conseillère Ailleurs"),
        _invited(basins=[basin, other_basin], full_name="Conseillère À Cheval"),
        _invited(basins=[basin], manager=True, full_name="Manager Du Bassin"),
        _invited(basins=[basin], lead=True, full_name="Pilote Du Bassin"),
    ]
    login(lead)
    text = _text(client.get(PENDING))
    for user in others:
        assert user.full_name not in text
        before, outbox = _state(user), _outbox_count()
        for url in (_resend(user), _cancel(user)):
            response = post(url)
            assert response.status_code == 403, (user.full_name, url)
            assert "Vous ne pouvez suivre que les invitations des conseillers de vos bassins" in _text(response)
        assert _state(user) == before and _outbox_count() == outbox


@pytest.mark.parametrize("traits", [{}, {"manager": True}, {"spotter": True}], ids=["adviser", "manager", "spotter"])
def test_other_roles_may_not_follow_invitations(client, login, post, traits):
    user = _invited()
    login(UserFactory(**traits))
    assert client.get(PENDING).status_code == 403
    before, outbox = _state(user), _outbox_count()
    for url in (_resend(user), _cancel(user)):
        assert post(url).status_code == 403
    assert _state(user) == before and _outbox_count() == outbox


def test_an_unknown_account_is_not_found(client, login, post):
    login(UserFactory(admin=True))
    assert post("/administration/utilisateurs/2147483647/invitation/renvoyer").status_code == 404
    assert post("/administration/utilisateurs/2147483647/invitation/annuler").status_code == 404


# --- The trail ---------------------------------------------------------------------------


def test_resending_and_cancelling_are_in_the_audit_trail(client, login, post, travel):
    travel(paris(2026, 12, 1, 9, 30))
    admin = UserFactory(admin=True)
    login(admin)
    user = _invite(post)
    travel(paris(2026, 12, 2, 10, 0))
    login(admin)
    assert post(_resend(user)).status_code == 302
    travel(paris(2026, 12, 3, 11, 0))
    login(admin)
    assert post(_cancel(user), CONFIRMED).status_code == 302

    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "User", AuditEvent.entity_id == str(user.id))
        .order_by(AuditEvent.id)
    ).all()
    assert [event.action for event in events] == ["create", "update", "update"]
    created, resent, cancelled = events
    assert created.changes["invited_by_id"] == admin.id
    assert resent.actor_id == admin.id
    assert resent.changes["invited_at"] == [
        paris(2026, 12, 1, 9, 30).astimezone(UTC).isoformat(),
        paris(2026, 12, 2, 10, 0).astimezone(UTC).isoformat(),
    ]
    assert cancelled.changes["is_active"] == [True, False]
    assert "password_token_hash" not in cancelled.changes


# --- The migration's backfill --------------------------------------------------------------


def test_the_migration_tells_activated_accounts_from_invitations(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        url, drop = _throwaway_postgres(database_url)
    else:
        url, drop = f"sqlite:///{tmp_path / 'backfill.db'}", lambda: None
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    created, logged_in = paris(2026, 11, 2, 9, 0), paris(2026, 11, 5, 17, 0)
    try:
        with app.app_context():
            upgrade(revision="2100_tags_admin")
            columns = "email full_name password_hash role is_active wants_email_digest session_token created_at"
            users = sa.table("users", *(sa.column(name) for name in [*columns.split(), "last_login_at"]))
            row = {"role": "admin", "is_active": True, "wants_email_digest": True, "session_token": "t"}
            with db.engine.begin() as connection:
                for email, password_hash, last_login_at in (
                    ("connue@exemple.fr", "$argon2id$…", logged_in),
                    ("jamais@exemple.fr", "$argon2id$…", None),
                    ("invitee@exemple.fr", "!", None),
                ):
                    connection.execute(
                        users.insert().values(
                            **row,
                            email=email,
                            full_name=email,
                            password_hash=password_hash,
                            created_at=_as_stored(created, url),
                            last_login_at=last_login_at and _as_stored(last_login_at, url),
                        )
                    )
            upgrade(revision="2200_invitation_status")
            with db.engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT email, invited_at, activated_at FROM users ORDER BY email")
                ).all()
            db.engine.dispose()
        stored = {email: (invited_at, activated_at) for email, invited_at, activated_at in rows}
        # A real password: activated at the last login known, else at the account's creation.
        assert stored["connue@exemple.fr"][0] is None and _same_instant(stored["connue@exemple.fr"][1], logged_in)
        assert stored["jamais@exemple.fr"][0] is None and _same_instant(stored["jamais@exemple.fr"][1], created)
        # No password yet: an invitation sent when the account was created.
        assert _same_instant(stored["invitee@exemple.fr"][0], created) and stored["invitee@exemple.fr"][1] is None
    finally:
        drop()


def _as_stored(instant, url):
    """An instant as a raw insert writes it: naive UTC on SQLite (timeutils.UTCDateTime), aware on PostgreSQL."""
    return instant.astimezone(UTC).replace(tzinfo=None) if url.startswith("sqlite") else instant


def _same_instant(stored, expected) -> bool:
    """A stored instant (naive UTC on SQLite, a string through its raw SQL) equals ``expected``."""
    if isinstance(stored, str):
        stored = datetime.fromisoformat(stored)
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    return stored == expected
