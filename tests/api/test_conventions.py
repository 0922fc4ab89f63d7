"""Problem Details everywhere under /api, in French; no 500 on hostile input; the OpenAPI 3.1 document."""

import pytest

from app.api.enums import ApiScope
from tests.factories import EmployerFactory, api_credentials

HOSTILE = ["", "%", "_", "'", "😀", "\u202e", "x" * 10_000, str(2**31), "-1", "9999-12-31", "2026-02-30", "\x00"]
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _is_problem(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status


def test_unknown_api_urls_and_methods_answer_problems_not_pages(client):
    response = client.get("/api/v1/nulle-part")
    _is_problem(response, 404)
    assert response.get_json()["title"] == "Ressource introuvable"
    refused = client.delete("/api/v1/token")
    _is_problem(refused, 405)
    assert refused.headers["Allow"] == "OPTIONS, POST"  # RFC 9110: a 405 names what the address accepts
    _is_problem(client.get("/api/v1/employers"), 401)


def test_a_client_is_limited_per_minute(app, client, token_for):
    headers = token_for(api_credentials(ApiScope.READ))
    statuses = {client.get("/api/v1/employers", headers=headers).status_code for _ in range(301)}
    assert 429 in statuses
    _is_problem(client.get("/api/v1/employers", headers=headers), 429)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_no_server_error_on_hostile_input(client, token_for, value):
    employer = EmployerFactory()
    headers = {**token_for(api_credentials()), "Idempotency-Key": "k"}
    answers = [
        client.get(
            "/api/v1/employers", query_string={name: value for name in ("siret", "q", "commune")}, headers=headers
        ),
        client.get("/api/v1/employers", query_string={"updated_since": value}, headers=headers),
        client.get("/api/v1/employers", query_string={"cursor": value}, headers=headers),
        client.get(f"/api/v1/employers/{value[:100]}", headers=headers),
        client.get(f"/api/v1/employers/{value[:100]}/privileged-contact", headers=headers),
        client.post(
            f"/api/v1/employers/{employer.siret}/interactions",
            json={"occurred_on": value, "channel": value, "subject": value, "contact_id": value},
            headers=headers,
        ),
        client.post(
            "/api/v1/token", data={"grant_type": "client_credentials", "client_id": value, "client_secret": value}
        ),
    ]
    for response in answers:
        assert response.status_code < 500, (response.request.url, response.get_data(as_text=True)[:300])
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/token", "/employers", "/employers/{siret}", "/employers/{siret}/privileged-contact"} <= set(
        document["paths"]
    )
    schemas = document["components"]["schemas"]
    assert {"Employer", "EmployerPage", "Problem", "InteractionInput"} <= set(schemas)

    def references(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from references(value)
        elif isinstance(node, list):
            for item in node:
                yield from references(item)

    for reference in references(document):
        assert reference.removeprefix("#/components/schemas/") in schemas, reference
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert operation["responses"], path
