"""A contact person's rights from the browser: export everything held on them, erase them."""

import json

import pytest
import sqlalchemy as sa

from app.activity.models import Interaction
from app.audit.models import AuditEvent
from app.employers.models import EmployerContact
from app.extensions import db
from app.leads.models import Lead
from tests.factories import (
    BasinFactory,
    EmployerContactFactory,
    EmployerFactory,
    InteractionFactory,
    LeadFactory,
    UserFactory,
)


@pytest.fixture
def person():
    employer = EmployerFactory()
    contact = EmployerContactFactory(
        employer=employer,
        first_name="Jeanne",
        last_name="Riou",
        email="jeanne.riou@employeur.fr",
        phone="06 11 22 33 44",
    )
    interaction = InteractionFactory(
        employer=employer, contact=contact, subject="Appel à Jeanne Riou", summary="Jeanne Riou rappelle lundi."
    )
    lead = LeadFactory(contact_name="J. Riou", contact_email="Jeanne.Riou@employeur.fr", contact_phone="06 11 22 33 44")
    other_lead = LeadFactory(contact_email="quelquun@ailleurs.fr")
    db.session.flush()
    return employer, contact, interaction, lead, other_lead


def _url(employer, contact, action):
    return f"/entreprises/{employer.url_key}/interlocuteurs/{contact.id}/{action}"


def _events(action, contact):
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == action,
            AuditEvent.entity_type == "EmployerContact",
            AuditEvent.entity_id == str(contact.id),
        )
    ).all()


def test_the_export_holds_everything_on_the_person_and_is_audited(client, login, person):
    employer, contact, interaction, lead, other_lead = person
    login(UserFactory(lead=True))
    response = client.get(_url(employer, contact, "donnees.json"))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["interlocuteur"]["email"] == "jeanne.riou@employeur.fr"
    assert data["interlocuteur"]["telephone"] == "06 11 22 33 44"
    assert [row["objet"] for row in data["echanges"]] == ["Appel à Jeanne Riou"]
    assert [row["id"] for row in data["signalements"]] == [lead.id]
    assert any(event["action"] == "create" for event in data["journal"])
    assert len(_events("export", contact)) == 1

    pdf = client.get(_url(employer, contact, "donnees.pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert len(_events("export", contact)) == 2


def test_erasure_asks_for_confirmation_then_anonymises_everywhere_and_keeps_the_history(client, login, post, person):
    employer, contact, interaction, lead, other_lead = person
    login(UserFactory(admin=True))
    page = client.get(_url(employer, contact, "effacer"))
    assert page.status_code == 200 and "définitivement" in page.get_data(as_text=True)

    refused = post(_url(employer, contact, "effacer"), {})
    assert refused.status_code == 400
    assert db.session.get(EmployerContact, contact.id).email == "jeanne.riou@employeur.fr"

    response = post(_url(employer, contact, "effacer"), {"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    contact = db.session.get(EmployerContact, contact.id)
    assert (contact.first_name, contact.email, contact.phone, contact.job_title) == (None, None, None, None)
    assert contact.last_name == "Contact anonymisé" and contact.anonymised_at is not None
    interaction = db.session.get(Interaction, interaction.id)
    assert "Riou" not in interaction.subject + interaction.summary and interaction.contact_id == contact.id
    lead = db.session.get(Lead, lead.id)
    assert (lead.contact_name, lead.contact_email, lead.contact_phone) == ("Contact anonymisé", None, None)
    assert db.session.get(Lead, other_lead.id).contact_email == "quelquun@ailleurs.fr"
    trail = db.session.scalars(
        sa.select(AuditEvent).where(
            sa.or_(
                sa.and_(AuditEvent.entity_type == "EmployerContact", AuditEvent.entity_id == str(contact.id)),
                sa.and_(AuditEvent.entity_type == "Interaction", AuditEvent.entity_id == str(interaction.id)),
                sa.and_(AuditEvent.entity_type == "Lead", AuditEvent.entity_id == str(lead.id)),
            )
        )
    ).all()
    assert any(event.action == "create" for event in trail)
    assert all("riou" not in json.dumps(event.all_changes).lower() for event in trail)
    assert len(_events("erase", contact)) == 1


@pytest.mark.parametrize("traits", [{}, {"manager": True}, {"spotter": True}])
def test_advisers_managers_and_spotters_may_neither_export_nor_erase(client, login, post, person, traits):
    employer, contact, *_ = person
    login(UserFactory(**traits))
    assert client.get(_url(employer, contact, "donnees.json")).status_code == 403
    assert client.get(_url(employer, contact, "donnees.pdf")).status_code == 403
    assert post(_url(employer, contact, "effacer"), {"confirm": "y"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(EmployerContact, contact.id).email == "jeanne.riou@employeur.fr"


def test_a_task_force_lead_of_another_basin_may_not(client, login, post, person):
    employer, contact, *_ = person
    login(UserFactory(lead=True, basins=[BasinFactory()]))
    assert client.get(_url(employer, contact, "donnees.json")).status_code == 404
    assert post(_url(employer, contact, "effacer"), {"confirm": "y"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(EmployerContact, contact.id).email == "jeanne.riou@employeur.fr"
