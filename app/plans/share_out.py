"""Sharing a plan's target list out among the basin's advisers, and adjusting it by hand."""

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from app.assignments.models import Assignment, TaskForce, TaskForceMember
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.extensions import db
from app.plans.models import PlanEmployer, ProspectionPlan
from app.plans.services import PlanError
from app.timeutils import today_paris


def plan_advisers(plan: ProspectionPlan, today: date | None = None) -> list[User]:
    """The advisers who share the list: the basin task force's advisers present today,
    or, while the basin has no task force, every active adviser of the basin."""
    today = today or today_paris()
    task_force = db.session.scalar(
        sa.select(TaskForce)
        .where(TaskForce.basin_id == plan.basin_id)
        .options(sa.orm.selectinload(TaskForce.members).joinedload(TaskForceMember.user))
    )
    if task_force is not None:
        members = [
            member.user
            for member in task_force.members
            if member.user.role is Role.ADVISER and member.user.is_active and not member.is_absent_on(today)
        ]
        return sorted(members, key=lambda user: (user.full_name, user.id))
    return list(
        db.session.scalars(
            sa.select(User)
            .join(user_basins, user_basins.c.user_id == User.id)
            .where(user_basins.c.basin_id == plan.basin_id, User.role == Role.ADVISER, User.is_active)
            .order_by(User.full_name, User.id)
        )
    )


def balance(
    entries: list[PlanEmployer],
    advisers: list[User],
    privileged: dict[int, int],
    current_loads: dict[int, int] | None = None,
) -> dict[int, int]:
    """Give each entry an adviser so that loads differ by one at most.

    Entries go first to the employer's privileged contact when they share the plan (one
    door per employer), as long as that adviser stays under the fair share; the rest go,
    best score first, to the least loaded adviser. Returns {entry id: adviser id}.
    """
    if not advisers:
        raise PlanError("Aucun conseiller disponible sur ce bassin pour répartir la liste.")
    loads = {adviser.id: (current_loads or {}).get(adviser.id, 0) for adviser in advisers}
    fair_share = -(-(sum(loads.values()) + len(entries)) // len(advisers))
    order = {adviser.id: index for index, adviser in enumerate(advisers)}
    result: dict[int, int] = {}
    ranked = sorted(entries, key=lambda entry: (-entry.score, entry.id))
    for entry in ranked:
        adviser_id = privileged.get(entry.employer_id)
        if adviser_id in loads and loads[adviser_id] < fair_share:
            result[entry.id] = adviser_id
            loads[adviser_id] += 1
    for entry in ranked:
        if entry.id in result:
            continue
        adviser_id = min(loads, key=lambda key: (loads[key], order[key]))
        result[entry.id] = adviser_id
        loads[adviser_id] += 1
    return result


def share_out(plan: ProspectionPlan, *, rebalance: bool = False, today: date | None = None) -> int:
    """Share the list out: the unassigned entries, or all of them with ``rebalance``."""
    advisers = plan_advisers(plan, today)
    adviser_ids = {adviser.id for adviser in advisers}
    entries = list(
        db.session.scalars(
            sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id, PlanEmployer.is_excluded.is_(False))
        )
    )
    current_loads: dict[int, int] = defaultdict(int)
    to_share = []
    for entry in entries:
        if rebalance or entry.adviser_id not in adviser_ids:
            to_share.append(entry)
        else:
            current_loads[entry.adviser_id] += 1
    if not to_share:
        return 0
    privileged = dict(
        db.session.execute(
            sa.select(Assignment.employer_id, Assignment.adviser_id).where(
                Assignment.employer_id.in_([entry.employer_id for entry in to_share]), Assignment.ended_at.is_(None)
            )
        ).all()
    )
    by_id = {entry.id: entry for entry in to_share}
    for entry_id, adviser_id in balance(to_share, advisers, privileged, current_loads).items():
        by_id[entry_id].adviser_id = adviser_id
    return len(to_share)


def assign_entry(plan: ProspectionPlan, entry: PlanEmployer, adviser: User | None, today: date | None = None) -> None:
    """Adjust the share-out by hand: give one target to another adviser (or to nobody)."""
    if entry.plan_id != plan.id or entry.is_excluded:
        raise PlanError("Cette entreprise n'est pas dans la liste cible du plan.")
    if adviser is not None and adviser.id not in {user.id for user in plan_advisers(plan, today)}:
        raise PlanError(f"{adviser.full_name} ne fait pas partie des conseillers du bassin {plan.basin.name}.")
    entry.adviser_id = adviser.id if adviser else None
