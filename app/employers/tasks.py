"""The employers' periodic work (scheduled by app/scheduler/registry.py).

Retention (CNIL: prospects' personal data, 3 years after the last contact): the contact
persons nobody has reached for 3 years are anonymised once a month.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import current_actor
from app.employers.models import EmployerContact
from app.extensions import db
from app.timeutils import PARIS

RETENTION_YEARS = 3
RETENTION_BATCH = 1000
ANONYMISED_NAME = "Contact anonymisé"


def retention_cutoff(today: date) -> date:
    """The day three years back: a contact last reached that day (or before) is anonymised."""
    try:
        return today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RETENTION_YEARS, day=28)


def anonymise_stale_contacts(now: datetime) -> dict[str, int]:
    """Blank the contact persons nobody has reached for 3 years; the employer keeps its
    interactions, follow-ups and needs. Core statements on purpose: the ORM audit trail
    would copy the personal data it must forget; its old entries are blanked too."""
    cutoff = retention_cutoff(now.astimezone(PARIS).date())
    # A contact never reached counts from the day it was recorded.
    recorded_before = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=PARIS)
    contacts = EmployerContact.__table__
    expired = sa.and_(
        contacts.c.anonymised_at.is_(None),
        sa.or_(
            contacts.c.last_contacted_on <= cutoff,
            sa.and_(contacts.c.last_contacted_on.is_(None), contacts.c.created_at < recorded_before),
        ),
    )
    anonymised = 0
    while True:
        ids = list(
            db.session.scalars(sa.select(contacts.c.id).where(expired).order_by(contacts.c.id).limit(RETENTION_BATCH))
        )
        if not ids:
            break
        db.session.execute(
            contacts.update()
            .where(contacts.c.id.in_(ids))
            .values(
                first_name=None, last_name=ANONYMISED_NAME, job_title=None, phone=None, email=None, anonymised_at=now
            )
        )
        db.session.execute(
            AuditEvent.__table__.update()
            .where(
                AuditEvent.__table__.c.entity_type == EmployerContact.__name__,
                AuditEvent.__table__.c.entity_id.in_([str(contact_id) for contact_id in ids]),
            )
            .values(changes={"anonymise": True})
        )
        anonymised += len(ids)
    actor_id, actor_label = current_actor()
    db.session.execute(
        sa.insert(AuditEvent.__table__).values(
            occurred_at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            action="purge",
            entity_type=EmployerContact.__name__,
            entity_id="retention",
            changes={"anonymises": anonymised, "dernier_contact_au_plus_tard": cutoff.isoformat()},
        )
    )
    # Contacts and audit events loaded before the Core UPDATEs would show the old values.
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, EmployerContact | AuditEvent):
            db.session.expire(loaded)
    return {"interlocuteurs_anonymises": anonymised}
