"""Behind the HTTPS proxy, each client keeps its own address; without a trusted proxy, the
X-Forwarded-For header is only what the client wrote, and is ignored."""

import sqlalchemy as sa

from app.auth.models import LoginAttempt
from app.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.factories import UserFactory


def _post(client, app, url: str, data: dict, forwarded_for: str):
    return client.post(
        url, data={**data, "csrf_token": csrf_token(client, app)}, headers={"X-Forwarded-For": forwarded_for}
    )


def _recorded_addresses() -> list[str]:
    return list(db.session.scalars(sa.select(LoginAttempt.ip_address).order_by(LoginAttempt.id)))


def _wrong_password(client, app, forwarded_for: str):
    return _post(
        client, app, "/connexion", {"email": "x@exemple.fr", "password": "mauvais-mot-de-passe"}, forwarded_for
    )


def test_behind_one_trusted_proxy_the_client_address_comes_from_x_forwarded_for(proxied_app):
    assert _wrong_password(proxied_app.test_client(), proxied_app, "203.0.113.7").status_code == 401
    assert _recorded_addresses() == ["203.0.113.7"]


def test_an_address_forged_before_the_trusted_proxy_is_ignored(proxied_app):
    # The client wrote the first address; the proxy appended the one it saw.
    _wrong_password(proxied_app.test_client(), proxied_app, "198.51.100.1, 203.0.113.7")
    assert _recorded_addresses() == ["203.0.113.7"]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(app, client):
    assert app.config["TRUSTED_PROXY_HOPS"] == 0
    _wrong_password(client, app, "203.0.113.7")
    assert _recorded_addresses() == ["127.0.0.1"]


def test_an_ipv6_client_is_counted_by_its_64_bit_network(proxied_app):
    # One subscriber holds a whole /64: changing the last bits must not give a fresh quota.
    _wrong_password(proxied_app.test_client(), proxied_app, "2001:db8:1:2:aaaa::1")
    _wrong_password(proxied_app.test_client(), proxied_app, "2001:db8:1:2:bbbb::2")
    assert _recorded_addresses() == ["2001:db8:1:2::/64", "2001:db8:1:2::/64"]


def test_the_public_form_limit_holds_per_client_behind_the_proxy(proxied_app):
    first, second = proxied_app.test_client(), proxied_app.test_client()
    for _ in range(5):
        assert _post(first, proxied_app, "/deposer-un-besoin", {}, "203.0.113.7").status_code == 400
    assert _post(first, proxied_app, "/deposer-un-besoin", {}, "203.0.113.7").status_code == 429
    assert _post(second, proxied_app, "/deposer-un-besoin", {}, "198.51.100.20").status_code == 400


def test_an_address_spraying_accounts_behind_the_proxy_does_not_block_the_others(proxied_app):
    app = proxied_app
    sprayer, colleague = app.test_client(), app.test_client()
    statuses = [
        _post(
            sprayer, app, "/connexion", {"email": f"cible{i}@exemple.fr", "password": "x" * 12}, "203.0.113.7"
        ).status_code
        for i in range(25)
    ]
    assert statuses == [401] * 20 + [429] * 5
    assert len(_recorded_addresses()) == 20
    user = UserFactory()
    response = _post(colleague, app, "/connexion", {"email": user.email, "password": TEST_PASSWORD}, "198.51.100.20")
    assert response.status_code == 302
