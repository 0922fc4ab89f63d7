from datetime import UTC, datetime

from app.auth.services import deactivate_user
from app.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.factories import UserFactory


def _copy_cookie(app, source, target):
    cookie = source.get_cookie(app.config["SESSION_COOKIE_NAME"])
    target.set_cookie(cookie.key, cookie.value)


def test_logout_ends_a_copied_cookie(app, client, login):
    user = UserFactory()
    login(user)
    thief = app.test_client()
    _copy_cookie(app, client, thief)
    assert thief.get("/").status_code == 200

    response = client.post("/deconnexion", data={"csrf_token": csrf_token(client, app)})
    assert response.status_code == 302
    assert thief.get("/").status_code == 302


def test_logout_by_get_is_not_allowed(client, login):
    login(UserFactory())
    refused = client.get("/deconnexion")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "OPTIONS, POST"
    assert client.get("/").status_code == 200


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, login, post):
    user = UserFactory()
    login(user)
    other_device = app.test_client()
    _copy_cookie(app, client, other_device)

    response = post(
        "/compte/mot-de-passe",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "Un-nouveau-mot-2026",
            "confirm_password": "Un-nouveau-mot-2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302


def test_password_change_rejects_a_wrong_current_password(client, login, post):
    user = UserFactory()
    login(user)
    before = user.password_hash
    response = post(
        "/compte/mot-de-passe",
        {
            "current_password": "pas-le-bon-mot",
            "new_password": "Un-nouveau-mot-2026",
            "confirm_password": "Un-nouveau-mot-2026",
        },
    )
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.password_hash == before


def test_password_change_rejects_a_short_or_mismatched_password(client, login, post):
    login(UserFactory())
    response = post(
        "/compte/mot-de-passe",
        {"current_password": TEST_PASSWORD, "new_password": "court", "confirm_password": "court"},
    )
    assert response.status_code == 400
    assert "Entre 12 et 128 caractères." in response.get_data(as_text=True)
    response = post(
        "/compte/mot-de-passe",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "Un-nouveau-mot-2026",
            "confirm_password": "Autre-chose-2026",
        },
    )
    assert "Les deux mots de passe diffèrent." in response.get_data(as_text=True)


def test_deactivation_ends_the_session(client, login):
    user = UserFactory()
    login(user)
    deactivate_user(user)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_idle_timeout_after_thirty_minutes(client, login, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    login(UserFactory())
    travel(datetime(2026, 11, 2, 9, 29, tzinfo=UTC))
    assert client.get("/").status_code == 200
    travel(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_absolute_timeout_after_twelve_hours_even_when_active(client, login, travel):
    travel(datetime(2026, 11, 2, 6, 0, tzinfo=UTC))
    login(UserFactory())
    for hour in range(6, 18):
        for minute in (0, 25, 50):
            travel(datetime(2026, 11, 2, hour, minute, tzinfo=UTC))
            assert client.get("/").status_code == 200
    travel(datetime(2026, 11, 2, 18, 1, tzinfo=UTC))
    assert client.get("/").status_code == 302


def test_login_starts_a_new_session(app, client, post):
    user = UserFactory()
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    post("/connexion", {"email": user.email, "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_cookie_flags(app, client, post):
    user = UserFactory()
    response = post("/connexion", {"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"].total_seconds() == 0


def test_production_cookie_is_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.HSTS_ENABLED is True
