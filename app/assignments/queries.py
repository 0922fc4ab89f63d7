"""Read side of assignments: the lead's queue, task-force loads, the employer's contact history."""

import functools
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload
from werkzeug.datastructures import MultiDict

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp
from app.assignments.enums import HandoverStatus, QueueReason
from app.assignments.models import Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.assignments.services import ASSIGNABLE_ROLES
from app.assignments.suggestions import (
    OPERATOR_FOR_PUBLIC,
    OPERATOR_FOR_QUALIFICATION,
    MemberLoad,
    OperatorSuggestion,
    suggest_adviser,
    suggest_operator,
)
from app.auth.models import User
from app.converters import database_int
from app.employers.models import Employer
from app.extensions import db, plan_once
from app.leads.enums import LeadStatus
from app.leads.models import Lead
from app.needs.enums import OPEN_STATUSES
from app.needs.models import NeedPublic, RecruitmentNeed
from app.pagination import Page, paginate
from app.plans.models import PlanEmployer, ProspectionPlan
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Operator, operator_basins
from app.text import normalize_for_search


def _scoped_basin_ids(user: User, basin_id: int | None) -> list[int] | None:
    """The basins a list may show: the user's (or one of them); None means every basin (admins)."""
    if user.sees_all_basins:
        return [basin_id] if basin_id else None
    if basin_id:
        return [basin_id] if basin_id in user.basin_ids else []
    return sorted(user.basin_ids)


def _queue_sources(today: date, basin_ids: list[int] | None) -> sa.Subquery:
    """Every reason an employer needs a privileged contact, dated: the earliest one orders the queue.

    Each branch is restricted to the basins' employers before the union, so a basin's queue
    never groups the whole country's needs.
    """
    in_scope = None if basin_ids is None else sa.select(Employer.id).where(Employer.basin_id.in_(basin_ids))

    def scoped(query: sa.Select, employer_id) -> sa.Select:
        return query if in_scope is None else query.where(employer_id.in_(in_scope))

    return sa.union_all(
        scoped(
            sa.select(
                RecruitmentNeed.employer_id.label("employer_id"),
                RecruitmentNeed.created_at.label("since"),
                sa.literal(QueueReason.OPEN_NEED.value, type_=sa.String).label("reason"),
            ).where(RecruitmentNeed.status.in_(OPEN_STATUSES)),
            RecruitmentNeed.employer_id,
        ),
        scoped(
            sa.select(
                Lead.employer_id, Lead.decided_at, sa.literal(QueueReason.ACCEPTED_LEAD.value, type_=sa.String)
            ).where(Lead.status == LeadStatus.ACCEPTED, Lead.employer_id.is_not(None)),
            Lead.employer_id,
        ),
        scoped(
            sa.select(
                PlanEmployer.employer_id,
                PlanEmployer.added_at,
                sa.literal(QueueReason.PLAN_TARGET.value, type_=sa.String),
            )
            .join(ProspectionPlan, ProspectionPlan.id == PlanEmployer.plan_id)
            .where(PlanEmployer.is_excluded.is_(False), ProspectionPlan.ends_on >= today),
            PlanEmployer.employer_id,
        ),
        # Any past contact with no successor: deactivated account, approved handover.
        scoped(
            sa.select(
                Assignment.employer_id,
                Assignment.ended_at,
                sa.literal(QueueReason.CONTACT_LEFT.value, type_=sa.String),
            ).where(Assignment.ended_at.is_not(None)),
            Assignment.employer_id,
        ),
    ).subquery("queue_sources")


@dataclass
class QueueFilters:
    """The queue's filters, read from and written back to the URL (plain GET: they work without JS)."""

    bassin: int | None = None
    operateur: str = ""
    motif: str = ""
    nom: str = ""

    @classmethod
    def from_args(cls, args: MultiDict) -> "QueueFilters":
        operator = args.get("operateur", "")
        reason = args.get("motif", "")
        return cls(
            bassin=args.get("bassin", type=database_int),
            operateur=operator if operator in {kind.value for kind in OperatorKind} else "",
            motif=reason if reason in {r.value for r in QueueReason} else "",
            nom=args.get("nom", "").replace("\x00", "").strip()[:200],
        )

    def as_args(self, **changes) -> dict:
        return {key: value for key, value in {**asdict(self), **changes}.items() if value}

    @property
    def is_set(self) -> bool:
        return bool(self.operateur or self.motif or self.nom)


def _rule_points_at(kind: OperatorKind) -> sa.Exists:
    """Rule 3 in SQL (suggestions.operator_kind_for): the employer's latest open need points at ``kind``."""
    latest = aliased(RecruitmentNeed)
    latest_id = (
        sa.select(latest.id)
        .where(latest.employer_id == Employer.id, latest.status.in_(OPEN_STATUSES))
        .order_by(latest.identified_on.desc(), latest.id.desc())
        .limit(1)
        .correlate(Employer)
        .scalar_subquery()
    )
    # The first public of rule 3's order that the need targets decides (suggestions.deciding_public).
    order = list(OPERATOR_FOR_PUBLIC)
    levels = [level for level, of_kind in OPERATOR_FOR_QUALIFICATION.items() if of_kind is kind]
    decided_by_public = [
        sa.and_(_targets_any([public]), ~_targets_any(order[:rank]))
        for rank, public in enumerate(order)
        if OPERATOR_FOR_PUBLIC[public] is kind
    ]
    return sa.exists().where(
        RecruitmentNeed.id == latest_id,
        sa.or_(*decided_by_public, sa.and_(~_targets_any(order), RecruitmentNeed.qualification_level.in_(levels))),
    )


def _targets_any(publics: list) -> sa.ColumnElement[bool]:
    if not publics:
        return sa.false()
    return sa.exists().where(NeedPublic.need_id == RecruitmentNeed.id, NeedPublic.public.in_(publics))


def _basin_has_operator(kind: OperatorKind) -> sa.Exists:
    return sa.exists().where(
        operator_basins.c.basin_id == Employer.basin_id,
        operator_basins.c.operator_id == Operator.id,
        Operator.kind == kind,
        Operator.is_active.is_(True),
    )


def suggested_kind_is(kind: OperatorKind) -> sa.ColumnElement[bool]:
    """The employer's suggested operator is of ``kind``: what rule 3 points at, if the basin has one
    (France Travail otherwise), as suggestions.suggest_operator decides it."""
    specialised = [k for k in OperatorKind if k is not OperatorKind.FRANCE_TRAVAIL]
    if kind is OperatorKind.FRANCE_TRAVAIL:
        return sa.not_(sa.or_(*(sa.and_(_rule_points_at(k), _basin_has_operator(k)) for k in specialised)))
    return sa.and_(_rule_points_at(kind), _basin_has_operator(kind))


def queue_query(user: User, today: date, filters: QueueFilters | None = None) -> sa.Select:
    """Rows (Employer, since): employers without a privileged contact that need one, oldest first."""
    filters = filters or QueueFilters()
    basin_ids = _scoped_basin_ids(user, filters.bassin)
    sources = _queue_sources(today, basin_ids)
    grouped = (
        sa.select(sources.c.employer_id, sa.func.min(sources.c.since).label("since"))
        .group_by(sources.c.employer_id)
        .subquery("queued")
    )
    has_contact = sa.exists().where(Assignment.employer_id == Employer.id, Assignment.ended_at.is_(None))
    query = (
        sa.select(Employer, grouped.c.since)
        .join(grouped, grouped.c.employer_id == Employer.id)
        .where(~has_contact)
        .options(joinedload(Employer.basin))
        .order_by(grouped.c.since, Employer.id)
    )
    if basin_ids is not None:
        query = query.where(Employer.basin_id.in_(basin_ids))
    if filters.motif:
        query = query.where(Employer.id.in_(sa.select(sources.c.employer_id).where(sources.c.reason == filters.motif)))
    for word in normalize_for_search(filters.nom).split()[:8]:
        query = query.where(Employer.search_name.contains(word, autoescape=True))
    if filters.operateur:
        query = query.where(suggested_kind_is(OperatorKind(filters.operateur)))
    return query


@dataclass
class QueueRow:
    employer: Employer
    since: datetime
    reasons: list[QueueReason]
    need: RecruitmentNeed | None
    operator: OperatorSuggestion
    adviser: MemberLoad | None
    choices: list[MemberLoad] = field(default_factory=list)


def member_loads(basin_ids: list[int]) -> dict[int, list[MemberLoad]]:
    """Per basin, its task force's members with their current portfolio size (one query)."""
    if not basin_ids:
        return {}
    load = (
        sa.select(sa.func.count())
        .where(Assignment.adviser_id == TaskForceMember.user_id, Assignment.ended_at.is_(None))
        .correlate(TaskForceMember)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(TaskForceMember, TaskForce.basin_id, load)
        .join(TaskForce, TaskForce.id == TaskForceMember.task_force_id)
        .where(TaskForce.basin_id.in_(basin_ids))
        .options(joinedload(TaskForceMember.user).joinedload(User.operator))
    )
    loads: dict[int, list[MemberLoad]] = {}
    for member, basin_id, count in rows:
        loads.setdefault(basin_id, []).append(
            MemberLoad(user=member.user, load=count, capacity=member.capacity, absent_until=member.absent_until)
        )
    for members in loads.values():
        members.sort(key=lambda m: (m.user.operator.name if m.user.operator else "", m.user.full_name))
    return loads


def _queue_rows(items: list[tuple[Employer, datetime | None]], today: date) -> list[QueueRow]:
    """Each employer with its reasons, suggested operator and adviser, and the advisers on offer
    (a fixed number of queries, whatever the number of employers)."""
    employers = [employer for employer, _ in items]
    ids = [employer.id for employer in employers]
    latest_need: dict[int, RecruitmentNeed] = {}
    for need in db.session.scalars(
        sa.select(RecruitmentNeed)
        .where(RecruitmentNeed.employer_id.in_(ids), RecruitmentNeed.status.in_(OPEN_STATUSES))
        .options(selectinload(RecruitmentNeed.public_rows))
        .order_by(RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc())
    ):
        latest_need.setdefault(need.employer_id, need)
    basin_ids = sorted({employer.basin_id for employer in employers})
    sources = _queue_sources(today, basin_ids)
    reasons: dict[int, list[QueueReason]] = {}
    for employer_id, reason in db.session.execute(
        sa.select(sources.c.employer_id, sources.c.reason)
        .where(sources.c.employer_id.in_(ids))
        .distinct()
        .order_by(sources.c.reason)
    ):
        reasons.setdefault(employer_id, []).append(QueueReason(reason))
    operators = list(
        db.session.scalars(sa.select(Operator).options(selectinload(Operator.basins)).order_by(Operator.name))
    )
    loads = member_loads(basin_ids)
    rows = []
    for employer, since in items:
        basin_operators = [op for op in operators if any(b.id == employer.basin_id for b in op.basins)]
        need = latest_need.get(employer.id)
        operator = suggest_operator(need, basin_operators)
        members = loads.get(employer.basin_id, [])
        rows.append(
            QueueRow(
                employer=employer,
                since=since,
                reasons=reasons.get(employer.id, []),
                need=need,
                operator=operator,
                adviser=suggest_adviser(operator.kind, members, today),
                # Those who can take employers, available first: a full or absent adviser stays
                # a choice (the lead decides, rule 3), a member with no capacity is none.
                choices=sorted(
                    (m for m in members if m.takes_employers),
                    key=lambda m: not m.is_available_on(today),
                ),
            )
        )
    return rows


def queue_page(user: User, today: date, page_number: int | None, filters: QueueFilters | None = None) -> Page:
    """One page of the queue, each row with its suggested operator and adviser (a fixed number of queries)."""
    page = paginate(queue_query(user, today, filters), page_number, scalars=False)
    page.items = _queue_rows([tuple(row) for row in page.items], today)
    return page


def queue_row_for(employer: Employer, today: date) -> QueueRow:
    """The queue's row of one employer, whether it waits in the queue or not (no reason then)."""
    sources = _queue_sources(today, [employer.basin_id])
    since = db.session.scalar(sa.select(sa.func.min(sources.c.since)).where(sources.c.employer_id == employer.id))
    return _queue_rows([(employer, since)], today)[0]


def visible_task_forces(user: User) -> sa.Select:
    query = sa.select(TaskForce).options(joinedload(TaskForce.basin)).order_by(TaskForce.name)
    if not user.sees_all_basins:
        query = query.where(TaskForce.basin_id.in_(user.basin_ids))
    return query


def get_visible_task_force(user: User, task_force_id: int) -> TaskForce | None:
    return db.session.scalar(visible_task_forces(user).where(TaskForce.id == task_force_id))


def get_visible_member(user: User, member_id: int) -> TaskForceMember | None:
    """A member of a task force the user may see."""
    member = db.session.get(TaskForceMember, member_id)
    if member is None or get_visible_task_force(user, member.task_force_id) is None:
        return None
    return member


def task_force_candidates(task_force: TaskForce) -> list[User]:
    """The active users who may join the task force and are not in it yet, by name."""
    current = {member.user_id for member in task_force.members}
    candidates = db.session.scalars(
        sa.select(User)
        .where(
            User.is_active.is_(True),
            User.role.in_(ASSIGNABLE_ROLES),
            User.basins.any(Basin.id == task_force.basin_id),
        )
        .options(joinedload(User.operator))
        .order_by(User.full_name)
    )
    return [user for user in candidates if user.id not in current]


@dataclass
class MemberRow:
    member: TaskForceMember
    portfolio: int
    open_needs: int
    overdue_follow_ups: int


def task_force_members(task_force: TaskForce, today: date) -> list[MemberRow]:
    """Each member with portfolio size, open needs of that portfolio and overdue follow-ups, in one query."""
    user_id = TaskForceMember.user_id
    portfolio = (
        sa.select(sa.func.count())
        .where(Assignment.adviser_id == user_id, Assignment.ended_at.is_(None))
        .correlate(TaskForceMember)
        .scalar_subquery()
    )
    open_needs = (
        sa.select(sa.func.count())
        .select_from(RecruitmentNeed)
        .join(
            Assignment,
            sa.and_(Assignment.employer_id == RecruitmentNeed.employer_id, Assignment.ended_at.is_(None)),
        )
        .where(Assignment.adviser_id == user_id, RecruitmentNeed.status.in_(OPEN_STATUSES))
        .correlate(TaskForceMember)
        .scalar_subquery()
    )
    overdue = (
        sa.select(sa.func.count())
        .where(FollowUp.owner_id == user_id, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on < today)
        .correlate(TaskForceMember)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(TaskForceMember, portfolio, open_needs, overdue)
        .join(User, User.id == TaskForceMember.user_id)
        .where(TaskForceMember.task_force_id == task_force.id)
        .options(joinedload(TaskForceMember.user).joinedload(User.operator))
        .order_by(TaskForceMember.is_lead.desc(), User.full_name)
    )
    return [MemberRow(member, p, n, o) for member, p, n, o in rows]


def pending_handovers(user: User) -> sa.Select:
    query = (
        sa.select(HandoverRequest)
        .join(Employer, Employer.id == HandoverRequest.employer_id)
        .where(HandoverRequest.status == HandoverStatus.PENDING)
        .options(
            joinedload(HandoverRequest.employer),
            joinedload(HandoverRequest.requested_by),
            joinedload(HandoverRequest.assignment).joinedload(Assignment.adviser),
        )
        .order_by(HandoverRequest.requested_at, HandoverRequest.id)
    )
    if not user.sees_all_basins:
        query = query.where(Employer.basin_id.in_(user.basin_ids))
    return query


def get_pending_handover(user: User, request_id: int) -> HandoverRequest | None:
    return db.session.scalar(pending_handovers(user).where(HandoverRequest.id == request_id))


def contact_history(employer_id: int) -> list[Assignment]:
    """The employer's privileged contacts, the latest first (the employer page shows them)."""
    return list(db.session.scalars(_contact_history_statement(), {"employer_id": employer_id}))


@functools.cache
def _contact_history_statement() -> sa.Select:
    # Built once per process and planned once, as each statement the employer page runs (app/employers/queries.py).
    return plan_once(
        sa.select(Assignment)
        .where(Assignment.employer_id == sa.bindparam("employer_id"))
        .options(joinedload(Assignment.adviser), joinedload(Assignment.operator), joinedload(Assignment.assigned_by))
        .order_by(Assignment.started_at.desc(), Assignment.id.desc())
    )


def pending_handover_for(employer_id: int) -> HandoverRequest | None:
    return db.session.scalar(_pending_handover_statement(), {"employer_id": employer_id})


@functools.cache
def _pending_handover_statement() -> sa.Select:
    return plan_once(
        sa.select(HandoverRequest).where(
            HandoverRequest.employer_id == sa.bindparam("employer_id"),
            HandoverRequest.status == HandoverStatus.PENDING,
        )
    )


def portfolio_size(user: User) -> int:
    """How many employers have the user as their active privileged contact."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assignment)
        .where(Assignment.adviser_id == user.id, Assignment.ended_at.is_(None))
    )


def members_over_capacity(user: User) -> sa.Select:
    """Rows (TaskForceMember, load): the active members of the user's task forces who hold more
    employers than the capacity their lead gave them, the most overloaded first."""
    load = (
        sa.select(sa.func.count())
        .where(Assignment.adviser_id == TaskForceMember.user_id, Assignment.ended_at.is_(None))
        .correlate(TaskForceMember)
        .scalar_subquery()
    )
    query = (
        sa.select(TaskForceMember, load)
        .join(TaskForce, TaskForce.id == TaskForceMember.task_force_id)
        .join(User, User.id == TaskForceMember.user_id)
        .where(User.is_active.is_(True), load > TaskForceMember.capacity)
        .options(contains_eager(TaskForceMember.user), contains_eager(TaskForceMember.task_force))
        .order_by((load - TaskForceMember.capacity).desc(), User.full_name, TaskForceMember.id)
    )
    if not user.sees_all_basins:
        query = query.where(TaskForce.basin_id.in_(user.basin_ids))
    return query
