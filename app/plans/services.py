"""Business rules of prospection plans: building, scoring, sharing out, duplicating."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from app.activity.models import Interaction
from app.assignments.models import Assignment, TaskForce, TaskForceMember
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.employers.enums import ShortageSector
from app.employers.models import Employer, Tag, employer_tags
from app.errors import DomainError
from app.extensions import db
from app.leads.enums import LeadStatus
from app.leads.models import Lead
from app.needs.enums import OPEN_STATUSES
from app.needs.models import RecruitmentNeed
from app.plans.enums import PlanIndicator, SegmentKind
from app.plans.models import MAX_TARGET_LIST_SIZE, PlanEmployer, PlanSegment, PlanTarget, ProspectionPlan
from app.referential.enums import HeadcountBand
from app.referential.models import Basin, NafCode, Operator, RomeCode
from app.timeutils import today_paris, utcnow


class PlanError(DomainError):
    """A refusal with a French message for the user."""


SMALL_BUSINESS_BANDS = {HeadcountBand.B01, HeadcountBand.B02, HeadcountBand.B03}
MEDIUM_BUSINESS_BANDS = {HeadcountBand.B11, HeadcountBand.B12, HeadcountBand.B21, HeadcountBand.B22, HeadcountBand.B31}

# The points of each signal: few, round, and all shown next to the score.
POINTS_SEGMENT = 2
POINTS_SHORTAGE_SECTOR = 3
POINTS_SMALL_BUSINESS = 1
POINTS_MEDIUM_BUSINESS = 2
POINTS_RECENT_CREATION = 2
POINTS_OPEN_LEAD = 3
POINTS_OPEN_NEED = 2
POINTS_NO_PRIVILEGED_CONTACT = 2
RECENT_CREATION_DAYS = 2 * 365


@dataclass
class EmployerFacts:
    """What the score looks at for one employer."""

    employer_id: int
    naf_code: str | None = None
    headcount_band: HeadcountBand | None = None
    created_on: date | None = None
    tag_codes: set[str] = field(default_factory=set)
    need_rome_codes: set[str] = field(default_factory=set)
    has_open_need: bool = False
    has_open_lead: bool = False
    last_contact_on: date | None = None
    privileged_adviser_id: int | None = None

    @property
    def naf_division(self) -> str | None:
        return self.naf_code[:2] if self.naf_code else None


@dataclass
class ScoringContext:
    """The plan's segments and the basin's shortage sectors, labelled for the explanation."""

    today: date
    naf_divisions: dict[str, str] = field(default_factory=dict)
    headcount_bands: set[HeadcountBand] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)
    shortage_jobs: dict[str, str] = field(default_factory=dict)
    shortage_sectors: dict[str, str] = field(default_factory=dict)  # NAF division -> sector label


def contact_recency_signal(last_contact_on: date | None, today: date) -> tuple[str, int] | None:
    if last_contact_on is None:
        return ("Jamais contactée", 3)
    months = (today.year - last_contact_on.year) * 12 + today.month - last_contact_on.month
    if months >= 12:
        return (f"Pas de contact depuis {months} mois", 3)
    if months >= 6:
        return (f"Pas de contact depuis {months} mois", 2)
    if months >= 3:
        return (f"Pas de contact depuis {months} mois", 1)
    return None


def score_signals(facts: EmployerFacts, context: ScoringContext) -> list[tuple[str, int]]:
    """The signals that count for one employer, with their points; the score is their sum."""
    signals: list[tuple[str, int]] = []
    division = facts.naf_division
    if division in context.naf_divisions:
        signals.append((f"Segment : {context.naf_divisions[division]} (NAF {division})", POINTS_SEGMENT))
    if facts.headcount_band in context.headcount_bands:
        signals.append((f"Segment : {facts.headcount_band.label}", POINTS_SEGMENT))
    matching_tags = sorted(facts.tag_codes & set(context.tags))
    if matching_tags:
        labels = ", ".join(context.tags[code] for code in matching_tags)
        signals.append((f"Segment : {labels}", POINTS_SEGMENT))
    matching_jobs = sorted(facts.need_rome_codes & set(context.shortage_jobs))
    if matching_jobs:
        signals.append((f"Segment : recrute en {', '.join(matching_jobs)} (métier en tension)", POINTS_SEGMENT))
    if division in context.shortage_sectors:
        signals.append((f"Secteur en tension ({context.shortage_sectors[division]})", POINTS_SHORTAGE_SECTOR))
    if facts.headcount_band in SMALL_BUSINESS_BANDS:
        signals.append(("TPE (1 à 9 salariés)", POINTS_SMALL_BUSINESS))
    elif facts.headcount_band in MEDIUM_BUSINESS_BANDS:
        signals.append(("PME (10 à 249 salariés)", POINTS_MEDIUM_BUSINESS))
    if facts.created_on and (context.today - facts.created_on).days <= RECENT_CREATION_DAYS:
        signals.append(("Création récente (moins de 2 ans)", POINTS_RECENT_CREATION))
    if facts.has_open_lead:
        signals.append(("Signalement en cours", POINTS_OPEN_LEAD))
    if facts.has_open_need:
        signals.append(("Besoin de recrutement en cours", POINTS_OPEN_NEED))
    recency = contact_recency_signal(facts.last_contact_on, context.today)
    if recency:
        signals.append(recency)
    if facts.privileged_adviser_id is None:
        signals.append(("Sans interlocuteur privilégié", POINTS_NO_PRIVILEGED_CONTACT))
    return signals


def shortage_sectors() -> dict[str, str]:
    """NAF division -> the shortage sector it belongs to (one list for search and plans)."""
    return {division: sector.label for sector in ShortageSector for division in sector.naf_divisions}


def scoring_context(plan: ProspectionPlan, today: date | None = None) -> ScoringContext:
    divisions = plan.segment_values(SegmentKind.NAF_DIVISION)
    tag_codes = plan.segment_values(SegmentKind.TAG)
    job_codes = plan.segment_values(SegmentKind.SHORTAGE_JOB)
    return ScoringContext(
        today=today or today_paris(),
        naf_divisions=dict(
            db.session.execute(sa.select(NafCode.code, NafCode.label).where(NafCode.code.in_(divisions))).all()
        ),
        headcount_bands={HeadcountBand(value) for value in plan.segment_values(SegmentKind.HEADCOUNT_BAND)},
        tags=dict(db.session.execute(sa.select(Tag.code, Tag.label).where(Tag.code.in_(tag_codes))).all()),
        shortage_jobs=dict(
            db.session.execute(sa.select(RomeCode.code, RomeCode.label).where(RomeCode.code.in_(job_codes))).all()
        ),
        shortage_sectors=shortage_sectors(),
    )


def _candidate_filter(plan: ProspectionPlan):
    """Employers of the basin that match at least one segment (all of them without segments)."""
    conditions = []
    divisions = plan.segment_values(SegmentKind.NAF_DIVISION)
    if divisions:
        conditions.append(sa.func.substr(Employer.naf_code, 1, 2).in_(divisions))
    bands = plan.segment_values(SegmentKind.HEADCOUNT_BAND)
    if bands:
        conditions.append(Employer.headcount_band.in_([HeadcountBand(band) for band in bands]))
    tags = plan.segment_values(SegmentKind.TAG)
    if tags:
        conditions.append(
            Employer.id.in_(
                sa.select(employer_tags.c.employer_id)
                .join(Tag, Tag.id == employer_tags.c.tag_id)
                .where(Tag.code.in_(tags))
            )
        )
    jobs = plan.segment_values(SegmentKind.SHORTAGE_JOB)
    if jobs:
        conditions.append(
            Employer.id.in_(sa.select(RecruitmentNeed.employer_id).where(RecruitmentNeed.rome_code.in_(jobs)))
        )
    return sa.or_(*conditions) if conditions else sa.true()


def employer_facts(basin_id: int, employer_filter) -> dict[int, EmployerFacts]:
    """The facts of the basin's employers that pass ``employer_filter``, in a handful of queries."""
    in_scope = sa.select(Employer.id).where(Employer.basin_id == basin_id, employer_filter)
    facts = {
        row.id: EmployerFacts(row.id, row.naf_code, row.headcount_band, row.created_on)
        for row in db.session.execute(
            sa.select(Employer.id, Employer.naf_code, Employer.headcount_band, Employer.created_on).where(
                Employer.id.in_(in_scope)
            )
        )
    }
    for employer_id, code in db.session.execute(
        sa.select(employer_tags.c.employer_id, Tag.code)
        .join(Tag, Tag.id == employer_tags.c.tag_id)
        .where(employer_tags.c.employer_id.in_(in_scope))
    ):
        facts[employer_id].tag_codes.add(code)
    for employer_id, rome_code, status in db.session.execute(
        sa.select(RecruitmentNeed.employer_id, RecruitmentNeed.rome_code, RecruitmentNeed.status).where(
            RecruitmentNeed.employer_id.in_(in_scope)
        )
    ):
        if rome_code:
            facts[employer_id].need_rome_codes.add(rome_code)
        if status in OPEN_STATUSES:
            facts[employer_id].has_open_need = True
    for employer_id, last_contact_on in db.session.execute(
        sa.select(Interaction.employer_id, sa.func.max(Interaction.occurred_on))
        .where(Interaction.employer_id.in_(in_scope))
        .group_by(Interaction.employer_id)
    ):
        facts[employer_id].last_contact_on = last_contact_on
    for employer_id, adviser_id in db.session.execute(
        sa.select(Assignment.employer_id, Assignment.adviser_id).where(
            Assignment.employer_id.in_(in_scope), Assignment.ended_at.is_(None)
        )
    ):
        facts[employer_id].privileged_adviser_id = adviser_id
    for (employer_id,) in db.session.execute(
        sa.select(Lead.employer_id).where(Lead.employer_id.in_(in_scope), Lead.status == LeadStatus.NEW).distinct()
    ):
        facts[employer_id].has_open_lead = True
    return facts


def _scored(facts: EmployerFacts, context: ScoringContext) -> tuple[int, list[list]]:
    signals = score_signals(facts, context)
    return sum(points for _, points in signals), [[label, points] for label, points in signals]


# --- Creating and editing ------------------------------------------------------------


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
            if existing is not None:
                plan.targets.remove(existing)
        elif existing is not None:
            existing.target_value = value
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


def remove_target(plan: ProspectionPlan, target: PlanTarget) -> None:
    if target.plan_id != plan.id:
        raise PlanError("Cet objectif n'appartient pas à ce plan.")
    plan.targets.remove(target)


# --- The target list -----------------------------------------------------------------


@dataclass
class BuildResult:
    added: int
    removed: int
    kept: int


def build_target_list(plan: ProspectionPlan, today: date | None = None) -> BuildResult:
    """Rank the basin's employers that match the segments and keep the best ``target_list_size``.

    Entries added by hand stay; entries removed by hand stay removed; the others follow
    the new ranking (those that drop out of it leave the list).
    """
    context = scoring_context(plan, today)
    facts = employer_facts(plan.basin_id, _candidate_filter(plan))
    ranked = sorted(
        ((employer_id, *_scored(f, context)) for employer_id, f in facts.items()),
        key=lambda row: (-row[1], row[0]),
    )
    existing = {
        entry.employer_id: entry
        for entry in db.session.scalars(sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id))
    }
    excluded = {employer_id for employer_id, entry in existing.items() if entry.is_excluded}
    selected = [row for row in ranked if row[0] not in excluded][: plan.target_list_size]
    selected_ids = {row[0] for row in selected}
    added = kept = removed = 0
    for employer_id, score, details in selected:
        entry = existing.get(employer_id)
        if entry is None:
            db.session.add(PlanEmployer(plan=plan, employer_id=employer_id, score=score, score_details=details))
            added += 1
        else:
            entry.score, entry.score_details = score, details
            kept += 1
    # Manual and excluded entries outside the selection: rescored so the screen stays truthful.
    outside = [entry for employer_id, entry in existing.items() if employer_id not in selected_ids]
    rescore = employer_facts(plan.basin_id, Employer.id.in_([e.employer_id for e in outside])) if outside else {}
    for entry in outside:
        if entry.is_manual or entry.is_excluded:
            if entry.employer_id in rescore:
                entry.score, entry.score_details = _scored(rescore[entry.employer_id], context)
        else:
            db.session.delete(entry)
            removed += 1
    plan.list_built_at = utcnow()
    return BuildResult(added=added, removed=removed, kept=kept)


def add_employer(plan: ProspectionPlan, employer: Employer, today: date | None = None) -> PlanEmployer:
    """Add an employer by hand (or bring back one removed by hand)."""
    if employer.basin_id != plan.basin_id:
        raise PlanError(f"{employer.display_name} n'est pas sur le bassin {plan.basin.name}.")
    entry = db.session.scalar(
        sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id, PlanEmployer.employer_id == employer.id)
    )
    if entry is not None and not entry.is_excluded:
        raise PlanError(f"{employer.display_name} est déjà dans la liste cible.")
    facts = employer_facts(plan.basin_id, Employer.id == employer.id)[employer.id]
    score, details = _scored(facts, scoring_context(plan, today))
    if entry is None:
        entry = PlanEmployer(plan=plan, employer=employer)
        db.session.add(entry)
    entry.is_manual, entry.is_excluded = True, False
    entry.score, entry.score_details = score, details
    return entry


def remove_employer(entry: PlanEmployer) -> None:
    """Take an employer off the list; it is not added back when the list is rebuilt."""
    if entry.is_excluded:
        raise PlanError("Cette entreprise est déjà retirée de la liste.")
    entry.is_excluded = True
    entry.adviser_id = None


# --- Sharing out among advisers ------------------------------------------------------


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
            PlanTarget(indicator=t.indicator, operator_id=t.operator_id, target_value=t.target_value)
            for t in plan.targets
        ],
        segments=[PlanSegment(kind=s.kind, value=s.value) for s in plan.segments],
    )
    db.session.add(copy)
    return copy
