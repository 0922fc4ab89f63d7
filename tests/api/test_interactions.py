"""POST /api/v1/employers/<siret>/interactions: the page's service, the write scope, Idempotency-Key, the audit trail."""

import sqlalchemy as sa

from app.activity.models import FollowUp, Interaction
from app.api.enums import ApiScope
from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutils import today_paris
from tests.factories import AssignmentFactory, BasinFactory, EmployerFactory, api_credentials


def _contact(**overrides):
    return {"occurred_on": today_paris().isoformat(), "channel": "phone", "subject": "Point recrutement", **overrides}


def _interactions(employer) -> list[Interaction]:
    return list(db.session.scalars(sa.select(Interaction).where(Interaction.employer_id == employer.id)))


def test_a_write_client_logs_a_contact_as_the_page_does(client, token_for):
    employer = EmployerFactory()
    AssignmentFactory(employer=employer)
    credentials = api_credentials(ApiScope.WRITE)
    url = f"/api/v1/employers/{employer.siret}/interactions"
    tomorrow = today_paris().toordinal() + 1
    next_on = today_paris().fromordinal(tomorrow).isoformat()
    response = client.post(url, json=_contact(next_follow_up_on=next_on), headers=token_for(credentials))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["author"] == credentials.client.name
    [interaction] = _interactions(employer)
    assert interaction.author_id == credentials.client.principal_id
    assert db.session.scalar(sa.select(FollowUp).where(FollowUp.interaction_id == interaction.id)) is not None
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "Interaction", AuditEvent.entity_id == str(interaction.id)
        )
    )
    assert event.actor_label == f"API : {credentials.client.name}"


def test_a_read_client_cannot_write(client, token_for):
    employer = EmployerFactory()
    headers = token_for(api_credentials(ApiScope.READ))
    response = client.post(f"/api/v1/employers/{employer.siret}/interactions", json=_contact(), headers=headers)
    assert response.status_code == 403
    assert "lecture seule" in response.get_json()["detail"]
    assert _interactions(employer) == []


def test_another_basins_employer_cannot_be_written(client, token_for):
    employer = EmployerFactory(basin=BasinFactory())
    headers = token_for(api_credentials(ApiScope.WRITE))
    response = client.post(f"/api/v1/employers/{employer.siret}/interactions", json=_contact(), headers=headers)
    assert response.status_code == 404
    assert _interactions(employer) == []


def test_the_same_idempotency_key_twice_creates_one_contact(client, token_for):
    employer = EmployerFactory()
    headers = {**token_for(api_credentials(ApiScope.WRITE)), "Idempotency-Key": "envoi-42"}
    url = f"/api/v1/employers/{employer.siret}/interactions"
    first = client.post(url, json=_contact(), headers=headers)
    second = client.post(url, json=_contact(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(_interactions(employer)) == 1
    reused = client.post(url, json=_contact(subject="Autre chose"), headers=headers)
    assert reused.status_code == 409
    assert len(_interactions(employer)) == 1


def test_keys_are_per_client(client, token_for):
    employer = EmployerFactory()
    url = f"/api/v1/employers/{employer.siret}/interactions"
    for credentials in (api_credentials(), api_credentials()):
        headers = {**token_for(credentials), "Idempotency-Key": "même-clé"}
        assert client.post(url, json=_contact(), headers=headers).status_code == 201
    assert len(_interactions(employer)) == 2


def test_a_refusal_of_the_service_is_a_french_problem_and_writes_nothing(client, token_for):
    employer = EmployerFactory()
    headers = token_for(api_credentials())
    url = f"/api/v1/employers/{employer.siret}/interactions"
    future = today_paris().fromordinal(today_paris().toordinal() + 3).isoformat()
    response = client.post(url, json=_contact(occurred_on=future), headers=headers)
    assert response.status_code == 400
    assert response.get_json()["detail"] == "La date de l'échange ne peut pas être dans le futur."
    invalid = client.post(url, json={"channel": "pigeon"}, headers=headers)
    assert invalid.status_code == 400
    errors = invalid.get_json()["errors"]
    assert errors["subject"] == ["Ce champ est obligatoire."]
    assert errors["channel"][0].startswith("Canal inconnu")
    assert _interactions(employer) == []
