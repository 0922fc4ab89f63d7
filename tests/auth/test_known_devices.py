"""The account lock and a known device: an attacker's wrong passwords lock the account for
every browser but the owner's, whose signed cookie proves an earlier login."""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.auth.devices import DEVICE_COOKIE
from app.auth.models import LoginAttempt
from app.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.factories import UserFactory

WRONG = "mauvais-mot-de-passe"


def _post(client, app, data: dict, address: str = "127.0.0.1"):
    return client.post(
        "/connexion",
        data={**data, "csrf_token": csrf_token(client, app)},
        environ_base={"REMOTE_ADDR": address},
    )


def _owner_browser(app, user):
    """A browser where the owner has logged in once, then out."""
    browser = app.test_client()
    assert _post(browser, app, {"email": user.email, "password": TEST_PASSWORD}, "192.0.2.10").status_code == 302
    assert browser.get_cookie(DEVICE_COOKIE, path="/connexion") is not None
    browser.post("/deconnexion", data={"csrf_token": csrf_token(browser, app)})
    return browser


def _attack(app, email: str, attempts: int, password: str = WRONG) -> list[int]:
    """Wrong passwords from as many addresses (a botnet: no address rule stops it)."""
    return [
        _post(
            app.test_client(), app, {"email": email, "password": password}, f"198.51.{i // 250}.{i % 250 + 1}"
        ).status_code
        for i in range(attempts)
    ]


def _failures(email: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email))


def test_a_hundred_wrong_passwords_do_not_stop_the_owner_on_a_known_device(app, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    browser = _owner_browser(app, user)

    statuses = _attack(app, user.email, 100)

    assert statuses == [401] * 5 + [429] * 95  # only five passwords were ever tried
    assert _post(browser, app, {"email": user.email, "password": TEST_PASSWORD}, "192.0.2.10").status_code == 302


def test_the_account_stays_locked_for_new_browsers_even_after_the_owner_logs_in(app, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    browser = _owner_browser(app, user)
    _attack(app, user.email, 5)

    assert _post(app.test_client(), app, {"email": user.email, "password": TEST_PASSWORD}).status_code == 429
    assert _post(browser, app, {"email": user.email, "password": TEST_PASSWORD}, "192.0.2.10").status_code == 302
    # The owner's login does not hand the attacker five fresh guesses.
    assert _attack(app, user.email, 1) == [429]

    travel(datetime(2026, 11, 2, 9, 16, tzinfo=UTC))
    assert _post(app.test_client(), app, {"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_a_stolen_device_cookie_gives_no_more_than_five_guesses(app, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    stolen = _owner_browser(app, user)
    statuses = [_post(stolen, app, {"email": user.email, "password": WRONG}).status_code for _ in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    assert _post(stolen, app, {"email": user.email, "password": TEST_PASSWORD}).status_code == 429


def test_a_device_known_for_one_account_is_unknown_for_another(app, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    attacker, victim = UserFactory(), UserFactory()
    browser = _owner_browser(app, attacker)
    _attack(app, victim.email, 5)
    assert _post(browser, app, {"email": victim.email, "password": TEST_PASSWORD}).status_code == 429


def test_a_forged_device_cookie_is_ignored(app, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    _attack(app, user.email, 5)
    browser = app.test_client()
    browser.set_cookie(DEVICE_COOKIE, f'[{user.id}, "appareil"]', path="/connexion")
    assert _post(browser, app, {"email": user.email, "password": TEST_PASSWORD}).status_code == 429


def test_a_password_change_forgets_the_known_devices(app, login, post, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    browser = _owner_browser(app, user)
    login(user)
    new_password = "Un-tout-nouveau-mot-de-passe"
    changed = post(
        "/compte/mot-de-passe",
        {"current_password": TEST_PASSWORD, "new_password": new_password, "confirm_password": new_password},
    )
    assert changed.status_code == 302
    _attack(app, user.email, 5)
    assert _post(browser, app, {"email": user.email, "password": new_password}, "192.0.2.10").status_code == 429


def test_the_owner_on_a_known_device_clears_only_its_own_failures(app, travel):
    travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    user = UserFactory()
    browser = _owner_browser(app, user)
    _post(browser, app, {"email": user.email, "password": WRONG}, "192.0.2.10")
    _attack(app, user.email, 4)
    assert _failures(user.email) == 5
    assert _post(browser, app, {"email": user.email, "password": TEST_PASSWORD}, "192.0.2.10").status_code == 302
    assert _failures(user.email) == 4
