"""Business rules of a prospection plan itself: its period, owners, targets and segments; its copy
for the next period. The target list, its score and its share-out have their own modules."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Tag
from app.errors import DomainError
from app.extensions import db
from app.plans.enums import BASELINE_INDICATORS, PlanIndicator, SegmentKind
from app.plans.models import MAX_TARGET_LIST_SIZE, PlanSegment, PlanTarget, ProspectionPlan
from app.referential.enums import HeadcountBand
from app.referential.models import Basin, NafCode, Operator, RomeCode


class PlanError(DomainError):
    """A refusal with a French message for the user."""


def _check_period_and_targets(starts_on: date, ends_on: date, targets: dict) -> None:
    if ends_on < starts_on:
        raise PlanError("La fin de la période ne peut pas précéder son début.")
    if (ends_on - starts_on).days > 3 * 366:
        raise PlanError("Un plan couvre au plus trois ans.")
    for indicator, value in targets.items():
        if value is not None and value < 0:
            raise PlanError(f"L'objectif « {indicator.label} » ne peut pas être négatif.")


def _checked_segments(segments: dict[SegmentKind, list[str]]) -> list[PlanSegment]:
    known = {
        SegmentKind.SHORTAGE_JOB: set(
            db.session.scalars(sa.select(RomeCode.code).where(sa.func.length(RomeCode.code) == 5))
        ),
        SegmentKind.NAF_DIVISION: set(
            db.session.scalars(sa.select(NafCode.code).where(sa.func.length(NafCode.code) == 2))
        ),
        SegmentKind.HEADCOUNT_BAND: {band.value for band in HeadcountBand},
        SegmentKind.TAG: set(db.session.scalars(sa.select(Tag.code))),
    }
    result = []
    for kind, values in segments.items():
        for value in sorted(set(values)):
            if value not in known[kind]:
                raise PlanError(f"Segment inconnu ({kind.label}) : {value}.")
            result.append(PlanSegment(kind=kind, value=value))
    return result


def _check_owners(basin: Basin, owners: list[User]) -> None:
    for owner in owners:
        if owner.role not in (Role.TASKFORCE_LEAD, Role.ADMIN) or basin.id not in owner.basin_ids:
            raise PlanError(f"{owner.full_name} ne pilote pas de task force sur le bassin {basin.name}.")


def save_plan(
    plan: ProspectionPlan | None,
    *,
    basin: Basin,
    title: str,
    starts_on: date,
    ends_on: date,
    owners: list[User],
    targets: dict[PlanIndicator, int | None],
    segments: dict[SegmentKind, list[str]],
    target_list_size: int = 100,
    author: User | None = None,
) -> ProspectionPlan:
    """Create a plan (``plan`` None) or change one: period, owners, network-wide targets, segments."""
    title = (title or "").strip()
    if not title:
        raise PlanError("Donnez un titre au plan.")
    _check_period_and_targets(starts_on, ends_on, targets)
    if not 1 <= target_list_size <= MAX_TARGET_LIST_SIZE:
        raise PlanError(f"La liste cible compte entre 1 et {MAX_TARGET_LIST_SIZE} entreprises.")
    _check_owners(basin, owners)
    new_segments = _checked_segments(segments)
    if plan is None:
        plan = ProspectionPlan(basin=basin, created_by=author)
        db.session.add(plan)
    elif plan.basin_id != basin.id:
        raise PlanError("Le bassin d'un plan ne change pas : dupliquez-le plutôt.")
    plan.title = title
    plan.starts_on = starts_on
    plan.ends_on = ends_on
    plan.target_list_size = target_list_size
    plan.owners = owners
    current = {(segment.kind, segment.value): segment for segment in plan.segments}
    plan.segments = [current.get((segment.kind, segment.value), segment) for segment in new_segments]
    network = {target.indicator: target for target in plan.targets if target.operator_id is None}
    for indicator, value in targets.items():
        existing = network.get(indicator)
        if value is None:
            # A relative target is not in the form's absolute fields: left empty, it stays.
            if existing is not None and existing.factor is None:
                plan.targets.remove(existing)
        elif existing is not None:
            existing.target_value = value
            existing.factor = None
        else:
            plan.targets.append(PlanTarget(indicator=indicator, target_value=value))
    return plan


def set_operator_target(
    plan: ProspectionPlan, *, indicator: PlanIndicator, operator: Operator, value: int
) -> PlanTarget:
    """The share of one operator in a target (its own line, next to the network-wide one)."""
    if value < 0:
        raise PlanError(f"L'objectif « {indicator.label} » ne peut pas être négatif.")
    if plan.basin.id not in {basin.id for basin in operator.basins}:
        raise PlanError(f"{operator.name} n'intervient pas sur le bassin {plan.basin.name}.")
    for target in plan.targets:
        if target.indicator is indicator and target.operator_id == operator.id:
            target.target_value = value
            return target
    target = PlanTarget(indicator=indicator, operator=operator, target_value=value)
    plan.targets.append(target)
    return target


def set_relative_target(plan: ProspectionPlan, *, indicator: PlanIndicator, factor: Decimal) -> PlanTarget:
    """The network-wide target as a multiple of the indicator's value at the plan's start: "doubler en
    3 ans" is a factor of 2 on a three-year plan. Only an indicator with a value at a date has one."""
    if indicator not in BASELINE_INDICATORS:
        raise PlanError(f"L'indicateur « {indicator.label} » n'a pas de valeur de départ : fixez un objectif chiffré.")
    if not Decimal("0.1") <= factor <= Decimal("20"):
        raise PlanError("Le multiplicateur va de 0,1 à 20 (2 : doubler).")
    for target in plan.targets:
        if target.indicator is indicator and target.operator_id is None:
            target.factor, target.target_value = factor, 0
            return target
    target = PlanTarget(indicator=indicator, target_value=0, factor=factor)
    plan.targets.append(target)
    return target


def remove_target(plan: ProspectionPlan, target: PlanTarget) -> None:
    if target.plan_id != plan.id:
        raise PlanError("Cet objectif n'appartient pas à ce plan.")
    plan.targets.remove(target)


# --- Next period ---------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_period(starts_on: date, ends_on: date) -> tuple[date, date]:
    """The period that follows: whole months stay whole months (a quarter gives the next quarter)."""
    whole_months = starts_on.day == 1 and (ends_on + timedelta(days=1)).day == 1
    if whole_months:
        months = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month + 1
        new_start = _add_months(starts_on, months)
        return new_start, _add_months(new_start, months) - timedelta(days=1)
    length = ends_on - starts_on
    return ends_on + timedelta(days=1), ends_on + timedelta(days=1) + length


def duplicate_plan(plan: ProspectionPlan, *, author: User | None) -> ProspectionPlan:
    """The same plan for the next period: owners, targets and segments; the list is rebuilt there."""
    starts_on, ends_on = next_period(plan.starts_on, plan.ends_on)
    copy = ProspectionPlan(
        basin_id=plan.basin_id,
        title=plan.title,
        starts_on=starts_on,
        ends_on=ends_on,
        target_list_size=plan.target_list_size,
        created_by=author,
        owners=list(plan.owners),
        targets=[
            PlanTarget(indicator=t.indicator, operator_id=t.operator_id, target_value=t.target_value, factor=t.factor)
            for t in plan.targets
        ],
        segments=[PlanSegment(kind=s.kind, value=s.value) for s in plan.segments],
    )
    db.session.add(copy)
    db.session.flush()  # the caller shows the copy: it needs its id
    return copy
