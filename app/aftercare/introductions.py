"""The e-mail that introduces an employer's new privileged contact to its contact person (rule 12)."""

from app.aftercare.models import EmployerIntroduction
from app.aftercare.recipients import as_recipient, employer_recipient
from app.assignments.models import Assignment
from app.extensions import db
from app.notifications.services import email_row, queue_emails
from app.timeutils import utcnow


def introduce_privileged_contact(assignment: Assignment) -> EmployerIntroduction | None:
    """Tell the employer who its privileged contact now is (name, operator, phone, e-mail), and keep a
    trace for the employer's timeline; nothing when nobody at the employer may receive an e-mail."""
    contact = employer_recipient(assignment.employer_id)
    if contact is None:
        return None
    adviser = assignment.adviser
    introduction = EmployerIntroduction(
        employer_id=assignment.employer_id, assignment=assignment, contact=contact, sent_at=utcnow()
    )
    db.session.add(introduction)
    queue_emails(
        [
            email_row(
                as_recipient(contact),
                "introduction",
                f"Votre interlocuteur privilégié : {adviser.full_name}",
                {
                    "employer": assignment.employer,
                    "adviser": adviser,
                    "operator": assignment.operator,
                },
            )
        ]
    )
    return introduction
