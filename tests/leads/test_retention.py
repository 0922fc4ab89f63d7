"""Leads keep their contact person's details 3 years after their last decision, then lose them;
the public form's submitter (their e-mail in submitter_key) too, and the trail's copies."""

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus
from app.leads.models import Lead
from app.notifications.tasks import enforce_retention
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import LeadFactory


def test_the_monthly_retention_anonymises_leads_after_3_years_and_their_trail(travel):
    travel(paris(2023, 11, 20, 10, 0))
    public = LeadFactory(
        source=LeadSource.EMPLOYER,
        spotter=None,
        submitter_key="public:marie@exemple.fr",
        contact_name="Marie Curie",
        contact_email="marie@exemple.fr",
        details="Rappeler Marie Curie le matin",
    )
    travel(paris(2024, 1, 10, 10, 0))
    recent = LeadFactory(contact_name="Paul Durand", contact_email="paul@exemple.fr")
    db.session.flush()

    travel(paris(2026, 12, 1, 3, 0))
    counts = enforce_retention(utcnow())

    assert counts["signalements_anonymises"] == 1
    db.session.expire_all()
    public, recent = db.session.get(Lead, public.id), db.session.get(Lead, recent.id)
    assert (public.contact_name, public.contact_email, public.contact_phone) == ("Contact anonymisé", None, None)
    assert "marie" not in public.submitter_key and public.contact_anonymised_at == utcnow()
    assert public.status is LeadStatus.NEW and public.job_title == "Serveur"
    assert (recent.contact_name, recent.contact_email) == ("Paul Durand", "paul@exemple.fr")
    trail = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "Lead", AuditEvent.entity_id == str(public.id))
    ).all()
    assert trail and all("marie" not in str(event.all_changes).lower() for event in trail)
