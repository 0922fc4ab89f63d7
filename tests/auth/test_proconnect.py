"""Sign-in through ProConnect, against a real OpenID provider (oidc-provider-mock) on loopback."""

import base64
import contextlib
import json
import logging
import re
import socket
import threading
import warnings
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
import sqlalchemy as sa
import werkzeug.serving
from authlib.deprecate import AuthlibDeprecationWarning

from app.auth.models import User
from app.extensions import db
from tests.factories import UserFactory

with warnings.catch_warnings():
    # The provider, a test tool, still uses Authlib's deprecated modules; the app does not.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    import oidc_provider_mock

# The provider runs in this process, under pytest's "warnings are errors": its own use of a
# deprecated Authlib hook must not turn its token endpoint into a 500.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

CALLBACK = "/connexion/proconnect/retour"
NO_ACCOUNT = "Aucun compte actif de Relais Entreprises n&#39;est associé à l&#39;adresse"
NOT_VERIFIED = "La réponse de ProConnect n&#39;a pas pu être vérifiée : connexion refusée."


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Forgery:
    """In front of the provider, lets a test make it answer what an attacker or a wrong
    configuration would: tokens issued under another name, or an ID token changed after signing."""

    def __init__(self, app):
        self.app = app
        self.reset()

    def reset(self):
        self.token_host = None
        self.edit_id_token = None

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/oauth2/token":
            return self.app(environ, start_response)
        if self.token_host:
            # The provider writes the host it was reached at as the tokens' issuer.
            environ["HTTP_HOST"] = self.token_host
            environ["wsgi.url_scheme"] = "https"  # the provider serves plain HTTP to loopback only
        if not self.edit_id_token:
            return self.app(environ, start_response)
        answer = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)

        token = json.loads(b"".join(self.app(environ, capture)))
        header, payload, signature = token["id_token"].split(".")
        claims = self.edit_id_token(json.loads(_b64decode(payload)))
        token["id_token"] = ".".join([header, _b64encode(json.dumps(claims).encode()), signature])
        body = json.dumps(token).encode()
        headers = [(name, value) for name, value in answer["headers"] if name.lower() != "content-length"]
        start_response(answer["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@contextlib.contextmanager
def _running(**options):
    """An OpenID provider on a free loopback port, served from a thread."""
    # Its log lines are not this app's: the app's log filter reads the app's configuration
    # from whatever Flask request is current, here the provider's.
    provider_log = logging.getLogger("oidc_provider_mock")
    propagated, provider_log.propagate = provider_log.propagate, False
    forgery = Forgery(oidc_provider_mock.app(require_nonce=True, **options))
    server = werkzeug.serving.make_server("127.0.0.1", 0, forgery, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.forgery = forgery
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        provider_log.propagate = propagated


@pytest.fixture(scope="module")
def provider():
    with _running() as server:
        yield server


def _configure(app, monkeypatch, provider):
    monkeypatch.setitem(app.config, "PROCONNECT_ISSUER", provider.url)
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_ID", "relais-entreprises")
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_SECRET", "secret-de-test")


@pytest.fixture
def proconnect(app, provider, monkeypatch):
    provider.forgery.reset()
    _configure(app, monkeypatch, provider)
    return provider


def _agent(provider, sub: str, email: str) -> None:
    """The person as ProConnect knows them."""
    response = httpx.put(
        f"{provider.url}/users/{quote(sub)}", json={"email": email, "given_name": "Claire", "usual_name": "Martin"}
    )
    assert response.status_code == 204


def _sign_in_at_provider(client, provider, sub: str, start_url: str = "/connexion/proconnect") -> str:
    """Start the sign-in, consent at the provider; returns the callback URL it sends the browser to."""
    start = client.get(start_url)
    assert start.status_code == 302
    assert start.location.startswith(f"{provider.url}/")
    consent = httpx.post(start.location, data={"sub": sub})
    assert consent.status_code == 302, consent.text[:500]
    callback = urlsplit(consent.headers["location"])
    assert callback.path == CALLBACK
    return f"{callback.path}?{callback.query}"


def _refusal_reasons(caplog) -> list[str]:
    return [
        re.search(r"reason=(\S+)", record.getMessage())[1]
        for record in caplog.records
        if "login_failed" in record.getMessage()
    ]


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_without_configuration_there_is_no_button_and_no_sign_in(client):
    assert "ProConnect" not in client.get("/connexion").get_data(as_text=True)
    for url in ("/connexion/proconnect", CALLBACK):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location == "/connexion"
    assert "La connexion avec ProConnect n&#39;est pas proposée sur ce site" in client.get("/connexion").get_data(
        as_text=True
    )


def test_the_login_page_shows_the_button_when_configured(client, proconnect):
    html = client.get("/connexion").get_data(as_text=True)
    assert "S'identifier avec ProConnect" in html
    assert "Qu'est-ce que ProConnect ?" in html


def test_the_authorization_request_asks_what_proconnect_expects(client, proconnect):
    start = client.get("/connexion/proconnect")
    query = parse_qs(urlsplit(start.location).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["relais-entreprises"]
    assert query["acr_values"] == ["eidas1"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "given_name", "usual_name"}
    assert query["redirect_uri"] == [f"http://localhost{CALLBACK}"]
    assert query["state"][0] and query["nonce"][0]


def test_an_active_user_signs_in_with_proconnect(client, proconnect):
    UserFactory(email="claire.martin@exemple.fr")
    _agent(proconnect, "agent-1", "Claire.Martin@Exemple.fr")

    response = client.get(_sign_in_at_provider(client, proconnect, "agent-1"))

    assert response.status_code == 302
    assert response.location == "/"
    assert _signed_in(client)


def test_an_invited_person_signing_in_with_proconnect_activates_the_account(client, proconnect):
    user = UserFactory(email="claire.martin@exemple.fr", invited=True)
    _agent(proconnect, "agent-1", "claire.martin@exemple.fr")

    assert client.get(_sign_in_at_provider(client, proconnect, "agent-1")).status_code == 302

    db.session.expire_all()
    assert user.activated_at is not None


def test_the_page_asked_before_signing_in_opens_after(client, proconnect):
    UserFactory(email="claire.martin@exemple.fr")
    _agent(proconnect, "agent-1", "claire.martin@exemple.fr")
    callback = _sign_in_at_provider(client, proconnect, "agent-1", "/connexion/proconnect?next=/besoins")

    assert client.get(callback).location == "/besoins"


def test_an_id_token_from_another_issuer_is_refused(client, proconnect, caplog):
    UserFactory(email="claire.martin@exemple.fr")
    _agent(proconnect, "agent-1", "claire.martin@exemple.fr")
    proconnect.forgery.token_host = f"autre-fournisseur.example:{proconnect.server_port}"

    with caplog.at_level(logging.WARNING, logger="relais.security"):
        response = client.get(_sign_in_at_provider(client, proconnect, "agent-1"))

    assert response.status_code == 401
    assert NOT_VERIFIED in response.get_data(as_text=True)
    assert _refusal_reasons(caplog) == ["token:invalid_claim:iss"]
    assert not _signed_in(client)


def test_an_id_token_changed_after_signing_is_refused(client, proconnect, caplog):
    UserFactory(email="claire.martin@exemple.fr")
    admin = UserFactory(admin=True)
    _agent(proconnect, "agent-1", "claire.martin@exemple.fr")
    proconnect.forgery.edit_id_token = lambda claims: {**claims, "email": admin.email}

    with caplog.at_level(logging.WARNING, logger="relais.security"):
        response = client.get(_sign_in_at_provider(client, proconnect, "agent-1"))

    assert response.status_code == 401
    assert NOT_VERIFIED in response.get_data(as_text=True)
    assert _refusal_reasons(caplog) == ["token:bad_signature"]
    assert not _signed_in(client)


def test_an_expired_id_token_is_refused(client, app, monkeypatch, caplog):
    UserFactory(email="claire.martin@exemple.fr")
    # Its tokens expire ten minutes before they are issued: past any tolerated clock difference.
    with _running(access_token_max_age=timedelta(minutes=-10)) as stale:
        _configure(app, monkeypatch, stale)
        _agent(stale, "agent-1", "claire.martin@exemple.fr")
        with caplog.at_level(logging.WARNING, logger="relais.security"):
            response = client.get(_sign_in_at_provider(client, stale, "agent-1"))

    assert response.status_code == 401
    assert NOT_VERIFIED in response.get_data(as_text=True)
    assert _refusal_reasons(caplog) == ["token:expired_token:exp"]
    assert not _signed_in(client)


def test_a_callback_replayed_is_refused(client, app, proconnect):
    UserFactory(email="claire.martin@exemple.fr")
    _agent(proconnect, "agent-1", "claire.martin@exemple.fr")
    callback = _sign_in_at_provider(client, proconnect, "agent-1")
    assert client.get(callback).status_code == 302

    again = client.get(callback)
    elsewhere = app.test_client()
    replayed = elsewhere.get(callback)

    for response in (again, replayed):
        assert response.status_code == 401
        assert "La connexion avec ProConnect n&#39;a pas abouti" in response.get_data(as_text=True)
    assert not _signed_in(elsewhere)


def test_an_unknown_email_gets_no_account(client, proconnect):
    _agent(proconnect, "agent-2", "inconnu@exemple.fr")
    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))

    response = client.get(_sign_in_at_provider(client, proconnect, "agent-2"))

    assert response.status_code == 401
    assert NO_ACCOUNT in response.get_data(as_text=True)
    assert 'action="/connexion"' in response.get_data(as_text=True)  # the password form still works from here
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
    assert not _signed_in(client)


def test_an_inactive_user_is_refused(client, proconnect):
    UserFactory(email="parti@exemple.fr", is_active=False)
    _agent(proconnect, "agent-3", "parti@exemple.fr")

    response = client.get(_sign_in_at_provider(client, proconnect, "agent-3"))

    assert response.status_code == 401
    assert NO_ACCOUNT in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_the_provider_denying_the_sign_in_is_refused(client, proconnect):
    start = client.get("/connexion/proconnect")
    denied = httpx.post(start.location, data={"action": "deny"})
    callback = urlsplit(denied.headers["location"])

    response = client.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 401
    assert not _signed_in(client)


def test_logout_also_ends_the_proconnect_session(client, post, proconnect):
    UserFactory(email="claire.martin@exemple.fr")
    _agent(proconnect, "agent-1", "claire.martin@exemple.fr")
    client.get(_sign_in_at_provider(client, proconnect, "agent-1"))

    response = post("/deconnexion")

    assert not _signed_in(client)
    end_session = urlsplit(response.location)
    query = parse_qs(end_session.query)
    assert response.location.startswith(f"{proconnect.url}/")
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"] == ["http://localhost/deconnexion/proconnect"]
    assert httpx.get(response.location).status_code == 200  # the provider accepts the logout
    back = client.get(f"/deconnexion/proconnect?state={query['state'][0]}", follow_redirects=True)
    assert "Vous êtes déconnecté de Relais Entreprises et de ProConnect." in back.get_data(as_text=True)


def test_a_password_login_logs_out_here_only(client, login, post, proconnect):
    login(UserFactory())

    response = post("/deconnexion")

    assert response.location == "/connexion"
    assert not _signed_in(client)


def test_proconnect_out_of_reach_is_said_in_french(client, app, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "PROCONNECT_ISSUER", f"http://127.0.0.1:{closed_port}")
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_ID", "relais-entreprises")
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_SECRET", "secret-de-test")

    response = client.get("/connexion/proconnect")

    assert response.status_code == 503
    assert "ProConnect ne répond pas. Réessayez dans quelques minutes." in response.get_data(as_text=True)
