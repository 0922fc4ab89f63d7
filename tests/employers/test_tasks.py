"""The employers' periodic work: retention of the contact persons' personal data."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.activity.models import Interaction
from app.audit.models import AuditEvent
from app.employers.models import Employer
from app.employers.tasks import ANONYMISED_NAME, anonymise_stale_contacts, retention_cutoff
from app.extensions import db
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import EmployerContactFactory, EmployerFactory, InteractionFactory


def test_contacts_unreached_for_3_years_are_anonymised_and_the_employer_keeps_its_history(travel):
    travel(paris(2020, 5, 4, 10, 0))
    employer = EmployerFactory()
    never_reached = EmployerContactFactory(employer=employer)
    travel(paris(2026, 11, 23, 3, 0))
    kept = EmployerContactFactory(employer=employer, last_contacted_on=date(2023, 11, 24))  # 2 years 364 days
    expired = EmployerContactFactory(employer=employer, last_contacted_on=date(2023, 11, 23), phone="06 00 00 00 00")
    interaction = InteractionFactory(employer=employer, contact=expired, occurred_on=date(2023, 11, 23))
    db.session.commit()

    assert retention_cutoff(date(2026, 11, 23)) == date(2023, 11, 23)
    assert anonymise_stale_contacts(utcnow())["interlocuteurs_anonymises"] == 2

    db.session.expire_all()
    assert kept.anonymised_at is None and kept.email
    for contact in (expired, never_reached):
        assert (contact.first_name, contact.last_name, contact.email, contact.phone, contact.job_title) == (
            None,
            ANONYMISED_NAME,
            None,
            None,
            None,
        )
        assert contact.anonymised_at == utcnow()
    assert db.session.get(Employer, employer.id) is not None
    assert db.session.get(Interaction, interaction.id).contact_id == expired.id
    purge = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "purge").order_by(AuditEvent.id.desc()))
    assert purge.entity_type == "EmployerContact" and purge.changes["anonymises"] == 2
    # The trail forgets the personal data too.
    trail = db.session.scalars(
        sa.select(AuditEvent.changes).where(
            AuditEvent.entity_type == "EmployerContact", AuditEvent.entity_id == str(expired.id)
        )
    ).all()
    assert trail and all("email" not in changes for changes in trail)
    # On the next monthly run the contact kept at 2 years 364 days has passed 3 years too.
    travel(paris(2026, 12, 1, 3, 0))
    assert anonymise_stale_contacts(utcnow())["interlocuteurs_anonymises"] == 1
    db.session.refresh(kept)
    assert kept.anonymised_at is not None


def test_retention_cutoff_on_29_february():
    assert retention_cutoff(date(2028, 2, 29)) == date(2025, 2, 28)
    assert retention_cutoff(date(2026, 3, 1)) - timedelta(days=1) == date(2023, 2, 28)
