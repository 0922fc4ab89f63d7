"""Needs through the API: list (filters, updated_since, cursor), read, create, update, move, close."""

from datetime import timedelta

import sqlalchemy as sa

from app.api.enums import ApiScope
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.timeutils import today_paris, utcnow
from tests.factories import BasinFactory, EmployerFactory, RecruitmentNeedFactory, api_credentials


def _need_count(employer) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id)
    )


def test_the_list_is_scoped_filtered_and_paged(client, token_for, travel):
    travel(utcnow() - timedelta(days=5))
    old = RecruitmentNeedFactory()
    other_basin = RecruitmentNeedFactory(employer=EmployerFactory(basin=BasinFactory()))
    travel(utcnow() + timedelta(days=5))
    mine = RecruitmentNeedFactory.create_batch(120)
    closed = RecruitmentNeedFactory(filled=True)
    headers = token_for(api_credentials(ApiScope.READ))
    seen, url = [], "/api/v1/needs"
    while url:
        page = client.get(url, headers=headers).get_json()
        seen += [item["id"] for item in page["items"]]
        url = f"/api/v1/needs?cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert other_basin.id not in seen
    assert {old.id, closed.id, *(need.id for need in mine)} <= set(seen)
    assert seen == sorted(seen)
    filled = client.get("/api/v1/needs?status=filled", headers=headers).get_json()["items"]
    assert closed.id in {item["id"] for item in filled} and old.id not in {item["id"] for item in filled}
    since = (utcnow() - timedelta(days=1)).isoformat().replace("+", "%2B")
    recent = {
        item["id"] for item in client.get(f"/api/v1/needs?updated_since={since}", headers=headers).get_json()["items"]
    }
    assert old.id not in recent and other_basin.id not in recent
    recent_filled = client.get(f"/api/v1/needs?updated_since={since}&status=filled", headers=headers).get_json()
    assert [item["id"] for item in recent_filled["items"]] == [closed.id]
    by_employer = client.get(f"/api/v1/needs?siret={old.employer.siret}", headers=headers).get_json()["items"]
    assert [item["id"] for item in by_employer] == [old.id]
    assert client.get(f"/api/v1/needs/{other_basin.id}", headers=headers).status_code == 404


def test_a_write_client_records_a_need_once(client, token_for):
    employer = EmployerFactory()
    headers = {**token_for(api_credentials()), "Idempotency-Key": "besoin-1"}
    body = {"title": "Soudeur", "contract": "cdd", "positions": 2, "rome_code": "H2913", "publics": ["youth", "rsa"]}
    url = f"/api/v1/employers/{employer.siret}/needs"
    created = client.post(url, json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    need = created.get_json()
    assert (need["status"], need["positions"], need["rome_code"], need["employer"]) == (
        "identified",
        2,
        "H2913",
        employer.siret,
    )
    assert need["publics"] == ["rsa", "youth"]  # in the enum's order
    assert created.headers["Location"].endswith(f"/api/v1/needs/{need['id']}")
    assert client.post(url, json=body, headers=headers).get_json() == need
    assert _need_count(employer) == 1


def test_bad_needs_are_refused_and_nothing_is_written(client, token_for):
    employer = EmployerFactory()
    headers = token_for(api_credentials())
    url = f"/api/v1/employers/{employer.siret}/needs"
    unknown_rome = client.post(url, json={"title": "X", "contract": "cdi", "rome_code": "Z9999"}, headers=headers)
    assert unknown_rome.status_code == 400 and "ROME inconnu" in unknown_rome.get_json()["detail"]
    invalid = client.post(url, json={"contract": "esclavage", "positions": 0}, headers=headers)
    assert invalid.status_code == 400
    assert set(invalid.get_json()["errors"]) == {"title", "contract", "positions"}
    read_only = client.post(
        url, json={"title": "X", "contract": "cdi"}, headers=token_for(api_credentials(ApiScope.READ))
    )
    assert read_only.status_code == 403
    assert _need_count(employer) == 0


def test_update_move_and_close_with_hires(client, token_for):
    need = RecruitmentNeedFactory(positions=3, identified_on=today_paris() - timedelta(days=10))
    headers = token_for(api_credentials())
    url = f"/api/v1/needs/{need.id}"

    def etag() -> str:
        return client.get(url, headers=headers).headers["ETag"]

    updated = client.patch(url, json={"positions": 4, "place": "Montoir"}, headers={**headers, "If-Match": etag()})
    assert updated.status_code == 200, updated.get_json()
    assert (updated.get_json()["positions"], updated.get_json()["title"]) == (4, "Commis de cuisine")
    moved = client.post(f"{url}/stage", json={"status": "sourcing"}, headers={**headers, "If-Match": etag()})
    assert moved.status_code == 200 and moved.get_json()["status"] == "sourcing"
    to_closed = client.post(f"{url}/stage", json={"status": "filled"}, headers={**headers, "If-Match": etag()})
    assert to_closed.status_code == 400 and "pourvu" in to_closed.get_json()["detail"]
    too_many = client.post(
        f"{url}/closure", json={"outcome": "filled", "positions_filled": 5}, headers={**headers, "If-Match": etag()}
    )
    assert too_many.status_code == 400 and "entre 1 et 4" in too_many.get_json()["detail"]
    closed = client.post(
        f"{url}/closure", json={"outcome": "filled", "positions_filled": 3}, headers={**headers, "If-Match": etag()}
    )
    assert closed.status_code == 200, closed.get_json()
    assert (closed.get_json()["status"], closed.get_json()["positions_filled"]) == ("filled", 3)
    assert closed.get_json()["closed_on"] == today_paris().isoformat()
    stages = db.session.scalars(
        sa.select(NeedStatusChange.to_status).where(NeedStatusChange.need_id == need.id).order_by(NeedStatusChange.id)
    ).all()
    assert stages[-2:] == [NeedStatus.SOURCING, NeedStatus.FILLED]


def test_a_read_client_cannot_move_a_need(client, token_for):
    need = RecruitmentNeedFactory()
    headers = token_for(api_credentials(ApiScope.READ))
    etag = client.get(f"/api/v1/needs/{need.id}", headers=headers).headers["ETag"]
    response = client.post(
        f"/api/v1/needs/{need.id}/stage", json={"status": "qualified"}, headers={**headers, "If-Match": etag}
    )
    assert response.status_code == 403
    db.session.refresh(need)
    assert need.status is NeedStatus.IDENTIFIED


def test_a_blank_rome_code_or_place_is_no_value_and_a_blank_if_match_none(client, token_for):
    """Found by Schemathesis: a blank ROME code reached the database's foreign key (a 500)."""
    employer = EmployerFactory()
    headers = token_for(api_credentials())
    body = {"title": "Serveur", "contract": "cdi", "rome_code": " ", "place": ""}
    created = client.post(f"/api/v1/employers/{employer.siret}/needs", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert (created.get_json()["rome_code"], created.get_json()["place"]) == (None, None)
    blank = client.patch(
        f"/api/v1/needs/{created.get_json()['id']}", json={"title": "Serveuse"}, headers={**headers, "If-Match": " "}
    )
    assert blank.status_code == 428


def test_a_nul_byte_or_a_lone_surrogate_in_a_json_body_is_a_400(client, token_for):
    """Found by Schemathesis on PostgreSQL, whose text holds no NUL: it was a 500."""
    headers = token_for(api_credentials())
    for name in ("Boulangerie\u0000", "Boulangerie \udaed"):
        answer = client.post("/api/v1/employers", json={"name": name, "commune_insee": "44184"}, headers=headers)
        assert answer.status_code == 400, answer.get_json()
