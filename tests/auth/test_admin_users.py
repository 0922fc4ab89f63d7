import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.factories import OperatorFactory, UserFactory, seeded_basin


def _form(**overrides):
    data = {
        "email": "nouvelle.conseillere@exemple.fr",
        "full_name": "Nouvelle Conseillère",
        "role": "adviser",
        "operator_id": str(OperatorFactory().id),
        "basin_ids": [str(seeded_basin().id)],
        "is_active": "y",
    }
    data.update(overrides)
    return data


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_admin_creates_an_adviser(client, login, post):
    login(UserFactory(admin=True))
    response = post("/administration/utilisateurs/nouveau", _form())
    assert response.status_code == 302
    user = _user("nouvelle.conseillere@exemple.fr")
    assert user.role is Role.ADVISER
    assert [basin.code for basin in user.basins] == ["5219"]


def test_duplicate_email_is_refused(client, login, post):
    login(UserFactory(admin=True))
    existing = UserFactory()
    response = post("/administration/utilisateurs/nouveau", _form(email=existing.email.upper()))
    assert response.status_code == 400
    assert "Un compte existe déjà avec cette adresse e-mail." in response.get_data(as_text=True)


def test_adviser_without_operator_or_basin_is_refused(client, login, post):
    login(UserFactory(admin=True))
    response = post("/administration/utilisateurs/nouveau", _form(operator_id=""))
    assert response.status_code == 400
    assert "doit être rattaché à un opérateur" in response.get_data(as_text=True)
    response = post("/administration/utilisateurs/nouveau", _form(basin_ids=[]))
    assert response.status_code == 400
    assert "Choisissez au moins un bassin" in response.get_data(as_text=True)
    assert _user("nouvelle.conseillere@exemple.fr") is None


def test_bad_email_is_refused(client, login, post):
    # The short password's refusal moved with the password to the invitation's link
    # (tests/auth/test_invitations.py::test_the_password_rules_apply_to_an_invitation).
    login(UserFactory(admin=True))
    response = post("/administration/utilisateurs/nouveau", _form(email="pas-une-adresse"))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Adresse e-mail invalide." in text


def test_admin_deactivates_a_user_and_their_session_ends(app, client, login, post):
    login(UserFactory(admin=True))
    adviser = UserFactory()
    adviser_client = app.test_client()
    adviser_client.post(
        "/connexion",
        data={"email": adviser.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(adviser_client, app)},
    )
    assert adviser_client.get("/").status_code == 200

    assert post(f"/administration/utilisateurs/{adviser.id}/desactiver", {"confirmation": "1"}).status_code == 302
    db.session.expire_all()
    assert adviser.is_active is False
    assert adviser_client.get("/").status_code == 302


def test_admin_cannot_deactivate_themselves(client, login, post):
    admin = UserFactory(admin=True)
    login(admin)
    post(f"/administration/utilisateurs/{admin.id}/desactiver", {"confirmation": "1"})
    db.session.expire_all()
    assert admin.is_active is True


def test_role_change_ends_the_users_sessions(client, login, post):
    login(UserFactory(admin=True))
    adviser = UserFactory()
    token = adviser.session_token
    response = post(
        f"/administration/utilisateurs/{adviser.id}",
        {
            "email": adviser.email,
            "full_name": adviser.full_name,
            "role": "taskforce_lead",
            "operator_id": str(adviser.operator_id),
            "basin_ids": [str(b.id) for b in adviser.basins],
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert adviser.role is Role.TASKFORCE_LEAD
    assert adviser.session_token != token


def test_unknown_role_is_refused(client, login, post):
    login(UserFactory(admin=True))
    response = post("/administration/utilisateurs/nouveau", _form(role="superuser"))
    assert response.status_code == 400
    assert _user("nouvelle.conseillere@exemple.fr") is None


def test_user_list_is_searchable(client, login):
    login(UserFactory(admin=True))
    UserFactory(full_name="Zoé Introuvable")
    text = client.get("/administration/utilisateurs?q=introuv").get_data(as_text=True)
    assert "Zoé Introuvable" in text
