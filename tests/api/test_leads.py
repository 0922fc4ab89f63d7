"""Leads through the API: a spotter organisation's client submits leads and sees only its own (rule 5)."""

import re

import sqlalchemy as sa

from app.api.enums import ApiScope
from app.auth.enums import Role
from app.extensions import db
from app.leads.enums import LeadStatus
from app.leads.models import Lead
from app.referential.enums import OperatorKind
from tests.factories import LeadFactory, SpotterOrganisationFactory, api_credentials, make_siret, seeded_operator


def _lead(**overrides) -> dict:
    return {
        "siret": make_siret(11),
        "employer_name": "Hôtel de la Plage",
        "commune": "44184",
        "job_title": "Réceptionniste",
        "positions": 2,
        "contract": "saisonnier",
        "contact_name": "Mme Leroux",
        "contact_email": "rh@hotel-plage.fr",
        "contact_consent": True,
        **overrides,
    }


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Lead))


def test_a_spotter_client_submits_once_and_sees_only_its_own(client, token_for):
    organisation = SpotterOrganisationFactory()
    credentials = api_credentials(spotter_organisation=organisation)
    principal = credentials.client.principal
    assert (principal.role, principal.spotter_organisation_id, credentials.client.operator) == (
        Role.SPOTTER,
        organisation.id,
        None,
    )
    headers = {**token_for(credentials), "Idempotency-Key": "signalement-1"}
    before = _count()
    body = _lead()
    submitted = client.post("/api/v1/leads", json=body, headers=headers)
    assert submitted.status_code == 201, submitted.get_json()
    assert submitted.get_json()["status"] == LeadStatus.NEW.value
    replayed = client.post("/api/v1/leads", json=body, headers=headers)
    assert replayed.headers.get("Idempotent-Replayed") == "true", (replayed.status_code, replayed.get_json())
    assert _count() == before + 1
    someone_elses = LeadFactory()
    listed = client.get("/api/v1/leads", headers=headers).get_json()["items"]
    assert [item["id"] for item in listed] == [submitted.get_json()["id"]]
    assert client.get(f"/api/v1/leads/{someone_elses.id}", headers=headers).status_code == 404
    lead = db.session.get(Lead, submitted.get_json()["id"])
    lead.status, lead.rejection_reason = LeadStatus.REJECTED, None
    lead.decision_note = "Déjà suivi"
    db.session.flush()
    outcome = client.get(f"/api/v1/leads/{lead.id}", headers=headers).get_json()
    assert (outcome["status"], outcome["decision_note"]) == ("rejected", "Déjà suivi")


def test_a_spotter_client_reads_nothing_else(client, token_for):
    headers = token_for(api_credentials(spotter_organisation=SpotterOrganisationFactory()))
    for url in ("/api/v1/employers", "/api/v1/needs", "/api/v1/events", "/api/v1/figures"):
        response = client.get(url, headers=headers)
        assert response.status_code == 403, url
        assert "Repéreur d'offres" in response.get_json()["detail"]


def test_an_operators_client_cannot_submit_leads(client, token_for):
    before = _count()
    response = client.post("/api/v1/leads", json=_lead(), headers=token_for(api_credentials()))
    assert response.status_code == 403
    assert _count() == before


def test_refusals_are_french_and_write_nothing(client, token_for):
    headers = token_for(api_credentials(spotter_organisation=SpotterOrganisationFactory()))
    before = _count()
    no_consent = client.post("/api/v1/leads", json=_lead(contact_consent=False), headers=headers)
    assert no_consent.status_code == 400 and "recontacté" in no_consent.get_json()["detail"]
    in_laval = {name: value for name, value in _lead(commune="53130").items() if name != "siret"}
    laval = client.post("/api/v1/leads", json=in_laval, headers=headers)
    assert laval.status_code == 400 and "hors de votre périmètre" in laval.get_json()["detail"]
    invalid = client.post("/api/v1/leads", json={"contract": "x"}, headers=headers)
    assert set(invalid.get_json()["errors"]) >= {"job_title", "contract", "contact_name", "contact_consent"}
    assert _count() == before


def test_the_cli_creates_a_spotter_organisations_client(app):
    organisation = SpotterOrganisationFactory()
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["api", "clients", "create", "--name", "SI CCI", "--spotter-organisation", str(organisation.id)]
        + ["--scope", "write"]
    )
    assert created.exit_code == 0, created.output
    assert re.search(r"Identifiant du client : relais_", created.output)
    both = runner.invoke(
        args=["api", "clients", "create", "--name", "SI X", "--spotter-organisation", str(organisation.id)]
        + ["--operator", str(seeded_operator(OperatorKind.FRANCE_TRAVAIL).id), "--scope", "write"]
    )
    assert both.exit_code != 0 and "sans opérateur" in both.output


def test_a_read_spotter_client_cannot_submit(client, token_for):
    headers = token_for(api_credentials(ApiScope.READ, spotter_organisation=SpotterOrganisationFactory()))
    assert client.post("/api/v1/leads", json=_lead(), headers=headers).status_code == 403
