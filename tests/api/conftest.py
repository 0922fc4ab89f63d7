import pytest


@pytest.fixture
def token_for(client):
    """The Authorization header of a fresh token for these credentials."""

    def _token_for(credentials) -> dict:
        response = client.post(
            "/api/v1/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials.client.client_id, credentials.secret),
        )
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return _token_for
