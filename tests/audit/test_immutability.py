"""The audit trail cannot be rewritten: database triggers refuse any UPDATE or DELETE, except
the blanking of a personal value by the retention or an erasure."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent, AuditPersonalValue
from app.audit.services import redact_personal_values
from app.extensions import db
from app.timeutils import utcnow
from tests.factories import EmployerContactFactory, EmployerFactory


def _refused(statement) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="journal"), db.session.begin_nested():
        db.session.execute(statement)


def _contact_events(contact):
    return sa.select(AuditEvent.id).where(
        AuditEvent.entity_type == "EmployerContact", AuditEvent.entity_id == str(contact.id)
    )


def test_a_raw_update_or_delete_of_an_audit_event_is_refused_by_the_database():
    employer = EmployerFactory(name="Boulangerie Riou")
    db.session.flush()
    events = sa.select(AuditEvent.id).where(
        AuditEvent.entity_type == "Employer", AuditEvent.entity_id == str(employer.id)
    )
    _refused(sa.text("UPDATE audit_events SET actor_label = 'quelqu''un d''autre'"))
    _refused(sa.update(AuditEvent).where(AuditEvent.id.in_(events)).values(changes={}))
    _refused(sa.delete(AuditEvent).where(AuditEvent.id.in_(events)))
    _refused(sa.text("DELETE FROM audit_events"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(events.subquery())) == 1


def test_personal_values_are_kept_apart_and_only_their_blanking_is_allowed():
    contact = EmployerContactFactory(email="jeanne@employeur.fr")
    db.session.flush()
    create = db.session.scalar(_contact_events(contact))
    event = db.session.get(AuditEvent, create)
    assert "email" not in event.changes and event.all_changes["email"] == "jeanne@employeur.fr"
    values = sa.select(AuditPersonalValue.id).where(AuditPersonalValue.event_id == create)
    _refused(sa.update(AuditPersonalValue).where(AuditPersonalValue.id.in_(values)).values(value="autre@exemple.fr"))
    _refused(
        sa.update(AuditPersonalValue)
        .where(AuditPersonalValue.id.in_(values))
        .values(value=sa.null(), redacted_at=utcnow(), field="autre")
    )
    _refused(sa.update(AuditPersonalValue).where(AuditPersonalValue.id.in_(values)).values(value=sa.null()))
    _refused(sa.delete(AuditPersonalValue).where(AuditPersonalValue.id.in_(values)))

    stored = db.session.scalar(sa.select(sa.func.count()).where(AuditPersonalValue.event_id == create))
    assert stored >= 4 and redact_personal_values("EmployerContact", [contact.id], utcnow()) == stored
    db.session.expire_all()
    event = db.session.get(AuditEvent, create)
    assert event.all_changes["email"] is None and event.all_changes["last_name"] is None
    assert event.action == "create"
