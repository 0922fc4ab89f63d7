"""The privileged contact through the API: a lead's client assigns (If-Match, the page's 409), an
adviser's client asks for a handover, a lead's client decides it."""

import sqlalchemy as sa

from app.api import assignments as api_assignments
from app.assignments import services as assignment_services
from app.assignments.enums import HandoverStatus
from app.assignments.models import Assignment, HandoverRequest
from app.extensions import db
from tests.factories import AssignmentFactory, BasinFactory, EmployerFactory, UserFactory, api_credentials, seeded_basin


def _adviser():
    return UserFactory(basins=[seeded_basin()])


def _active(employer) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment).where(Assignment.employer_id == employer.id, Assignment.ended_at.is_(None))
        )
    )


def _contact_url(employer) -> str:
    return f"/api/v1/employers/{employer.siret}/privileged-contact"


def test_a_leads_client_assigns_with_if_match_and_then_gets_the_pages_409(client, token_for):
    employer = EmployerFactory()
    adviser, other = _adviser(), _adviser()
    headers = token_for(api_credentials(lead=True))
    etag = client.get(_contact_url(employer), headers=headers).headers["ETag"]
    assigned = client.post(
        _contact_url(employer), json={"adviser_id": adviser.id}, headers={**headers, "If-Match": etag}
    )
    assert assigned.status_code == 201, assigned.get_json()
    assert assigned.get_json()["adviser_name"] == adviser.full_name
    stale = client.post(_contact_url(employer), json={"adviser_id": other.id}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    fresh = client.get(_contact_url(employer), headers=headers).headers["ETag"]
    again = client.post(_contact_url(employer), json={"adviser_id": other.id}, headers={**headers, "If-Match": fresh})
    assert again.status_code == 409
    assert "a déjà un interlocuteur privilégié" in again.get_json()["detail"]
    assert [assignment.adviser_id for assignment in _active(employer)] == [adviser.id]


def test_two_simultaneous_assignments_one_wins_the_other_gets_409(client, token_for, monkeypatch):
    employer = EmployerFactory()
    headers = token_for(api_credentials(lead=True))
    etag = client.get(_contact_url(employer), headers=headers).headers["ETag"]
    # Another lead's assignment commits after this request read "no privileged contact": the
    # database's one-active index is what refuses the second, as on the pages.
    winner = AssignmentFactory(employer=employer, adviser=_adviser())
    monkeypatch.setattr(api_assignments, "active_assignment_of", lambda employer: None)
    monkeypatch.setattr(assignment_services, "active_assignment_of", lambda employer: None)
    response = client.post(
        _contact_url(employer), json={"adviser_id": _adviser().id}, headers={**headers, "If-Match": etag}
    )
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert [assignment.id for assignment in _active(employer)] == [winner.id]


def test_an_advisers_client_cannot_assign_but_asks_for_a_handover(client, token_for):
    employer = EmployerFactory()
    AssignmentFactory(employer=employer, adviser=_adviser())
    headers = token_for(api_credentials())
    etag = client.get(_contact_url(employer), headers=headers).headers["ETag"]
    refused = client.post(
        _contact_url(employer), json={"adviser_id": _adviser().id}, headers={**headers, "If-Match": etag}
    )
    assert refused.status_code == 403
    assert "Conseiller entreprise" in refused.get_json()["detail"]
    url = f"{_contact_url(employer)}/handover-requests"
    keyed = {**headers, "Idempotency-Key": "passation-1"}
    asked = client.post(url, json={"reason": "Départ du conseiller"}, headers=keyed)
    assert asked.status_code == 201, asked.get_json()
    replay = client.post(url, json={"reason": "Départ du conseiller"}, headers=keyed)
    assert replay.headers["Idempotent-Replayed"] == "true"
    second = client.post(url, json={"reason": "Encore"}, headers=headers)
    assert second.status_code == 409
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(HandoverRequest).where(HandoverRequest.employer_id == employer.id)
    )
    assert count == 1


def test_a_leads_client_approves_a_handover_to_a_new_adviser(client, token_for):
    employer = EmployerFactory()
    first, second = _adviser(), _adviser()
    AssignmentFactory(employer=employer, adviser=first)
    asked = client.post(
        f"{_contact_url(employer)}/handover-requests",
        json={"reason": "Portefeuille trop chargé"},
        headers=token_for(api_credentials()),
    )
    request_id = asked.get_json()["id"]
    lead_headers = token_for(api_credentials(lead=True))
    decided = client.post(
        f"/api/v1/handover-requests/{request_id}/decision",
        json={"approve": True, "new_adviser_id": second.id},
        headers=lead_headers,
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["handover"]["status"] == HandoverStatus.APPROVED.value
    assert [assignment.adviser_id for assignment in _active(employer)] == [second.id]
    twice = client.post(
        f"/api/v1/handover-requests/{request_id}/decision", json={"approve": False, "note": "non"}, headers=lead_headers
    )
    assert twice.status_code == 404


def test_an_employer_of_another_basin_is_not_found(client, token_for):
    employer = EmployerFactory(basin=BasinFactory())
    headers = token_for(api_credentials(lead=True))
    response = client.post(
        _contact_url(employer), json={"adviser_id": _adviser().id}, headers={**headers, "If-Match": "*"}
    )
    assert response.status_code == 404
    assert _active(employer) == []
