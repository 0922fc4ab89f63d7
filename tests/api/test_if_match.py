"""ETag on every single resource, If-Match on every update: 428 without it, 412 when stale, nothing written."""

import sqlalchemy as sa

from app.api.enums import ApiScope
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import NeedStatus
from tests.factories import AssignmentFactory, EmployerFactory, RecruitmentNeedFactory, api_credentials


def _etag(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.headers["ETag"]


def test_an_update_without_if_match_is_428_and_writes_nothing(client, token_for):
    employer = EmployerFactory(name="Forges de l'Estuaire")
    headers = token_for(api_credentials())
    response = client.patch(f"/api/v1/employers/{employer.siret}", json={"name": "Autre nom"}, headers=headers)
    assert response.status_code == 428
    assert response.mimetype == "application/problem+json"
    assert "If-Match" in response.get_json()["detail"]
    assert db.session.scalar(sa.select(Employer.name).where(Employer.id == employer.id)) == "Forges de l'Estuaire"


def test_a_stale_etag_is_412_and_the_second_writer_changes_nothing(client, token_for):
    employer = EmployerFactory(name="Forges de l'Estuaire")
    headers = token_for(api_credentials())
    url = f"/api/v1/employers/{employer.siret}"
    read = _etag(client, url, headers)
    first = client.patch(url, json={"name": "Forges de Montoir"}, headers={**headers, "If-Match": read})
    assert first.status_code == 200, first.get_json()
    assert first.headers["ETag"] != read
    assert first.get_json()["name"] == "Forges de Montoir"
    second = client.patch(url, json={"name": "Forges de Donges"}, headers={**headers, "If-Match": read})
    assert second.status_code == 412
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "relisez" in second.get_json()["detail"].lower()
    assert db.session.scalar(sa.select(Employer.name).where(Employer.id == employer.id)) == "Forges de Montoir"
    # The fresh ETag, read again, is accepted.
    third = client.patch(
        url, json={"name": "Forges de Donges"}, headers={**headers, "If-Match": _etag(client, url, headers)}
    )
    assert third.status_code == 200


def test_needs_have_an_etag_and_their_stage_moves_need_if_match(client, token_for):
    need = RecruitmentNeedFactory()
    headers = token_for(api_credentials())
    url = f"/api/v1/needs/{need.id}"
    etag = _etag(client, url, headers)
    assert client.get(url, headers={**headers, "If-None-Match": etag}).status_code == 304
    stage = {"status": NeedStatus.QUALIFIED.value}
    assert client.post(f"{url}/stage", json=stage, headers=headers).status_code == 428
    assert client.post(f"{url}/stage", json=stage, headers={**headers, "If-Match": '"perime"'}).status_code == 412
    moved = client.post(f"{url}/stage", json=stage, headers={**headers, "If-Match": etag})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] == "qualified"
    closure = {"outcome": "filled", "positions_filled": 1}
    assert client.post(f"{url}/closure", json=closure, headers={**headers, "If-Match": etag}).status_code == 412
    assert client.patch(url, json={"positions": 3}, headers={**headers, "If-Match": etag}).status_code == 412
    db.session.refresh(need)
    assert (need.status, need.positions) == (NeedStatus.QUALIFIED, 1)


def test_the_privileged_contact_has_an_etag_that_a_new_assignment_changes(client, token_for):
    employer = EmployerFactory()
    headers = token_for(api_credentials(ApiScope.READ))
    url = f"/api/v1/employers/{employer.siret}/privileged-contact"
    before = _etag(client, url, headers)
    assert client.get(url, headers={**headers, "If-None-Match": before}).status_code == 304
    AssignmentFactory(employer=employer)
    assert _etag(client, url, headers) != before
