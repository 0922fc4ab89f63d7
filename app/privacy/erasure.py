"""Erasing a contact person (RGPD article 17): anonymised everywhere, the history kept.

The contact row, the interactions naming them, the leads carrying their e-mail, and the trail's
copies of all three. Core statements: the ORM audit trail would copy what it must forget.
"""

import sqlalchemy as sa

from app.activity.models import Interaction
from app.audit.services import record_event, redact_personal_values
from app.employers.models import EmployerContact
from app.employers.tasks import ANONYMISED_CONTACT
from app.extensions import db
from app.leads.tasks import anonymise_leads
from app.personal_data import scrub
from app.privacy.export import interactions_of, leads_of
from app.privacy.queries import survey_answers_of
from app.timeutils import utcnow


def erase_contact(contact: EmployerContact) -> dict[str, int]:
    now = utcnow()
    identities = [
        contact.full_name,
        " ".join(filter(None, [contact.last_name, contact.first_name])),
        contact.email,
        contact.phone,
    ]
    interactions = interactions_of(contact)
    leads = leads_of(contact)
    table = Interaction.__table__
    if interactions:
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("interaction_id"))
            .values(
                subject=sa.bindparam("new_subject"),
                summary=sa.bindparam("new_summary"),
                outcome=sa.bindparam("new_outcome"),
            ),
            [
                {
                    "interaction_id": interaction.id,
                    "new_subject": scrub(interaction.subject, identities),
                    "new_summary": scrub(interaction.summary, identities),
                    "new_outcome": scrub(interaction.outcome, identities),
                }
                for interaction in interactions
            ],
        )
        redact_personal_values(Interaction.__name__, [interaction.id for interaction in interactions], now)
    surveys = [survey for survey in survey_answers_of(contact) if survey.comment]
    if surveys:
        # The surveys' table is a higher layer's (app/aftercare): named here, not imported.
        answers = sa.table("employer_surveys", sa.column("id"), sa.column("comment"))
        db.session.execute(
            answers.update()
            .where(answers.c.id == sa.bindparam("survey_id"))
            .values(comment=sa.bindparam("new_comment")),
            [{"survey_id": survey.id, "new_comment": scrub(survey.comment, identities)} for survey in surveys],
        )
        redact_personal_values("EmployerSurvey", [survey.id for survey in surveys], now)
    anonymise_leads([lead.id for lead in leads], now)
    contacts = EmployerContact.__table__
    db.session.execute(
        contacts.update().where(contacts.c.id == contact.id).values(**ANONYMISED_CONTACT, anonymised_at=now)
    )
    redact_personal_values(EmployerContact.__name__, [contact.id], now)
    counts = {"echanges": len(interactions), "signalements": len(leads)}
    record_event("erase", EmployerContact.__name__, str(contact.id), counts, now=now)
    for loaded in [contact, *interactions, *surveys]:
        db.session.expire(loaded)
    return counts
