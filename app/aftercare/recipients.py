"""Who at the employer receives the network's e-mails (surveys, introductions): rule 11."""

import sqlalchemy as sa

from app.employers.models import EmployerContact
from app.extensions import db


def may_receive_email(contact: EmployerContact | None) -> bool:
    """Never a person who objected to being contacted, nor one anonymised, nor one without an address."""
    return bool(
        contact is not None and contact.email and not contact.is_opposed_to_contact and contact.anonymised_at is None
    )


def employer_recipient(employer_id: int) -> EmployerContact | None:
    """The employer's contact person for the network's e-mails: the one last contacted (the person the
    advisers actually talk to), else the first recorded, among those who may receive an e-mail."""
    return db.session.scalar(
        sa.select(EmployerContact)
        .where(
            EmployerContact.employer_id == employer_id,
            EmployerContact.email.is_not(None),
            EmployerContact.email != "",
            EmployerContact.is_opposed_to_contact.is_(False),
            EmployerContact.anonymised_at.is_(None),
        )
        .order_by(EmployerContact.last_contacted_on.desc().nulls_last(), EmployerContact.id)
        .limit(1)
    )


def as_recipient(contact: EmployerContact) -> dict:
    """The outbox's recipient: a person without an account (no user id)."""
    return {"id": None, "email": contact.email, "full_name": contact.full_name}
