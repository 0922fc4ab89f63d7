"""The employers' periodic work (scheduled by app/scheduler/registry.py).

Retention (CNIL: prospects' personal data, 3 years after the last contact): the contact
persons nobody has reached for 3 years are anonymised once a month, with the trail's copies.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.audit.services import record_event, redact_personal_values
from app.employers.models import EmployerContact
from app.extensions import db
from app.personal_data import ANONYMISED_NAME
from app.timeutils import PARIS

RETENTION_YEARS = 3
RETENTION_BATCH = 1000

# The contact person's personal columns once anonymised: the same for the retention and an erasure.
ANONYMISED_CONTACT = {"first_name": None, "last_name": ANONYMISED_NAME, "job_title": None, "phone": None, "email": None}


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
            contacts.update().where(contacts.c.id.in_(ids)).values(**ANONYMISED_CONTACT, anonymised_at=now)
        )
        redact_personal_values(EmployerContact.__name__, ids, now)
        anonymised += len(ids)
    record_event(
        "purge",
        EmployerContact.__name__,
        "retention",
        {"anonymises": anonymised, "dernier_contact_au_plus_tard": cutoff.isoformat()},
        now=now,
    )
    # Contacts loaded before the Core UPDATEs would show the old values.
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, EmployerContact):
            db.session.expire(loaded)
    return {"interlocuteurs_anonymises": anonymised}
