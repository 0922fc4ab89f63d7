"""POST /api/v1/token: OAuth 2 client credentials; the token lasts one hour, a revoked client or a rotated secret ends it."""

from datetime import timedelta

from app.api.services import revoke_client, rotate_secret
from app.extensions import db
from app.timeutils import utcnow
from tests.factories import api_credentials


def _token(client, **kwargs):
    return client.post("/api/v1/token", **kwargs)


def test_basic_credentials_give_a_bearer_token_of_one_hour(client):
    credentials = api_credentials()
    response = _token(
        client, data={"grant_type": "client_credentials"}, auth=(credentials.client.client_id, credentials.secret)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert response.headers["Cache-Control"] == "no-store"
    db.session.refresh(credentials.client)
    assert credentials.client.last_used_at is not None


def test_credentials_in_the_body_are_accepted_too(client):
    credentials = api_credentials()
    data = {
        "grant_type": "client_credentials",
        "client_id": credentials.client.client_id,
        "client_secret": credentials.secret,
    }
    assert _token(client, data=data).status_code == 200


def test_a_wrong_secret_gets_no_token(client):
    credentials = api_credentials()
    response = _token(client, data={"grant_type": "client_credentials"}, auth=(credentials.client.client_id, "faux"))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["error"] == "invalid_client"
    assert "secret" in response.get_json()["detail"]


def test_another_grant_is_refused(client):
    credentials = api_credentials()
    response = _token(client, data={"grant_type": "password"}, auth=(credentials.client.client_id, credentials.secret))
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_a_revoked_client_gets_no_token_and_its_tokens_stop(client, token_for):
    credentials = api_credentials()
    headers = token_for(credentials)
    assert client.get("/api/v1/employers", headers=headers).status_code == 200
    revoke_client(credentials.client)
    assert client.get("/api/v1/employers", headers=headers).status_code == 401
    response = _token(
        client, data={"grant_type": "client_credentials"}, auth=(credentials.client.client_id, credentials.secret)
    )
    assert response.status_code == 401


def test_a_rotated_secret_ends_the_old_secret_and_its_tokens(client, token_for):
    credentials = api_credentials()
    headers = token_for(credentials)
    new = rotate_secret(credentials.client)
    assert client.get("/api/v1/employers", headers=headers).status_code == 401
    old = _token(
        client, data={"grant_type": "client_credentials"}, auth=(credentials.client.client_id, credentials.secret)
    )
    assert old.status_code == 401
    assert client.get("/api/v1/employers", headers=token_for(new)).status_code == 200


def test_a_token_expires_after_one_hour(client, token_for, travel):
    travel(utcnow())
    credentials = api_credentials()
    headers = token_for(credentials)
    travel(utcnow() + timedelta(minutes=59))
    assert client.get("/api/v1/employers", headers=headers).status_code == 200
    travel(utcnow() + timedelta(minutes=2))
    response = client.get("/api/v1/employers", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "expiré" in response.get_json()["detail"]


def test_a_forged_or_missing_token_is_refused(client):
    for headers in ({}, {"Authorization": "Bearer n'importe-quoi"}, {"Authorization": "Basic eDp5"}):
        response = client.get("/api/v1/employers", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"


def test_the_principal_cannot_log_in(client):
    credentials = api_credentials()
    principal = credentials.client.principal
    assert not principal.is_active
    response = client.post("/connexion", data={"email": principal.email, "password": credentials.secret})
    assert response.status_code != 302
