import re
from datetime import timedelta

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.notifications.models import OutboxEmail
from app.timeutils import utcnow
from tests.factories import BasinFactory, OperatorFactory, UserFactory, seeded_basin

NEW_PASSWORD = "Un-mot-de-passe-choisi-1"


def _invitation(**overrides):
    data = {
        "email": "Nouvelle.Conseillere@exemple.fr",
        "full_name": "Nouvelle Conseillère",
        "role": "adviser",
        "operator_id": str(OperatorFactory().id),
        "basin_ids": [str(seeded_basin().id)],
    }
    data.update(overrides)
    return data


def _user(email="nouvelle.conseillere@exemple.fr"):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _link_in_outbox(user) -> str:
    email = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id)).one()
    match = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/[\w-]+)", email.body_text)
    assert match, email.body_text
    assert match.group(1) in email.body_html
    return match.group(1)


def _choose(post, path, password=NEW_PASSWORD):
    return post(path, {"new_password": password, "confirm_password": password})


def test_an_invited_person_chooses_a_password_once(app, client, login, post):
    login(UserFactory(admin=True))
    response = post("/administration/utilisateurs/nouveau", _invitation())
    assert response.status_code == 302
    user = _user()
    assert user.role is Role.ADVISER
    link = _link_in_outbox(user)
    assert user.password_token_hash is not None and link.rsplit("/", 1)[1] not in user.password_token_hash

    visitor = app.test_client()
    assert visitor.get(link).status_code == 200
    post("/deconnexion")
    assert _choose(post, link).status_code == 302
    login(user, NEW_PASSWORD)
    # Single use: the same link refuses a second password.
    post("/deconnexion")
    response = _choose(post, link, "Un-autre-mot-de-passe-2")
    assert response.status_code == 404
    assert "il a déjà servi ou a expiré" in response.get_data(as_text=True)
    login(user, NEW_PASSWORD)


def test_no_password_opens_an_invited_account_before_the_link_is_used(client, login, post):
    login(UserFactory(admin=True))
    post("/administration/utilisateurs/nouveau", _invitation())
    post("/deconnexion")
    for guess in ("", "!", "Mot-de-passe-initial-1"):
        response = post("/connexion", {"email": "nouvelle.conseillere@exemple.fr", "password": guess})
        assert response.status_code in (400, 401)


def test_the_invitation_link_expires_after_seven_days(client, login, post, travel):
    travel(utcnow(), tick=False)
    login(UserFactory(admin=True))
    post("/administration/utilisateurs/nouveau", _invitation())
    link = _link_in_outbox(_user())
    post("/deconnexion")
    travel(utcnow() + timedelta(days=7, minutes=1))
    assert client.get(link).status_code == 404
    assert _choose(post, link).status_code == 404


def test_a_token_opens_only_its_own_account(client, login, post):
    login(UserFactory(admin=True))
    post("/administration/utilisateurs/nouveau", _invitation())
    post("/administration/utilisateurs/nouveau", _invitation(email="autre@exemple.fr", full_name="Autre"))
    link = _link_in_outbox(_user())
    other = _user("autre@exemple.fr")
    other_hash = other.password_hash
    post("/deconnexion")
    assert _choose(post, link).status_code == 302
    db.session.expire_all()
    assert other.password_hash == other_hash
    assert _choose(post, link[:-3] + "abc").status_code == 404


def test_the_password_rules_apply_to_an_invitation(client, login, post):
    login(UserFactory(admin=True))
    post("/administration/utilisateurs/nouveau", _invitation())
    link = _link_in_outbox(_user())
    post("/deconnexion")
    response = _choose(post, link, "court")
    assert response.status_code == 400
    assert "Entre 12 et 128 caractères." in response.get_data(as_text=True)
    response = _choose(post, link, "qwerty123456")
    assert response.status_code == 400
    assert "trop courant" in response.get_data(as_text=True)
    # A refusal does not use up the link.
    assert _choose(post, link).status_code == 302


def test_a_lead_invites_an_adviser_of_their_basin_only(client, login, post):
    basin = seeded_basin()
    lead = UserFactory(lead=True, basins=[basin])
    login(lead)
    assert post("/administration/utilisateurs/nouveau", _invitation()).status_code == 302
    assert _user().basin_ids == {basin.id}

    other_basin = BasinFactory()
    response = post(
        "/administration/utilisateurs/nouveau", _invitation(email="b@exemple.fr", basin_ids=[str(other_basin.id)])
    )
    assert response.status_code == 400
    assert _user("b@exemple.fr") is None
    for role in ("admin", "taskforce_lead", "manager"):
        response = post("/administration/utilisateurs/nouveau", _invitation(email="c@exemple.fr", role=role))
        assert response.status_code == 400
        assert _user("c@exemple.fr") is None


def test_the_admin_form_has_no_password_field(client, login):
    login(UserFactory(admin=True))
    text = client.get("/administration/utilisateurs/nouveau").get_data(as_text=True)
    assert 'type="password"' not in text
