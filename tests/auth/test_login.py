import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher

from app import create_app
from app.auth.models import LoginAttempt
from app.auth.services import hash_password
from app.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory

ADVISER_HOME = "/"


def _attempts(email: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email))


def test_good_credentials_open_a_session(client, login):
    user = UserFactory(email="claire@exemple.fr")
    login(user)
    assert client.get(ADVISER_HOME).status_code == 200


def test_email_is_case_insensitive(client, post):
    UserFactory(email="claire@exemple.fr")
    response = post("/connexion", {"email": "  Claire@Exemple.FR ", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_refused_in_french_and_counted(client, post, caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="relais.security"):
        response = post("/connexion", {"email": user.email, "password": "mauvais-mot-de-passe"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    assert _attempts(user.email) == 1
    assert any("login_failed" in record.getMessage() and "ip=" in record.getMessage() for record in caplog.records)


def test_unknown_account_gets_the_same_answer(client, post):
    response = post("/connexion", {"email": "personne@exemple.fr", "password": "peu-importe-123"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)


def test_empty_form_is_a_400_with_messages(client, post):
    response = post("/connexion", {"email": "", "password": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, post):
    user = UserFactory(is_active=False)
    response = post("/connexion", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401


def test_account_is_throttled_after_five_failures_even_with_the_right_password(client, post, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    for _ in range(5):
        post("/connexion", {"email": user.email, "password": "mauvais-mot-de-passe"})
    response = post("/connexion", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)

    travel(datetime(2026, 11, 2, 9, 16, tzinfo=UTC))
    assert post("/connexion", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_ip_is_throttled_across_accounts(app, client, post):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    try:
        for index in range(3):
            post("/connexion", {"email": f"inconnu{index}@exemple.fr", "password": "mauvais-mot-de-passe"})
        user = UserFactory()
        assert post("/connexion", {"email": user.email, "password": TEST_PASSWORD}).status_code == 429
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 20


def test_success_clears_the_account_failures(client, post):
    user = UserFactory()
    post("/connexion", {"email": user.email, "password": "mauvais-mot-de-passe"})
    post("/connexion", {"email": user.email, "password": TEST_PASSWORD})
    assert _attempts(user.email) == 0


def test_next_parameter_cannot_redirect_off_site(client, post):
    user = UserFactory()
    response = post("/connexion?next=https://evil.example/", {"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    response = post("/connexion?next=//evil.example/", {"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"


def test_next_parameter_keeps_a_local_path(client, post):
    user = UserFactory()
    response = post("/connexion?next=/relances", {"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/relances"


def test_login_form_without_csrf_token_is_refused_and_logged(client, caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="relais.security"):
        response = client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert any("csrf_failure" in record.getMessage() for record in caplog.records)


def test_production_hashes_are_argon2id_with_strong_parameters():
    app = create_app("development")
    app.config.from_object("config.ProductionConfig")
    with app.app_context():
        encoded = hash_password("un-mot-de-passe-solide")
    assert encoded.startswith("$argon2id$")
    assert "m=65536,t=3,p=4" in encoded


def test_weak_hash_is_upgraded_at_login(app, client, post):
    user = UserFactory()
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, salt_len=8).hash(TEST_PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert post("/connexion", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert user.password_hash != weak


def test_last_login_is_recorded(client, login, travel):
    travel(datetime(2026, 11, 3, 8, 0, tzinfo=UTC))
    user = UserFactory()
    login(user)
    db.session.expire_all()
    assert user.last_login_at == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    assert user.last_login_at - datetime(2026, 11, 3, 8, 0, tzinfo=UTC) == timedelta(0)
