import re
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import OutboxEmail
from app.timeutils import utcnow
from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory

NEW_PASSWORD = "Un-nouveau-mot-de-passe-1"
SAME_ANSWER = "Si un compte actif correspond à cette adresse"


def _outbox():
    return db.session.scalars(sa.select(OutboxEmail)).all()


def _ask(client, post, email):
    response = post("/mot-de-passe-oublie", {"email": email})
    return response, client.get(response.location).get_data(as_text=True) if response.status_code == 302 else ""


def _reset_link(user) -> str:
    email = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id)).one()
    return re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/[\w-]+)", email.body_text).group(1)


def _choose(post, path, password=NEW_PASSWORD):
    return post(path, {"new_password": password, "confirm_password": password})


def test_the_login_page_links_to_the_reset(client):
    assert 'href="/mot-de-passe-oublie"' in client.get("/connexion").get_data(as_text=True)
    assert client.get("/mot-de-passe-oublie").status_code == 200


def test_same_answer_whether_the_address_exists_or_not(client, post):
    user = UserFactory()
    known, known_page = _ask(client, post, user.email.upper())
    unknown, unknown_page = _ask(client, post, "personne@exemple.fr")
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert SAME_ANSWER in known_page and SAME_ANSWER in unknown_page
    assert [email.recipient_id for email in _outbox()] == [user.id]


def test_no_link_for_a_deactivated_account(client, post):
    user = UserFactory(is_active=False)
    response, page = _ask(client, post, user.email)
    assert response.status_code == 302 and SAME_ANSWER in page
    assert _outbox() == []


def test_the_reset_link_works_once_and_ends_every_session(app, client, login, post):
    user = UserFactory()
    elsewhere = app.test_client()
    from tests.conftest import csrf_token

    elsewhere.post(
        "/connexion", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(elsewhere, app)}
    )
    assert elsewhere.get("/").status_code == 200
    device_cookie = elsewhere.get_cookie("relais_appareil", path="/connexion")
    assert device_cookie is not None

    _ask(client, post, user.email)
    link = _reset_link(user)
    assert client.get(link).status_code == 200
    response = _choose(post, link)
    assert response.status_code == 302
    assert elsewhere.get("/").status_code == 302  # the other session has ended
    from app.auth.devices import known_device

    db.session.expire_all()
    assert known_device(device_cookie.value, user) is None  # and its device is forgotten
    assert _choose(post, link, "Encore-un-autre-mot-2").status_code == 404
    login(user, NEW_PASSWORD)


def test_the_reset_link_expires_after_one_hour(client, post, travel):
    travel(utcnow(), tick=False)
    user = UserFactory()
    _ask(client, post, user.email)
    link = _reset_link(user)
    travel(utcnow() + timedelta(minutes=61))
    assert _choose(post, link).status_code == 404


def test_a_password_change_voids_an_earlier_link(client, login, post):
    user = UserFactory()
    _ask(client, post, user.email)
    link = _reset_link(user)
    login(user)
    post(
        "/compte/mot-de-passe",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    post("/deconnexion")
    assert _choose(post, link, "Encore-un-autre-mot-2").status_code == 404


def test_requests_are_rate_limited_per_address_and_per_email(client, post, app):
    user = UserFactory()
    statuses = [post("/mot-de-passe-oublie", {"email": user.email}).status_code for _ in range(4)]
    assert statuses[-1] == 429
    assert len(_outbox()) <= 3
    # Another browser on another address is refused for the same e-mail too.
    other = app.test_client()
    from tests.conftest import csrf_token

    response = other.post(
        "/mot-de-passe-oublie",
        data={"email": user.email, "csrf_token": csrf_token(other, app)},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 429
    statuses = [
        post(
            "/mot-de-passe-oublie", {"email": f"p{n}@exemple.fr"}, environ_base={"REMOTE_ADDR": "10.0.0.7"}
        ).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429
