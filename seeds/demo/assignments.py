"""Demo privileged contacts and task forces: four employers in ten followed by an adviser since
some months, one task force per basin with its advisers' capacities, and a pending handover."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.assignments.models import Assignment
from app.assignments.services import (
    add_member,
    assign_privileged_contact,
    create_task_force,
    request_handover,
    update_member,
)
from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.referential.models import Basin
from app.timeutils import today_paris
from seeds.demo.clock import on_day

ASSIGNED_SHARE = 0.4


def build_demo_privileged_contacts(
    rng: random.Random, employers: list[Employer], advisers: list[User], lead: User | None
) -> dict[int, User]:
    """The privileged contact of each employer that has one, by employer id."""
    today = today_paris()
    privileged = {}
    for employer in employers:
        if rng.random() < ASSIGNED_SHARE:
            adviser = rng.choice(advisers)
            with on_day(today - timedelta(days=rng.randint(10, 300))):
                assign_privileged_contact(
                    employer=employer,
                    adviser=adviser,
                    assigned_by=lead,
                    reason="Affectation initiale (données de démonstration)",
                )
                db.session.flush()
            privileged[employer.id] = adviser
    return privileged


def build_demo_task_forces(rng: random.Random, basins: list[Basin]) -> int:
    """One task force per basin; returns the number of members."""
    members = 0
    for basin in basins:
        staff = list(
            db.session.scalars(
                sa.select(User)
                .where(User.role.in_([Role.ADVISER, Role.TASKFORCE_LEAD]), User.basins.any(Basin.id == basin.id))
                .order_by(User.email)
            )
        )
        if not staff:
            continue
        task_force = create_task_force(basin=basin, name=f"Task force entreprises {basin.name}")
        db.session.flush()
        for user in staff:
            lead = user.role is Role.TASKFORCE_LEAD
            member = add_member(task_force, user, is_lead=lead)
            # The lead coordinates and keeps no portfolio: capacity 0, never suggested.
            update_member(member, capacity=0 if lead else rng.choice([80, 100, 120]), absent_until=None)
            members += 1
        db.session.flush()
        _pending_handover(basin, rng)
    return members


def _pending_handover(basin: Basin, rng: random.Random) -> None:
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.basin_id == basin.id, Assignment.ended_at.is_(None))
            .order_by(Assignment.id)
            .limit(20)
        )
    )
    if assignments:
        assignment = rng.choice(assignments)
        request_handover(
            employer=db.session.get(Employer, assignment.employer_id),
            requested_by=assignment.adviser,
            reason="L'employeur recrute surtout des jeunes : la mission locale le suivrait mieux.",
        )
