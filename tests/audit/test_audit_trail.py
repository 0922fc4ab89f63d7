import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import acting_as
from app.extensions import db
from tests.factories import EmployerFactory, UserFactory


def _events(entity_type, entity_id):
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
    ).all()


def test_create_update_delete_are_recorded_with_changed_fields():
    with acting_as("test"):
        employer = EmployerFactory(name="Boulangerie Riou")
        employer.name = "Boulangerie Riou et Fils"
        db.session.flush()
        db.session.delete(employer)
        db.session.flush()
    create, update, delete = _events("Employer", employer.id)
    assert create.action == "create" and create.changes["name"] == "Boulangerie Riou"
    assert update.action == "update"
    assert update.changes == {"name": ["Boulangerie Riou", "Boulangerie Riou et Fils"]}
    assert delete.action == "delete"
    assert {create.actor_label, update.actor_label, delete.actor_label} == {"test"}


def test_secrets_never_reach_the_trail():
    user = UserFactory()
    user.password_hash = "changed"
    db.session.flush()
    for event in _events("User", user.id):
        assert "password_hash" not in event.changes
        assert "session_token" not in event.changes


def test_a_request_records_the_logged_in_user(client, login, post):
    admin = UserFactory(admin=True)
    login(admin)
    target = UserFactory()
    post(f"/administration/utilisateurs/{target.id}/desactiver", {"confirmation": "1"})
    update = _events("User", target.id)[-1]
    assert update.actor_id == admin.id
    assert update.actor_label == admin.email
    assert update.changes["is_active"] == [True, False]
