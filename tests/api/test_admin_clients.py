"""/administration/api: admins create a client (the secret shown once), rotate its secret and revoke it."""

import re

import sqlalchemy as sa

from app.api.models import ApiClient
from app.extensions import db
from app.referential.enums import OperatorKind
from tests.factories import SpotterOrganisationFactory, UserFactory, api_credentials, seeded_basin, seeded_operator

URL = "/administration/api"


def _admin():
    return UserFactory(admin=True)


def _token_status(client, client_id: str, secret: str) -> int:
    return client.post("/api/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)).status_code


def _form(**overrides) -> dict:
    return {
        "name": "i-milo Saint-Nazaire",
        "operator_id": str(seeded_operator(OperatorKind.MISSION_LOCALE).id),
        "spotter_organisation_id": "",
        "basin_ids": [str(seeded_basin().id)],
        "scope": "write",
        **overrides,
    }


def test_an_admin_creates_a_client_and_sees_its_secret_once(client, login, post):
    login(_admin())
    response = post(URL, _form())
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    client_id = re.search(r'data-testid="client-id">([^<]+)<', html).group(1)
    secret = re.search(r'data-testid="client-secret">([^<]+)<', html).group(1)
    assert _token_status(client, client_id, secret) == 200
    listed = client.get(URL).get_data(as_text=True)
    assert "i-milo Saint-Nazaire" in listed and secret not in listed


def test_a_refused_creation_says_why_and_creates_nothing(client, login, post):
    login(_admin())
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient))
    no_basin = post(URL, _form(basin_ids=[]))
    assert no_basin.status_code == 400
    assert "Choisissez au moins un bassin." in no_basin.get_data(as_text=True)
    both = post(URL, _form(spotter_organisation_id=str(SpotterOrganisationFactory().id)))
    assert both.status_code == 400
    assert "sans opérateur" in both.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == before


def test_rotate_and_revoke_ask_for_confirmation(client, login, post):
    credentials = api_credentials()
    login(_admin())
    url = f"{URL}/{credentials.client.id}"
    asked = post(f"{url}/secret")
    assert asked.status_code == 200 and "Changer le secret" in asked.get_data(as_text=True)
    assert _token_status(client, credentials.client.client_id, credentials.secret) == 200
    rotated = post(f"{url}/secret", {"confirmation": "1"})
    new_secret = re.search(r'data-testid="client-secret">([^<]+)<', rotated.get_data(as_text=True)).group(1)
    assert _token_status(client, credentials.client.client_id, credentials.secret) == 401
    assert _token_status(client, credentials.client.client_id, new_secret) == 200
    assert post(f"{url}/revocation").status_code == 200
    db.session.refresh(credentials.client)
    assert credentials.client.is_active
    assert post(f"{url}/revocation", {"confirmation": "1"}).status_code == 302
    db.session.refresh(credentials.client)
    assert not credentials.client.is_active
    assert _token_status(client, credentials.client.client_id, new_secret) == 401


def test_only_admins_open_the_page(client, login, post):
    credentials = api_credentials()
    login(UserFactory(lead=True))
    assert client.get(URL).status_code == 403
    assert post(f"{URL}/{credentials.client.id}/revocation", {"confirmation": "1"}).status_code == 403
    db.session.refresh(credentials.client)
    assert credentials.client.is_active
