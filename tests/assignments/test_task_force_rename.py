"""Renaming a task force: its basin's lead or an admin, from its page; audited."""

import pytest
import sqlalchemy as sa

from app.assignments.models import TaskForce
from app.assignments.services import AssignmentError, rename_task_force
from app.audit.models import AuditEvent
from app.extensions import db
from tests.factories import BasinFactory, UserFactory, seeded_basin, task_force_for


def _url(task_force):
    return f"/task-forces/{task_force.id}/nom"


def _name(task_force) -> str:
    db.session.expire_all()
    return db.session.get(TaskForce, task_force.id).name


def _updates(task_force):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent.changes).where(
                AuditEvent.entity_type == "TaskForce",
                AuditEvent.entity_id == str(task_force.id),
                AuditEvent.action == "update",
            )
        )
    )


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_the_basins_lead_or_an_admin_renames_the_task_force(client, login, post, role):
    task_force = task_force_for(seeded_basin())
    old = task_force.name
    user = UserFactory(**{role: True})
    login(user)
    page = client.get(f"/task-forces/{task_force.id}").get_data(as_text=True)
    assert "Renommer la task force" in page
    response = post(_url(task_force), {"name": "  Task force   Nantes métropole "})
    assert response.status_code == 302
    assert _name(task_force) == "Task force Nantes métropole"
    assert _updates(task_force) == [{"name": [old, "Task force Nantes métropole"]}]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "TaskForce").order_by(AuditEvent.id.desc())
    )
    assert event.actor_id == user.id


def test_a_lead_of_another_basin_does_not_find_it(client, login, post):
    task_force = task_force_for(BasinFactory())
    old = task_force.name
    login(UserFactory(lead=True))  # a lead of the seeded basin
    assert post(_url(task_force), {"name": "Pris"}).status_code == 404
    assert _name(task_force) == old


@pytest.mark.parametrize("role", ["manager", None, "spotter"])
def test_other_roles_may_not_rename(client, login, post, role):
    task_force = task_force_for(seeded_basin())
    old = task_force.name
    login(UserFactory(**({role: True} if role else {})))
    assert post(_url(task_force), {"name": "Pris"}).status_code == 403
    if role == "manager":
        page = client.get(f"/task-forces/{task_force.id}").get_data(as_text=True)
        assert "Renommer la task force" not in page
    assert _name(task_force) == old


@pytest.mark.parametrize("name, message", [("", "Ce champ est obligatoire."), ("x" * 161, "160 caractères")])
def test_a_bad_name_is_refused_in_french_and_nothing_changes(client, login, post, name, message):
    task_force = task_force_for(seeded_basin())
    old = task_force.name
    login(UserFactory(admin=True))
    response = post(_url(task_force), {"name": name})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _name(task_force) == old and _updates(task_force) == []


def test_the_service_refuses_a_blank_name():
    task_force = task_force_for(seeded_basin())
    with pytest.raises(AssignmentError, match="Indiquez le nom"):
        rename_task_force(task_force, "   ")
    with pytest.raises(AssignmentError, match="160"):
        rename_task_force(task_force, "x" * 161)
