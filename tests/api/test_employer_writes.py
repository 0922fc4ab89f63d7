"""POST /api/v1/employers and PATCH /api/v1/employers/<siret>: the pages' services and refusals."""

import sqlalchemy as sa

from app.api.enums import ApiScope
from app.audit.models import AuditEvent
from app.employers.models import Employer
from app.extensions import db
from tests.factories import BasinFactory, EmployerFactory, api_credentials, make_siret


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Employer))


def test_a_write_client_creates_an_employer_once_per_idempotency_key(client, token_for):
    credentials = api_credentials()
    headers = {**token_for(credentials), "Idempotency-Key": "creation-1"}
    siret = make_siret(7)
    body = {"name": "Ateliers du Brivet", "commune_insee": "44184", "siret": siret, "naf_code": "25.62B"}
    before = _count()
    first = client.post("/api/v1/employers", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.headers["Location"].endswith(f"/api/v1/employers/{siret}")
    created = first.get_json()
    assert (created["siret"], created["basin"]["code"], created["commune_name"]) == (siret, "5219", "Saint-Nazaire")
    again = client.post("/api/v1/employers", json=body, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == created
    assert _count() == before + 1
    employer_id = db.session.scalar(sa.select(Employer.id).where(Employer.siret == siret))
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "Employer", AuditEvent.entity_id == str(employer_id))
    )
    assert event.actor_label == f"API : {credentials.client.name}"


def test_a_known_siret_or_a_look_alike_name_is_a_409(client, token_for):
    existing = EmployerFactory(name="Boulangerie Martin", commune_insee="44184")
    headers = token_for(api_credentials())
    known = client.post(
        "/api/v1/employers", json={"name": "X", "commune_insee": "44184", "siret": existing.siret}, headers=headers
    )
    assert known.status_code == 409
    assert "existe déjà" in known.get_json()["detail"]
    look_alike = {"name": "Boulangerie Martin SARL", "commune_insee": "44184"}
    before = _count()
    refused = client.post("/api/v1/employers", json=look_alike, headers=headers)
    assert refused.status_code == 409
    assert "duplicates_confirmed" in refused.get_json()["detail"]
    assert _count() == before
    confirmed = client.post("/api/v1/employers", json={**look_alike, "duplicates_confirmed": True}, headers=headers)
    assert confirmed.status_code == 201
    assert _count() == before + 1


def test_bad_values_are_refused_in_french(client, token_for):
    headers = token_for(api_credentials())
    before = _count()
    wrong_key = client.post(
        "/api/v1/employers", json={"name": "Y", "commune_insee": "44184", "siret": "12345678901234"}, headers=headers
    )
    assert wrong_key.status_code == 400
    assert "clé de contrôle" in wrong_key.get_json()["detail"]
    invalid = client.post("/api/v1/employers", json={"headcount_band": "99"}, headers=headers)
    assert invalid.status_code == 400
    errors = invalid.get_json()["errors"]
    assert errors["name"] == ["Ce champ est obligatoire."]
    assert errors["headcount_band"] == ["Tranche d'effectif inconnue."]
    assert _count() == before


def test_a_client_creates_nothing_outside_its_basins_nor_with_a_read_scope(client, token_for):
    body = {"name": "Fromagerie de Laval", "commune_insee": "53130"}
    before = _count()
    outside = client.post("/api/v1/employers", json=body, headers=token_for(api_credentials()))
    assert outside.status_code == 400
    assert "hors de vos bassins" in outside.get_json()["detail"]
    read_only = client.post(
        "/api/v1/employers", json={**body, "commune_insee": "44184"}, headers=token_for(api_credentials(ApiScope.READ))
    )
    assert read_only.status_code == 403
    assert _count() == before


def test_patch_changes_only_the_fields_sent(client, token_for):
    employer = EmployerFactory(name="Chantiers Navals", enseigne="CN", street="1 quai")
    headers = token_for(api_credentials())
    url = f"/api/v1/employers/{employer.siret}"
    etag = client.get(url, headers=headers).headers["ETag"]
    response = client.patch(url, json={"enseigne": "Les Chantiers"}, headers={**headers, "If-Match": etag})
    assert response.status_code == 200, response.get_json()
    db.session.refresh(employer)
    assert (employer.name, employer.enseigne, employer.street) == ("Chantiers Navals", "Les Chantiers", "1 quai")


def test_patch_is_refused_to_a_read_client_and_to_another_basin(client, token_for):
    employer = EmployerFactory(name="Chantiers Navals")
    read_headers = token_for(api_credentials(ApiScope.READ))
    url = f"/api/v1/employers/{employer.siret}"
    etag = client.get(url, headers=read_headers).headers["ETag"]
    refused = client.patch(url, json={"name": "Z"}, headers={**read_headers, "If-Match": etag})
    assert refused.status_code == 403
    other = token_for(api_credentials(basins=[BasinFactory()]))
    assert client.patch(url, json={"name": "Z"}, headers={**other, "If-Match": etag}).status_code == 404
    db.session.refresh(employer)
    assert employer.name == "Chantiers Navals"
