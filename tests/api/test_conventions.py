"""Problem Details everywhere under /api, in French; no 500 on hostile input; the OpenAPI 3.1 document."""

import pytest

from app.api.enums import ApiScope
from tests.factories import (
    EmployerFactory,
    EventFactory,
    RecruitmentNeedFactory,
    SpotterOrganisationFactory,
    api_credentials,
)

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
    answers += _writes_and_remaining_resources(client, token_for, headers, employer, value)
    for response in answers:
        assert response.status_code < 500, (response.request.url, response.get_data(as_text=True)[:300])
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (response.request.url, response.status_code)


def _writes_and_remaining_resources(client, token_for, headers, employer, value):
    need = RecruitmentNeedFactory(employer=employer)
    matched = {**headers, "If-Match": "*"}
    body = {name: value for name in ("name", "commune_insee", "siret", "naf_code", "headcount_band", "title")}
    body |= {"contract": value, "positions": value, "start_on": value, "status": value, "outcome": value}
    body |= {"adviser_id": value, "reason": value, "approve": value, "closed_on": value, "rome_code": value}
    answers = [
        client.post("/api/v1/employers", json=body, headers=headers),
        client.patch(f"/api/v1/employers/{employer.siret}", json=body, headers=matched),
        client.patch(f"/api/v1/employers/{employer.siret}", json=body, headers={**headers, "If-Match": value[:100]}),
        client.post(f"/api/v1/employers/{employer.siret}/privileged-contact", json=body, headers=matched),
        client.post(
            f"/api/v1/employers/{employer.siret}/privileged-contact/handover-requests", json=body, headers=headers
        ),
        client.post(f"/api/v1/handover-requests/{value[:20]}/decision", json=body, headers=headers),
        client.post(f"/api/v1/employers/{employer.siret}/needs", json=body, headers=headers),
        client.get(f"/api/v1/needs/{value[:20]}", headers=headers),
        client.patch(f"/api/v1/needs/{need.id}", json=body, headers=matched),
        client.post(f"/api/v1/needs/{need.id}/stage", json=body, headers=matched),
        client.post(f"/api/v1/needs/{need.id}/closure", json=body, headers=matched),
        client.post(f"/api/v1/needs/{need.id}/closure", data=value.encode(), headers=matched),
        client.get("/api/v1/figures", query_string={"scope": value, "start": value, "end": value}, headers=headers),
    ]
    for name in ("status", "siret", "updated_since", "cursor"):
        answers.append(client.get("/api/v1/needs", query_string={name: value}, headers=headers))
    for name in ("kind", "status", "updated_since", "cursor"):
        answers.append(client.get("/api/v1/events", query_string={name: value}, headers=headers))
    event = EventFactory()
    spotter = {**token_for(api_credentials(spotter_organisation=SpotterOrganisationFactory())), "Idempotency-Key": "k"}
    lead = dict.fromkeys(("siret", "employer_name", "commune", "job_title", "contract", "start_on", "urgency"), value)
    lead |= {"positions": value, "contact_name": value, "contact_email": value, "contact_consent": value}
    answers += [
        client.get(f"/api/v1/events/{value[:20]}", headers=headers),
        client.post(
            f"/api/v1/events/{event.id}/results",
            json={"candidates_attended": value, "results": [{"participant_id": value, "hires": value}]},
            headers=matched,
        ),
        client.post(f"/api/v1/events/{event.id}/results", json={"results": value}, headers=matched),
        client.get(f"/api/v1/leads/{value[:20]}", headers=spotter),
        client.post("/api/v1/leads", json=lead, headers=spotter),
    ]
    for name in ("status", "updated_since", "cursor"):
        answers.append(client.get("/api/v1/leads", query_string={name: value}, headers=spotter))
    for name in ("rome", "naf", "basins", "operators"):
        answers.append(
            client.get(f"/api/v1/reference/{name}", query_string={"cursor": value, "level": value}, headers=headers)
        )
    return answers


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/token", "/employers", "/employers/{siret}", "/employers/{siret}/privileged-contact"} <= set(
        document["paths"]
    )
    assert set(document["paths"]["/employers/{siret}"]) == {"get", "patch"}
    assert {"/needs", "/needs/{need_id}", "/needs/{need_id}/stage", "/needs/{need_id}/closure", "/figures"} <= set(
        document["paths"]
    )
    assert {"/reference/rome", "/reference/naf", "/reference/basins", "/reference/operators"} <= set(document["paths"])
    assert {"/events", "/events/{event_id}", "/events/{event_id}/results"} <= set(document["paths"])
    assert set(document["paths"]["/leads"]) == {"get", "post"} and "/leads/{lead_id}" in document["paths"]
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
