"""Demo task forces for the pilot basins: every adviser and lead of the basin, with capacities,
one extra adviser per specialised operator, and a pending handover."""

import random

import sqlalchemy as sa

from app.assignments.models import Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Operator

SPECIALISTS = {
    OperatorKind.CAP_EMPLOI: ("conseiller.cap", "Céline Conseillère Cap emploi"),
    OperatorKind.APEC: ("conseiller.apec", "Antoine Consultant APEC"),
}


def _specialists(basin: Basin, operators: list[Operator], template: User) -> list[User]:
    """Cap emploi and APEC advisers, so that rule 3's suggestions have someone to point at."""
    slug = template.email.split("@")[0].rsplit(".", 1)[-1]  # "conseiller.ml.laval" -> "laval"
    domain = template.email.split("@")[1]
    users = []
    for operator in operators:
        if operator.kind not in SPECIALISTS or basin not in operator.basins:
            continue
        prefix, name = SPECIALISTS[operator.kind]
        users.append(
            User(
                email=f"{prefix}.{slug}@{domain}",
                full_name=f"{name} ({basin.name})",
                role=Role.ADVISER,
                operator=operator,
                basins=[basin],
                password_hash=template.password_hash,
            )
        )
    return users


def build_demo_task_forces(rng: random.Random) -> int:
    """One task force per basin; returns the number of members."""
    operators = list(db.session.scalars(sa.select(Operator).options(sa.orm.selectinload(Operator.basins))))
    members = 0
    for basin in db.session.scalars(sa.select(Basin).order_by(Basin.code)):
        staff = list(
            db.session.scalars(
                sa.select(User)
                .where(User.role.in_([Role.ADVISER, Role.TASKFORCE_LEAD]), User.basins.any(Basin.id == basin.id))
                .order_by(User.email)
            )
        )
        if not staff:
            continue
        extra = _specialists(basin, operators, staff[0])
        db.session.add_all(extra)
        task_force = TaskForce(basin=basin, name=f"Task force entreprises {basin.name}")
        db.session.add(task_force)
        for user in staff + extra:
            lead = user.role is Role.TASKFORCE_LEAD
            # The lead coordinates and keeps no portfolio: capacity 0, never suggested.
            task_force.members.append(
                TaskForceMember(user=user, is_lead=lead, capacity=0 if lead else rng.choice([80, 100, 120]))
            )
            members += 1
        db.session.flush()
        _pending_handover(basin, rng)
    return members


def _pending_handover(basin: Basin, rng: random.Random) -> None:
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .join(Employer, Employer.id == Assignment.employer_id)
            .where(Employer.basin_id == basin.id, Assignment.ended_at.is_(None))
            .order_by(Assignment.id)
            .limit(20)
        )
    )
    if assignments:
        assignment = rng.choice(assignments)
        db.session.add(
            HandoverRequest(
                employer_id=assignment.employer_id,
                assignment=assignment,
                requested_by_id=assignment.adviser_id,
                reason="L'employeur recrute surtout des jeunes : la mission locale le suivrait mieux.",
            )
        )
