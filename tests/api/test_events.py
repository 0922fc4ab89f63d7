"""Events through the API: read with participants and results; results recorded with If-Match."""

from datetime import timedelta

from app.api.enums import ApiScope
from app.events.services import add_participant
from app.extensions import db
from app.needs.enums import NeedStatus
from app.timeutils import utcnow
from tests.factories import BasinFactory, EmployerFactory, EventFactory, RecruitmentNeedFactory, api_credentials


def _held_event_with_a_participant():
    event = EventFactory(starts_at=utcnow() - timedelta(days=2))
    employer = EmployerFactory()
    need = RecruitmentNeedFactory(employer=employer, positions=2)
    participant = add_participant(event, employer, needs=[need])
    db.session.flush()
    return event, participant, need


def test_an_event_reads_with_its_participants(client, token_for):
    event, participant, need = _held_event_with_a_participant()
    other = EventFactory(basin=BasinFactory())
    headers = token_for(api_credentials(ApiScope.READ))
    listed = client.get("/api/v1/events?kind=job_dating", headers=headers).get_json()["items"]
    assert event.id in {item["id"] for item in listed} and other.id not in {item["id"] for item in listed}
    response = client.get(f"/api/v1/events/{event.id}", headers=headers)
    assert response.status_code == 200 and response.headers["ETag"]
    [shown] = response.get_json()["participants"]
    assert (shown["id"], shown["positions_offered"], shown["need_ids"]) == (participant.id, 2, [need.id])
    assert client.get(f"/api/v1/events/{other.id}", headers=headers).status_code == 404


def test_results_credit_the_needs_with_if_match(client, token_for):
    event, participant, need = _held_event_with_a_participant()
    headers = token_for(api_credentials())
    url = f"/api/v1/events/{event.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    body = {"candidates_attended": 12, "results": [{"participant_id": participant.id, "interviews": 5, "hires": 2}]}
    assert client.post(f"{url}/results", json=body, headers=headers).status_code == 428
    recorded = client.post(f"{url}/results", json=body, headers={**headers, "If-Match": etag})
    assert recorded.status_code == 200, recorded.get_json()
    assert (recorded.get_json()["status"], recorded.get_json()["candidates_attended"]) == ("held", 12)
    db.session.refresh(need)
    assert (need.status, need.positions_filled) == (NeedStatus.FILLED, 2)
    again = client.post(f"{url}/results", json=body, headers={**headers, "If-Match": etag})
    assert again.status_code == 412


def test_a_read_client_cannot_record_results_and_bad_results_are_refused(client, token_for):
    event, participant, need = _held_event_with_a_participant()
    url = f"/api/v1/events/{event.id}"
    read_headers = token_for(api_credentials(ApiScope.READ))
    etag = client.get(url, headers=read_headers).headers["ETag"]
    body = {"candidates_attended": 3, "results": [{"participant_id": participant.id, "interviews": 1, "hires": 3}]}
    assert client.post(f"{url}/results", json=body, headers={**read_headers, "If-Match": etag}).status_code == 403
    headers = token_for(api_credentials())
    too_many = client.post(f"{url}/results", json=body, headers={**headers, "If-Match": etag})
    assert too_many.status_code == 400
    assert "3 recrutements pour 2 postes proposés" in too_many.get_json()["detail"]
    db.session.refresh(need)
    assert need.positions_filled == 0
