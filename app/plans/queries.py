"""Read side of plans: scope, live progress against targets with its drill-down, advisers' targets."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.activity.enums import Channel
from app.activity.models import Interaction
from app.assignments.models import Assignment
from app.auth.models import User
from app.employers.engagements import engaged_on
from app.employers.models import Employer, Tag
from app.events.enums import EventStatus
from app.events.models import Event, EventParticipant, event_operators
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.models import RecruitmentNeed, ServiceMobilisation
from app.needs.queries import delivered_between, poe_to_small_employers_between
from app.plans.enums import BASELINE_INDICATORS, PlanIndicator, SegmentKind
from app.plans.models import PlanEmployer, PlanTarget, ProspectionPlan
from app.referential.enums import HeadcountBand
from app.referential.models import NafCode, RomeCode, ShortageJob
from app.timeutils import PARIS, today_paris


def visible_plans(user: User) -> sa.Select:
    query = sa.select(ProspectionPlan)
    if not user.sees_all_basins:
        query = query.where(ProspectionPlan.basin_id.in_(user.basin_ids))
    return query


def plan_list(user: User, basin_id: int | None = None) -> sa.Select:
    """The user's plans (of one basin if given), the latest period first."""
    query = visible_plans(user).options(joinedload(ProspectionPlan.basin))
    if basin_id:
        query = query.where(ProspectionPlan.basin_id == basin_id)
    return query.order_by(ProspectionPlan.starts_on.desc(), ProspectionPlan.id.desc())


def get_visible_plan(user: User, plan_id: int) -> ProspectionPlan | None:
    return db.session.scalar(
        visible_plans(user)
        .where(ProspectionPlan.id == plan_id)
        .options(
            joinedload(ProspectionPlan.basin),
            sa.orm.selectinload(ProspectionPlan.owners),
            sa.orm.selectinload(ProspectionPlan.segments),
            sa.orm.selectinload(ProspectionPlan.targets).joinedload(PlanTarget.operator),
        )
    )


def get_plan_target(plan: ProspectionPlan, target_id: int) -> PlanTarget | None:
    target = db.session.get(PlanTarget, target_id)
    return target if target is not None and target.plan_id == plan.id else None


def get_plan_entry(plan: ProspectionPlan, entry_id: int) -> PlanEmployer | None:
    """One line of the plan's target list."""
    entry = db.session.get(PlanEmployer, entry_id)
    return entry if entry is not None and entry.plan_id == plan.id else None


def segment_choices(basin_ids: list[int], kept_tags=()) -> dict[SegmentKind, list[tuple[str, str]]]:
    """What a plan of these basins can target, labelled: the basins' métiers en tension (ROME),
    NAF divisions, headcount bands, the active tags and the archived ones the plan already targets
    (``kept_tags``, codes)."""
    offered_tags = Tag.is_active | Tag.code.in_(list(kept_tags)) if kept_tags else Tag.is_active
    return {
        SegmentKind.SHORTAGE_JOB: [
            (code, f"{code} — {label}")
            for code, label in db.session.execute(
                sa.select(RomeCode.code, RomeCode.label)
                .where(RomeCode.code.in_(sa.select(ShortageJob.rome_code).where(ShortageJob.basin_id.in_(basin_ids))))
                .order_by(RomeCode.code)
            )
        ],
        SegmentKind.NAF_DIVISION: [
            (code, f"{code} — {label}")
            for code, label in db.session.execute(
                sa.select(NafCode.code, NafCode.label).where(sa.func.length(NafCode.code) == 2).order_by(NafCode.code)
            )
        ],
        SegmentKind.HEADCOUNT_BAND: HeadcountBand.choices(),
        SegmentKind.TAG: [
            (tag.code, tag.label if tag.is_active else f"{tag.label} (archivée)")
            for tag in db.session.scalars(sa.select(Tag).where(offered_tags).order_by(Tag.label))
        ],
    }


def segment_labels(plan: ProspectionPlan) -> list[tuple[SegmentKind, list[str]]]:
    """The plan's priority segments by kind, each by its label ("En croissance", "6 à 9
    salariés"), never its code; a code no longer in the referential is shown as it is."""
    if not plan.segments:
        return []
    choices = segment_choices([plan.basin_id])
    labelled = {kind: dict(options) for kind, options in choices.items()}
    grouped: dict[SegmentKind, list[str]] = {}
    for segment in plan.segments:
        grouped.setdefault(segment.kind, []).append(labelled[segment.kind].get(segment.value, segment.value))
    return [(kind, grouped[kind]) for kind in SegmentKind if kind in grouped]


def period_instants(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    """The period's dates, as Paris days, in instants: [start of the first day, start of the day after)."""
    start = datetime.combine(starts_on, time.min, tzinfo=PARIS)
    end = datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=PARIS)
    return start, end


def _users_of_operator(operator_id: int) -> sa.Select:
    return sa.select(User.id).where(User.operator_id == operator_id)


def _basin_employers(plan: ProspectionPlan) -> sa.Select:
    return sa.select(Employer.id).where(Employer.basin_id == plan.basin_id)


def _in_period_interactions(plan: ProspectionPlan, operator_id: int | None) -> sa.Select:
    query = sa.select(Interaction).where(
        Interaction.employer_id.in_(_basin_employers(plan)),
        Interaction.occurred_on.between(plan.starts_on, plan.ends_on),
    )
    if operator_id is not None:
        query = query.where(Interaction.author_id.in_(_users_of_operator(operator_id)))
    return query


def _needs(plan: ProspectionPlan, operator_id: int | None) -> sa.Select:
    query = sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id.in_(_basin_employers(plan)))
    if operator_id is not None:
        query = query.where(RecruitmentNeed.created_by_id.in_(_users_of_operator(operator_id)))
    return query


def _held_events(plan: ProspectionPlan, operator_id: int | None) -> sa.Select:
    start, end = period_instants(plan.starts_on, plan.ends_on)
    query = sa.select(Event).where(
        Event.basin_id == plan.basin_id,
        Event.status == EventStatus.HELD,
        Event.starts_at >= start,
        Event.starts_at < end,
    )
    if operator_id is not None:
        query = query.where(
            Event.id.in_(sa.select(event_operators.c.event_id).where(event_operators.c.operator_id == operator_id))
        )
    return query


def indicator_records(plan: ProspectionPlan, indicator: PlanIndicator, operator_id: int | None = None) -> sa.Select:
    """The records that make an indicator's figure: the drill-down shows exactly these."""
    if indicator is PlanIndicator.EMPLOYERS_CONTACTED:
        contacted = _in_period_interactions(plan, operator_id).with_only_columns(Interaction.employer_id)
        return sa.select(Employer).where(Employer.id.in_(contacted))
    if indicator is PlanIndicator.VISITS:
        return _in_period_interactions(plan, operator_id).where(Interaction.channel == Channel.VISIT)
    if indicator is PlanIndicator.NEEDS_IDENTIFIED:
        return _needs(plan, operator_id).where(RecruitmentNeed.identified_on.between(plan.starts_on, plan.ends_on))
    if indicator is PlanIndicator.POSITIONS_FILLED:
        return _needs(plan, operator_id).where(
            RecruitmentNeed.status.in_([NeedStatus.FILLED, NeedStatus.NOT_FILLED]),
            RecruitmentNeed.closed_on.between(plan.starts_on, plan.ends_on),
            RecruitmentNeed.positions_filled > 0,
        )
    if indicator is PlanIndicator.EVENTS_HELD:
        return _held_events(plan, operator_id)
    if indicator is PlanIndicator.EVENT_HIRES:
        held = _held_events(plan, operator_id).with_only_columns(Event.id)
        return sa.select(EventParticipant).where(EventParticipant.event_id.in_(held), EventParticipant.hires > 0)
    if indicator is PlanIndicator.EMPLOYERS_WITH_CONTACT:
        assigned = sa.select(Assignment.employer_id).where(Assignment.ended_at.is_(None))
        if operator_id is not None:
            assigned = assigned.where(Assignment.operator_id == operator_id)
        targeted = sa.select(PlanEmployer.employer_id).where(
            PlanEmployer.plan_id == plan.id, PlanEmployer.is_excluded.is_(False)
        )
        return sa.select(Employer).where(Employer.id.in_(targeted), Employer.id.in_(assigned))
    if indicator in SOLUTION_CONDITIONS:
        return _mobilisations(plan, operator_id).where(SOLUTION_CONDITIONS[indicator](plan.starts_on, plan.ends_on))
    if indicator is PlanIndicator.EMPLOYERS_ENGAGED:
        return _engaged_employers(plan, operator_id, min(plan.ends_on, today_paris()))
    raise ValueError(indicator)


# The solutions indicators: the plan's basin's mobilisations that the dashboard's definition counts.
SOLUTION_CONDITIONS = {
    PlanIndicator.SOLUTIONS_DELIVERED: delivered_between,
    PlanIndicator.POE_SMALL_EMPLOYERS: poe_to_small_employers_between,
}


def _mobilisations(plan: ProspectionPlan, operator_id: int | None) -> sa.Select:
    query = sa.select(ServiceMobilisation).where(ServiceMobilisation.basin_id == plan.basin_id)
    if operator_id is not None:
        query = query.where(ServiceMobilisation.created_by_id.in_(_users_of_operator(operator_id)))
    return query


def _engaged_employers(plan: ProspectionPlan, operator_id: int | None, day: date) -> sa.Select:
    """The basin's employers engaged for inclusive hiring on ``day`` (an operator's: those whose
    privileged contact it provides)."""
    query = sa.select(Employer).where(Employer.basin_id == plan.basin_id, engaged_on(day))
    if operator_id is not None:
        query = query.where(
            Employer.id.in_(
                sa.select(Assignment.employer_id).where(
                    Assignment.ended_at.is_(None), Assignment.operator_id == operator_id
                )
            )
        )
    return query


def indicator_baseline(plan: ProspectionPlan, indicator: PlanIndicator, operator_id: int | None = None) -> int:
    """The indicator's value when the plan starts, which a relative target multiplies."""
    if indicator not in BASELINE_INDICATORS:
        raise ValueError(indicator)
    records = _engaged_employers(plan, operator_id, plan.starts_on).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(records))


def indicator_drill_down(plan: ProspectionPlan, indicator: PlanIndicator, operator_id: int | None = None) -> sa.Select:
    """An indicator's records as the drill-down lists them: what each row shows loaded, latest first."""
    loaders = {
        PlanIndicator.VISITS: (joinedload(Interaction.employer), joinedload(Interaction.author)),
        PlanIndicator.NEEDS_IDENTIFIED: (joinedload(RecruitmentNeed.employer),),
        PlanIndicator.POSITIONS_FILLED: (joinedload(RecruitmentNeed.employer),),
        PlanIndicator.EVENTS_HELD: (selectinload(Event.participants),),
        PlanIndicator.EVENT_HIRES: (joinedload(EventParticipant.employer), joinedload(EventParticipant.event)),
        **dict.fromkeys(
            SOLUTION_CONDITIONS,
            (joinedload(ServiceMobilisation.employer), joinedload(ServiceMobilisation.service_type)),
        ),
    }
    order = {
        PlanIndicator.VISITS: (Interaction.occurred_on.desc(), Interaction.id.desc()),
        PlanIndicator.NEEDS_IDENTIFIED: (RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc()),
        PlanIndicator.POSITIONS_FILLED: (RecruitmentNeed.closed_on.desc(), RecruitmentNeed.id.desc()),
        PlanIndicator.EVENTS_HELD: (Event.starts_at.desc(), Event.id.desc()),
        PlanIndicator.EVENT_HIRES: (EventParticipant.id.desc(),),
        **dict.fromkeys(SOLUTION_CONDITIONS, (ServiceMobilisation.proposed_on.desc(), ServiceMobilisation.id.desc())),
    }.get(indicator, (Employer.name, Employer.id))
    return indicator_records(plan, indicator, operator_id).options(*loaders.get(indicator, ())).order_by(*order)


# Indicators that add a quantity up instead of counting records.
SUMMED_COLUMNS = {
    PlanIndicator.POSITIONS_FILLED: "positions_filled",
    PlanIndicator.EVENT_HIRES: "hires",
}


def indicator_value(plan: ProspectionPlan, indicator: PlanIndicator, operator_id: int | None = None) -> int:
    records = indicator_records(plan, indicator, operator_id).subquery()
    column = SUMMED_COLUMNS.get(indicator)
    aggregate = sa.func.coalesce(sa.func.sum(records.c[column]), 0) if column else sa.func.count()
    return db.session.scalar(sa.select(aggregate).select_from(records))


@dataclass
class TargetProgress:
    target: PlanTarget
    done: int
    baseline: int | None = None  # for a relative target: the value at the plan's start

    @property
    def goal(self) -> int:
        """The volume to reach: the target's, or the baseline times the factor, rounded up."""
        if self.target.factor is None:
            return self.target.target_value
        return math.ceil(self.baseline * self.target.factor)

    @property
    def percent(self) -> int:
        if self.goal == 0:
            return 100
        return min(100, round(self.done * 100 / self.goal))

    @property
    def is_reached(self) -> bool:
        return self.done >= self.goal


def plan_progress(plan: ProspectionPlan) -> list[TargetProgress]:
    """Done against target for each of the plan's targets, network-wide first."""
    targets = sorted(
        plan.targets,
        key=lambda t: (
            list(PlanIndicator).index(t.indicator),
            t.operator_id is not None,
            t.operator.name if t.operator else "",
        ),
    )
    return [
        TargetProgress(
            target,
            indicator_value(plan, target.indicator, target.operator_id),
            indicator_baseline(plan, target.indicator, target.operator_id) if target.factor is not None else None,
        )
        for target in targets
    ]


def target_list(
    plan: ProspectionPlan, *, adviser_id: int | None = None, unassigned: bool = False, excluded: bool = False
) -> sa.Select:
    query = (
        sa.select(PlanEmployer)
        .where(PlanEmployer.plan_id == plan.id, PlanEmployer.is_excluded.is_(excluded))
        .options(joinedload(PlanEmployer.employer), joinedload(PlanEmployer.adviser))
        .order_by(PlanEmployer.score.desc(), PlanEmployer.id)
    )
    if adviser_id is not None:
        query = query.where(PlanEmployer.adviser_id == adviser_id)
    elif unassigned:
        query = query.where(PlanEmployer.adviser_id.is_(None))
    return query


def contacted_employer_ids(plan: ProspectionPlan, employer_ids: list[int]) -> set[int]:
    """Which of these employers had a contact during the plan's period."""
    if not employer_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Interaction.employer_id)
            .where(
                Interaction.employer_id.in_(employer_ids),
                Interaction.occurred_on.between(plan.starts_on, plan.ends_on),
            )
            .distinct()
        )
    )


def share_out_loads(plan: ProspectionPlan) -> list[tuple[User | None, int]]:
    rows = db.session.execute(
        sa.select(PlanEmployer.adviser_id, sa.func.count())
        .where(PlanEmployer.plan_id == plan.id, PlanEmployer.is_excluded.is_(False))
        .group_by(PlanEmployer.adviser_id)
    ).all()
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_([r[0] for r in rows if r[0]])))}
    return sorted(
        ((users.get(adviser_id), count) for adviser_id, count in rows), key=lambda r: (r[0] is None, str(r[0]))
    )


@dataclass
class AdviserPlanTargets:
    plan: ProspectionPlan
    total: int
    contacted: int
    next_to_contact: list[PlanEmployer]

    @property
    def percent(self) -> int:
        return round(self.contacted * 100 / self.total) if self.total else 0


def adviser_targets(user: User, today: date, next_count: int = 5) -> list[AdviserPlanTargets]:
    """The current plans' targets given to an adviser: how many contacted, and who comes next."""
    contacted = (
        sa.select(Interaction.id)
        .where(
            Interaction.employer_id == PlanEmployer.employer_id,
            Interaction.occurred_on >= ProspectionPlan.starts_on,
            Interaction.occurred_on <= ProspectionPlan.ends_on,
        )
        .exists()
    )
    mine = sa.and_(
        PlanEmployer.adviser_id == user.id,
        PlanEmployer.is_excluded.is_(False),
        ProspectionPlan.starts_on <= today,
        ProspectionPlan.ends_on >= today,
    )
    rows = db.session.execute(
        sa.select(ProspectionPlan, sa.func.count(PlanEmployer.id), sa.func.sum(sa.case((contacted, 1), else_=0)))
        .join(PlanEmployer, PlanEmployer.plan_id == ProspectionPlan.id)
        .where(mine)
        .group_by(ProspectionPlan.id)
        .order_by(ProspectionPlan.ends_on, ProspectionPlan.id)
    ).all()
    if not rows:
        return []
    upcoming = db.session.scalars(
        sa.select(PlanEmployer)
        .join(ProspectionPlan, ProspectionPlan.id == PlanEmployer.plan_id)
        .where(mine, ~contacted)
        .options(joinedload(PlanEmployer.employer))
        .order_by(PlanEmployer.score.desc(), PlanEmployer.id)
        .limit(next_count * len(rows))
    ).all()
    return [
        AdviserPlanTargets(
            plan=plan,
            total=total,
            contacted=int(done or 0),
            next_to_contact=[entry for entry in upcoming if entry.plan_id == plan.id][:next_count],
        )
        for plan, total, done in rows
    ]
