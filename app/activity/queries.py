"""The adviser's lists: due follow-ups and portfolio."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.assignments.models import Assignment
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db


def my_follow_ups(user: User, today: date, upcoming: bool = False) -> sa.Select:
    """Open follow-ups due today or overdue (or, with ``upcoming``, the later ones), oldest first."""
    due = FollowUp.due_on > today if upcoming else FollowUp.due_on <= today
    return (
        sa.select(FollowUp)
        .where(FollowUp.owner_id == user.id, FollowUp.status == FollowUpStatus.OPEN, due)
        .options(joinedload(FollowUp.employer))
        .order_by(FollowUp.due_on, FollowUp.id)
    )


def due_follow_up_counts(user: User, today: date) -> tuple[int, int]:
    """How many of the user's open follow-ups are due today, and how many are overdue."""
    due, overdue = db.session.execute(
        sa.select(
            sa.func.count().filter(FollowUp.due_on == today),
            sa.func.count().filter(FollowUp.due_on < today),
        ).where(FollowUp.owner_id == user.id, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on <= today)
    ).one()
    return due, overdue


@dataclass
class DueFollowUps:
    """The home page's block: open follow-ups due today and overdue, and the first of them."""

    due: int
    overdue: int
    items: list[FollowUp]

    @property
    def total(self) -> int:
        return self.due + self.overdue


def due_follow_ups(user: User, today: date, limit: int = 5) -> DueFollowUps:
    """The user's follow-ups due today or overdue, oldest first: the counts and the first items, in one query."""
    overdue = sa.func.sum(sa.case((FollowUp.due_on < today, 1), else_=0)).over()
    rows = db.session.execute(
        my_follow_ups(user, today).add_columns(sa.func.count().over(), overdue).limit(limit)
    ).all()
    if not rows:
        return DueFollowUps(due=0, overdue=0, items=[])
    total, late = rows[0][1], int(rows[0][2])
    return DueFollowUps(due=total - late, overdue=late, items=[row[0] for row in rows])


def get_own_follow_up(user: User, follow_up_id: int) -> FollowUp | None:
    """One of the user's follow-ups: nobody acts on another's."""
    return db.session.scalar(sa.select(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.owner_id == user.id))


PORTFOLIO_SORTS = {
    "name": "Entreprise",
    "last_contact": "Dernier contact (le plus ancien d'abord)",
    "next_follow_up": "Prochaine relance",
}


def my_portfolio(user: User, sort: str = "name") -> sa.Select:
    """Employers whose active privileged contact is the user, with last contact and next follow-up.

    Rows are (Employer, last_contact_on, next_follow_up_on); both dates come from
    correlated subqueries served by the (employer_id, …) indexes.
    """
    last_contact = (
        sa.select(sa.func.max(Interaction.occurred_on))
        .where(Interaction.employer_id == Employer.id)
        .scalar_subquery()
        .label("last_contact_on")
    )
    next_follow_up = (
        sa.select(sa.func.min(FollowUp.due_on))
        .where(FollowUp.employer_id == Employer.id, FollowUp.status == FollowUpStatus.OPEN)
        .scalar_subquery()
        .label("next_follow_up_on")
    )
    orderings = {
        # Never contacted first: they are the ones to call.
        "last_contact": (last_contact.is_(None).desc(), last_contact, Employer.search_name),
        "next_follow_up": (next_follow_up.is_(None), next_follow_up, Employer.search_name),
        "name": (Employer.search_name,),
    }
    return (
        sa.select(Employer, last_contact, next_follow_up)
        .join(Assignment, sa.and_(Assignment.employer_id == Employer.id, Assignment.ended_at.is_(None)))
        .where(Assignment.adviser_id == user.id)
        .options(joinedload(Employer.basin))
        .order_by(*orderings.get(sort, orderings["name"]), Employer.id)
    )
