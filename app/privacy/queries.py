"""The read side of a person's rights: what other domains hold about a contact person."""

import sqlalchemy as sa

from app.aftercare.models import EmployerSurvey
from app.employers.models import EmployerContact
from app.extensions import db


def survey_answers_of(contact: EmployerContact) -> list[EmployerSurvey]:
    """The satisfaction surveys this person answered (app/aftercare): their comment is theirs."""
    return list(
        db.session.scalars(
            sa.select(EmployerSurvey)
            .where(EmployerSurvey.contact_id == contact.id, EmployerSurvey.answered_at.is_not(None))
            .order_by(EmployerSurvey.answered_at)
        )
    )
