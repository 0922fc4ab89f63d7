"""Privileged contacts, task forces and their members, handover requests."""

from datetime import timedelta

import factory
import sqlalchemy as sa

from app.assignments.models import Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.extensions import db
from app.referential.models import Basin
from app.timeutils import utcnow
from tests.factories.auth import UserFactory
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory


class AssignmentFactory(BaseFactory):
    class Meta:
        model = Assignment

    employer = factory.SubFactory(EmployerFactory)
    adviser = factory.SubFactory(UserFactory)
    operator = factory.LazyAttribute(lambda o: o.adviser.operator)
    started_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=1))
    reason = "Affectation de test"


def task_force_for(basin: Basin) -> TaskForce:
    """The basin's task force (one per basin), created on first use."""
    task_force = db.session.scalar(sa.select(TaskForce).where(TaskForce.basin_id == basin.id))
    if task_force is None:
        task_force = TaskForce(basin=basin, name=f"Task force {basin.name}")
        db.session.add(task_force)
        db.session.flush()
    return task_force


class TaskForceMemberFactory(BaseFactory):
    class Meta:
        model = TaskForceMember

    user = factory.SubFactory(UserFactory)
    task_force = factory.LazyAttribute(lambda o: task_force_for(o.user.basins[0]))
    capacity = 10


class HandoverRequestFactory(BaseFactory):
    class Meta:
        model = HandoverRequest

    assignment = factory.SubFactory(AssignmentFactory)
    employer = factory.LazyAttribute(lambda o: o.assignment.employer)
    requested_by = factory.LazyAttribute(lambda o: o.assignment.adviser)
    reason = "Changement de portefeuille"
