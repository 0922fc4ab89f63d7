"""The adviser's day: logging a contact, follow-ups done or postponed."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.activity.enums import Channel, FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.activity.signals import interaction_logged
from app.auth.models import User
from app.employers.models import Employer, EmployerContact
from app.employers.services import record_contact_with
from app.errors import DomainError
from app.extensions import db
from app.timeutils import today_paris, utcnow

# A contact logged long after the fact is almost always a typo in the year.
OLDEST_LOGGABLE_DAYS = 366
MAX_POSTPONE_DAYS = 365


class ActivityError(DomainError):
    """A refusal whose message can be shown to the user as it is."""


@dataclass
class ContactLog:
    occurred_on: date
    channel: Channel
    subject: str
    summary: str = ""
    outcome: str = ""
    contact_id: int | None = None
    next_follow_up_on: date | None = None
    next_follow_up_title: str = ""


def log_interaction(author: User, employer: Employer, log: ContactLog) -> Interaction:
    """Record a contact; plan the author's next follow-up; tell the privileged contact if it is someone else."""
    today = today_paris()
    if not log.subject.strip():
        raise ActivityError("Indiquez l'objet de l'échange.")
    if log.occurred_on > today:
        raise ActivityError("La date de l'échange ne peut pas être dans le futur.")
    if log.occurred_on < today - timedelta(days=OLDEST_LOGGABLE_DAYS):
        raise ActivityError("La date de l'échange remonte à plus d'un an : vérifiez l'année.")
    if log.next_follow_up_on is not None and log.next_follow_up_on < today:
        raise ActivityError("La date de relance doit être aujourd'hui ou plus tard.")
    contact = None
    if log.contact_id:
        contact = db.session.get(EmployerContact, log.contact_id)
        if contact is None or contact.employer_id != employer.id:
            raise ActivityError("Cet interlocuteur n'appartient pas à cette entreprise.")
    interaction = Interaction(
        employer=employer,
        author=author,
        contact=contact,
        occurred_on=log.occurred_on,
        channel=log.channel,
        subject=log.subject.strip(),
        summary=log.summary.strip(),
        outcome=log.outcome.strip(),
    )
    db.session.add(interaction)
    if contact is not None:
        record_contact_with(contact, log.occurred_on)
    if log.next_follow_up_on is not None:
        db.session.add(
            FollowUp(
                employer=employer,
                owner=author,
                interaction=interaction,
                due_on=log.next_follow_up_on,
                title=(log.next_follow_up_title.strip() or f"Relancer suite à : {interaction.subject}")[:200],
            )
        )
    db.session.flush()
    interaction_logged.send(interaction)
    return interaction


def _own_open_follow_up(user: User, follow_up: FollowUp) -> None:
    if follow_up.owner_id != user.id:
        raise ActivityError("Cette relance n'est pas la vôtre.")
    if follow_up.status is not FollowUpStatus.OPEN:
        raise ActivityError("Cette relance est déjà traitée.")


def mark_follow_up_done(user: User, follow_up: FollowUp) -> FollowUp:
    _own_open_follow_up(user, follow_up)
    follow_up.status = FollowUpStatus.DONE
    follow_up.done_at = utcnow()
    db.session.flush()
    return follow_up


def postpone_follow_up(user: User, follow_up: FollowUp, days: int) -> FollowUp:
    """Move the due date ``days`` after today (an overdue follow-up is not postponed into the past)."""
    _own_open_follow_up(user, follow_up)
    if not 1 <= days <= MAX_POSTPONE_DAYS:
        raise ActivityError(f"Le report doit être de 1 à {MAX_POSTPONE_DAYS} jours.")
    follow_up.due_on = max(follow_up.due_on, today_paris()) + timedelta(days=days)
    db.session.flush()
    return follow_up


def plan_follow_up(owner: User, employer: Employer, due_on: date, title: str) -> FollowUp:
    """A follow-up planned by the product itself (a retention check after a hire), not after a contact."""
    follow_up = FollowUp(
        employer=employer, owner=owner, due_on=due_on, title=title.strip()[:200], status=FollowUpStatus.OPEN
    )
    db.session.add(follow_up)
    return follow_up


def settle_follow_up(follow_up: FollowUp) -> None:
    """Mark done a follow-up whose question was answered elsewhere (by whoever answered it)."""
    if follow_up.status is FollowUpStatus.OPEN:
        follow_up.status = FollowUpStatus.DONE
        follow_up.done_at = utcnow()
