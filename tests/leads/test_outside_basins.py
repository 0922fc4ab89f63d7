"""Needs filed on the public form outside every open basin: kept « hors bassin », routed by an admin."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.enums import Role
from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus
from app.leads.models import Lead
from app.leads.queries import contributions, suggested_basins
from app.notifications.models import Notification
from app.referential.models import Commune
from tests.factories import BasinFactory, LeadFactory, UserFactory, seeded_basin

FORM = {
    "employer_name": "Crêperie du Port de Brest",
    "commune": "Brest",
    "job_title": "Crêpier",
    "positions": "2",
    "contract": "cdi",
    "urgency": "normal",
    "contact_name": "Anne Le Gall",
    "contact_phone": "02 98 00 00 00",
    "contact_email": "rh@creperie-brest.fr",
    "contact_consent": "y",
}

ROLE_TRAITS = {
    Role.ADVISER: {},
    Role.TASKFORCE_LEAD: {"lead": True},
    Role.MANAGER: {"manager": True},
    Role.SPOTTER: {"spotter": True},
}


def stored_leads() -> list[Lead]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Lead).order_by(Lead.id)))


def messages_of(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.message).where(Notification.recipient_id == user.id)))


def test_a_public_need_for_a_commune_of_no_basin_is_kept_without_basin(client, post):
    admin, task_force_lead = UserFactory(admin=True), UserFactory(lead=True)

    response = post("/deposer-un-besoin", FORM)

    assert response.status_code == 302 and response.headers["Location"].endswith("/deposer-un-besoin/merci")
    [lead] = stored_leads()
    assert lead.basin_id is None and lead.source is LeadSource.EMPLOYER and lead.status is LeadStatus.NEW
    assert (lead.commune_insee, lead.commune_name) == ("29019", "Brest")
    assert messages_of(admin) == [
        "Un besoin hors bassin attend d'être routé : Crêpier chez Crêperie du Port de Brest (Brest)."
    ]
    assert messages_of(task_force_lead) == []


def test_a_commune_nobody_knows_is_still_refused(client, post):
    response = post("/deposer-un-besoin", {**FORM, "commune": "Brestt-sur-Mer"})

    assert response.status_code == 400
    assert "La commune « Brestt-sur-Mer » est introuvable" in response.get_data(as_text=True)
    assert stored_leads() == []


def test_a_commune_of_a_closed_basin_goes_to_the_outside_list(client, post):
    db.session.get(Commune, "29019").basin = BasinFactory(
        departement_code="29", region_code="53", closed_on=date(2026, 1, 1)
    )

    assert post("/deposer-un-besoin", FORM).status_code == 302

    [lead] = stored_leads()
    assert lead.basin_id is None


def test_a_spotter_still_cannot_report_outside_every_basin(client, login, post):
    login(UserFactory(spotter=True))

    response = post("/signalements/nouveau", FORM)

    assert response.status_code == 400 and "aucun bassin couvert" in response.get_data(as_text=True)
    assert stored_leads() == []


def test_the_outside_list_shows_the_need_to_an_admin(client, login):
    lead = LeadFactory(outside_basins=True, employer_name="Conserverie de Brest", job_title="Soudeur")
    login(UserFactory(admin=True))

    page = client.get("/signalements/hors-bassin")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-testid="outside-lead-{lead.id}"' in text
    assert "Conserverie de Brest" in text and "Soudeur" in text and "Finistère" in text and "rh@exemple.fr" in text
    home = client.get("/").get_data(as_text=True)
    assert "1 besoin hors bassin à router" in home


@pytest.mark.parametrize("role", list(ROLE_TRAITS), ids=lambda role: role.value)
def test_nobody_but_an_admin_sees_or_routes_the_outside_needs(client, login, post, role):
    lead = LeadFactory(outside_basins=True)
    login(UserFactory(**ROLE_TRAITS[role]))

    assert client.get("/signalements/hors-bassin").status_code == 403
    assert post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": seeded_basin().id}).status_code == 403
    assert "hors bassin" not in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert lead.basin_id is None


def test_routing_puts_the_need_in_the_basins_triage_list(client, login, post):
    lead = LeadFactory(outside_basins=True, employer_name="Conserverie de Brest")
    task_force_lead = UserFactory(lead=True)
    basin = task_force_lead.basins[0]
    admin = UserFactory(admin=True)
    login(task_force_lead)
    assert "Conserverie de Brest" not in client.get("/signalements").get_data(as_text=True)
    assert client.get(f"/signalements/{lead.id}").status_code == 404
    post("/deconnexion")

    login(admin)
    response = post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": basin.id})

    assert response.status_code == 302
    db.session.expire_all()
    assert lead.basin_id == basin.id
    assert "Conserverie de Brest" not in client.get("/signalements/hors-bassin").get_data(as_text=True)
    assert post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": basin.id}).status_code == 404
    post("/deconnexion")
    login(task_force_lead)
    assert "Conserverie de Brest" in client.get("/signalements").get_data(as_text=True)
    assert client.get(f"/signalements/{lead.id}").status_code == 200


def test_routing_is_in_the_audit_trail(client, login, post):
    from app.audit.models import AuditEvent

    lead = LeadFactory(outside_basins=True)
    admin = UserFactory(admin=True)
    login(admin)

    assert post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": seeded_basin().id}).status_code == 302

    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "Lead", AuditEvent.entity_id == str(lead.id), AuditEvent.action == "update"
        )
    )
    assert event is not None and event.actor_id == admin.id and "basin_id" in event.all_changes


@pytest.mark.parametrize(
    ("basin_id", "message"),
    [
        ("closed", "est fermé : choisissez un bassin ouvert"),
        ("999999", "Choisissez un bassin existant."),
        (str(2**31), "Choisissez le bassin vers lequel router ce besoin."),
        ("", "Choisissez le bassin vers lequel router ce besoin."),
    ],
)
def test_routing_to_a_closed_or_unknown_basin_is_refused(client, login, post, basin_id, message):
    lead = LeadFactory(outside_basins=True)
    if basin_id == "closed":
        basin_id = str(BasinFactory(closed_on=date(2026, 1, 1)).id)
    login(UserFactory(admin=True))

    response = post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": basin_id})

    assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert lead.basin_id is None and lead.version == 1


def test_a_lead_of_a_basin_cannot_be_routed_again(client, login, post):
    lead = LeadFactory()
    login(UserFactory(admin=True))

    assert post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": seeded_basin("5211").id}).status_code == 404
    db.session.expire_all()
    assert lead.basin == seeded_basin()


def test_the_basin_of_the_same_epci_is_suggested_else_one_of_the_departement(client, login):
    brest_area = BasinFactory(departement_code="29", region_code="53", name="Bassin de Brest")
    db.session.get(Commune, "29075").basin = brest_area  # Guipavas, in Brest Métropole
    closed = BasinFactory(departement_code="29", region_code="53", closed_on=date(2026, 1, 1))
    for insee in ("29212", "29235"):  # Plouzané, Le Relecq-Kerhuon: Brest Métropole too, but closed
        db.session.get(Commune, insee).basin = closed
    db.session.flush()
    brest, quimper, marseille = (db.session.get(Commune, code) for code in ("29019", "29232", "13055"))

    assert suggested_basins([brest, quimper, marseille]) == {"29019": brest_area.id, "29232": brest_area.id}

    lead = LeadFactory(outside_basins=True)
    login(UserFactory(admin=True))
    text = client.get("/signalements/hors-bassin").get_data(as_text=True)
    assert f'<option value="{brest_area.id}" selected>Bassin de Brest</option>' in text
    assert f'value="{closed.id}"' not in text
    assert f"outside-lead-{lead.id}" in text


def test_needs_of_no_basin_are_in_no_basins_lists_or_counts(client, login, post):
    LeadFactory(outside_basins=True, employer_name="Conserverie de Brest")
    public_before = {
        role: contributions(UserFactory(**traits))[-1].sent
        for role, traits in {Role.ADMIN: {"admin": True}, Role.MANAGER: {"manager": True}}.items()
    }
    assert public_before == {Role.ADMIN: 0, Role.MANAGER: 0}
    for traits in ({"admin": True}, {"lead": True}, {"manager": True}):
        user = UserFactory(**traits)
        login(user)
        for url in ("/signalements?statut=tous", "/signalements/contributions", "/tableau-de-bord"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Conserverie de Brest" not in response.get_data(as_text=True)
        post("/deconnexion")
