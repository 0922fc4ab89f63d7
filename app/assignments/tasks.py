"""The task forces' periodic work (run by the daily escalation job, app/scheduler/registry.py)."""

import sqlalchemy as sa

from app.assignments.models import Assignment
from app.assignments.services import release_portfolio
from app.auth.models import User
from app.extensions import db

INACTIVE_CONTACT_REASON = (
    "Interlocuteur privilégié désactivé : l'entreprise revient dans la file d'attribution (planificateur)."
)


def release_inactive_contacts() -> int:
    """Employers whose privileged contact was deactivated go back to the assignment queue
    (release_portfolio ends the assignments and tells the leads)."""
    holds_an_employer = (
        sa.select(Assignment.id).where(Assignment.adviser_id == User.id, Assignment.ended_at.is_(None)).exists()
    )
    released = 0
    for user in db.session.scalars(sa.select(User).where(User.is_active.is_(False), holds_an_employer)):
        released += release_portfolio(user, INACTIVE_CONTACT_REASON)
    return released
