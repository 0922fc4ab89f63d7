"""Everything held on a contact person, as JSON and as PDF (RGPD article 15)."""

import json
from datetime import date, datetime

import sqlalchemy as sa
from fpdf import FPDF

from app.activity.models import Interaction
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.employers.models import EmployerContact
from app.extensions import db
from app.leads.models import Lead
from app.privacy.queries import survey_answers_of
from app.timeutils import utcnow


def leads_of(contact: EmployerContact) -> list[Lead]:
    """The leads that name this person by e-mail (spotters' and the public form's)."""
    if not contact.email:
        return []
    return list(
        db.session.scalars(
            sa.select(Lead).where(sa.func.lower(Lead.contact_email) == contact.email.lower()).order_by(Lead.id)
        )
    )


def interactions_of(contact: EmployerContact) -> list[Interaction]:
    return list(
        db.session.scalars(
            sa.select(Interaction).where(Interaction.contact_id == contact.id).order_by(Interaction.occurred_on)
        )
    )


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _trail(entity_type: str, entity_ids: list[int]) -> list[dict]:
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_([str(i) for i in entity_ids]))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return [
        {
            "date": _when(event.occurred_at),
            "auteur": event.actor_label,
            "action": event.action,
            "objet": f"{event.entity_type} {event.entity_id}",
            "changements": event.all_changes,
        }
        for event in events
    ]


def personal_export(contact: EmployerContact) -> dict:
    leads = leads_of(contact)
    return {
        "exporte_le": _when(utcnow()),
        "interlocuteur": {
            "id": contact.id,
            "entreprise": contact.employer.display_name,
            "prenom": contact.first_name,
            "nom": contact.last_name,
            "fonction": contact.job_title,
            "telephone": contact.phone,
            "email": contact.email,
            "s_oppose_a_etre_contacte": contact.is_opposed_to_contact,
            "dernier_contact": _when(contact.last_contacted_on),
            "enregistre_le": _when(contact.created_at),
            "anonymise_le": _when(contact.anonymised_at),
        },
        "echanges": [
            {
                "id": interaction.id,
                "date": _when(interaction.occurred_on),
                "canal": interaction.channel.label,
                "objet": interaction.subject,
                "resume": interaction.summary,
                "suite": interaction.outcome,
            }
            for interaction in interactions_of(contact)
        ],
        "signalements": [
            {
                "id": lead.id,
                "entreprise": lead.employer_name,
                "poste": lead.job_title,
                "emetteur": lead.submitter_key,
                "nom": lead.contact_name,
                "telephone": lead.contact_phone,
                "email": lead.contact_email,
                "precisions": lead.details,
                "envoye_le": _when(lead.created_at),
            }
            for lead in leads
        ],
        "avis": [
            {
                "id": survey.id,
                "envoye_le": _when(survey.sent_at),
                "repondu_le": _when(survey.answered_at),
                "note": survey.score,
                "recommande_le_service": survey.would_recommend,
                "commentaire": survey.comment,
            }
            for survey in survey_answers_of(contact)
        ],
        "journal": _trail(EmployerContact.__name__, [contact.id]) + _trail(Lead.__name__, [lead.id for lead in leads]),
    }


def export_contact(contact: EmployerContact, fmt: str) -> bytes:
    """The export, recorded in the trail (who exported whom, when)."""
    data = personal_export(contact)
    record_event("export", EmployerContact.__name__, str(contact.id), {"format": fmt})
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode()
    return _pdf(data)


def _latin1(text) -> str:
    # The PDF's core font covers Latin-1, which holds French; other characters become "?".
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _line(pdf: FPDF, height: int, text: str) -> None:
    pdf.multi_cell(0, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def _pdf(data: dict) -> bytes:
    pdf = FPDF()
    pdf.set_title("Données personnelles")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    person = data["interlocuteur"]
    _line(pdf, 8, f"Données détenues sur {person['prenom'] or ''} {person['nom']}")
    pdf.set_font("Helvetica", size=9)
    _line(pdf, 5, f"Export du {data['exporte_le']}")
    sections = {
        "interlocuteur": "Interlocuteur",
        "echanges": "Échanges",
        "signalements": "Signalements",
        "avis": "Avis donnés aux enquêtes de satisfaction",
        "journal": "Journal des modifications",
    }
    for key, title in sections.items():
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        _line(pdf, 7, title)
        pdf.set_font("Helvetica", size=9)
        rows = data[key] if isinstance(data[key], list) else [data[key]]
        if not rows:
            _line(pdf, 5, "Aucun.")
        for row in rows:
            for name, value in row.items():
                shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
                _line(pdf, 5, f"{name} : {'' if shown is None else shown}")
            pdf.ln(2)
    return bytes(pdf.output())
