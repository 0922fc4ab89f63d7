"""The dashboard's figures, computed in SQL and grouped by basin.

Each figure is defined ONCE, as the rows that make it (``FIGURES``): the dashboard
counts them, the drill-down lists them, so a figure and its list never disagree.
Employer-based counts add up across basins (an employer belongs to one basin), so
the scope's total is the sum of its basins; percentiles are computed per group in SQL.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.activity.enums import Channel
from app.activity.models import Interaction
from app.aftercare.enums import CheckKind, RetentionAnswer
from app.aftercare.models import EmployerSurvey, RetentionCheck
from app.assignments.models import Assignment
from app.auth.models import User
from app.dashboard.scopes import Period
from app.dialects import days_between, elapsed_days, week_start
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import CLOSED_STATUSES, OPEN_STATUSES, NeedStatus
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.referential.models import Operator
from app.timeutils import PARIS, today_paris

OPEN_AGE_THRESHOLDS = (30, 60, 90)
# A need's fill rate counts the needs that reached an outcome; a cancelled need has none.
DECIDED_STATUSES = (NeedStatus.FILLED, NeedStatus.NOT_FILLED)
PERCENTILES = {"median": (1, 2), "p80": (4, 5)}


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- The rows behind each figure -------------------------------------------------------
# Each builder returns a SELECT whose first column is the id of the record listed in the
# drill-down (employer, need or interaction) and whose second is the basin.


def _employers(basin_ids: list[int]) -> sa.Select:
    return sa.select(Employer.id.label("record_id"), Employer.basin_id.label("basin_id")).where(
        Employer.basin_id.in_(basin_ids)
    )


def _needs(basin_ids: list[int], *conditions) -> sa.Select:
    # A need carries its employer's basin: no join to employers (ix_recruitment_needs_basin_id_*).
    return sa.select(RecruitmentNeed.id.label("record_id"), RecruitmentNeed.basin_id.label("basin_id")).where(
        RecruitmentNeed.basin_id.in_(basin_ids), *conditions
    )


def _needs_employers(basin_ids: list[int], *conditions) -> sa.Select:
    return sa.select(RecruitmentNeed.employer_id.label("record_id"), RecruitmentNeed.basin_id.label("basin_id")).where(
        RecruitmentNeed.basin_id.in_(basin_ids), *conditions
    )


def _interactions(basin_ids: list[int], period: Period, *conditions) -> sa.Select:
    # A contact carries its employer's basin: no join to employers (ix_interactions_dashboard_by_basin).
    return sa.select(Interaction.id.label("record_id"), Interaction.basin_id.label("basin_id")).where(
        Interaction.basin_id.in_(basin_ids), Interaction.occurred_on.between(period.start, period.end), *conditions
    )


def identified_in(period: Period):
    return RecruitmentNeed.identified_on.between(period.start, period.end)


def active_in(period: Period):
    """Open at some point of the period: identified by its end, not closed before its start."""
    return sa.and_(
        RecruitmentNeed.identified_on <= period.end,
        sa.or_(RecruitmentNeed.closed_on.is_(None), RecruitmentNeed.closed_on >= period.start),
    )


def closed_in(period: Period, statuses=DECIDED_STATUSES):
    return sa.and_(RecruitmentNeed.status.in_(statuses), RecruitmentNeed.closed_on.between(period.start, period.end))


def hire_in(period: Period):
    """Closed in the period with at least one position filled (filled, or partly filled then closed)."""
    return sa.and_(
        RecruitmentNeed.status.in_(DECIDED_STATUSES),
        RecruitmentNeed.closed_on.between(period.start, period.end),
        RecruitmentNeed.positions_filled >= 1,
    )


def reference_day(period: Period) -> date:
    """Ages of open needs are measured at the end of the period, or today if it is not over."""
    return min(period.end, today_paris())


def open_for_more_than(days: int, period: Period):
    return sa.and_(
        RecruitmentNeed.status.in_(OPEN_STATUSES),
        RecruitmentNeed.identified_on < reference_day(period) - timedelta(days=days),
    )


def _operator_condition(key: str):
    if key == "none":
        return User.operator_id.is_(None)
    return User.operator_id == int(key)


@dataclass(frozen=True)
class Figure:
    """The records behind one figure: their kind and how to select them."""

    kind: str  # "employers", "needs" or "interactions"
    label: str
    rows: Callable[[list[int], Period, str], sa.Select]
    keyed: bool = False


def _interactions_by_key(basin_ids: list[int], period: Period, key: str) -> sa.Select:
    kind, _, value = key.partition(":")
    if kind == "channel":
        return _interactions(basin_ids, period, Interaction.channel == Channel(value))
    if kind == "operator":
        return _interactions(basin_ids, period, _operator_condition(value)).join(User, User.id == Interaction.author_id)
    if kind == "week":
        monday = date.fromisoformat(value)
        return _interactions(basin_ids, period, Interaction.occurred_on.between(monday, monday + timedelta(days=6)))
    return _interactions(basin_ids, period)


def _assigned_employers(basin_ids: list[int], operator: str = "") -> sa.Select:
    query = _employers(basin_ids).join(
        Assignment, sa.and_(Assignment.employer_id == Employer.id, Assignment.ended_at.is_(None))
    )
    return query.where(Assignment.operator_id == int(operator)) if operator else query


FIGURES: dict[str, Figure] = {
    "employers": Figure("employers", "Entreprises du périmètre", lambda b, p, k: _employers(b)),
    "contacted": Figure(
        "employers",
        "Entreprises contactées sur la période",
        lambda b, p, k: _interactions(b, p).with_only_columns(
            Interaction.employer_id.label("record_id"), Interaction.basin_id.label("basin_id")
        ),
    ),
    "with_need": Figure(
        "employers",
        "Entreprises avec un besoin identifié sur la période",
        lambda b, p, k: _needs_employers(b, identified_in(p)),
    ),
    "followed": Figure(
        "employers",
        "Entreprises suivies (besoin ouvert sur la période)",
        lambda b, p, k: _needs_employers(b, active_in(p)),
    ),
    "hired": Figure(
        "employers",
        "Entreprises avec au moins une embauche sur la période",
        lambda b, p, k: _needs_employers(b, hire_in(p)),
    ),
    "needs_stage": Figure(
        "needs",
        "Besoins ouverts sur la période, par étape actuelle",
        lambda b, p, k: _needs(b, active_in(p), RecruitmentNeed.status == NeedStatus(k)),
        keyed=True,
    ),
    "needs_active": Figure("needs", "Besoins ouverts sur la période", lambda b, p, k: _needs(b, active_in(p))),
    "needs_decided": Figure(
        "needs", "Besoins clôturés pourvus ou non pourvus sur la période", lambda b, p, k: _needs(b, closed_in(p))
    ),
    "needs_filled": Figure(
        "needs", "Besoins pourvus sur la période", lambda b, p, k: _needs(b, closed_in(p, (NeedStatus.FILLED,)))
    ),
    "needs_not_filled": Figure(
        "needs", "Besoins non pourvus sur la période", lambda b, p, k: _needs(b, closed_in(p, (NeedStatus.NOT_FILLED,)))
    ),
    "needs_cancelled": Figure(
        "needs", "Besoins annulés sur la période", lambda b, p, k: _needs(b, closed_in(p, (NeedStatus.CANCELLED,)))
    ),
    "open_over": Figure(
        "needs",
        "Besoins ouverts depuis plus de N jours",
        lambda b, p, k: _needs(b, open_for_more_than(int(k), p)),
        keyed=True,
    ),
    "satisfaction": Figure(
        "needs",
        "Besoins clôturés sur la période avec une satisfaction recueillie",
        lambda b, p, k: _needs(
            b, closed_in(p, tuple(CLOSED_STATUSES)), RecruitmentNeed.satisfaction_score.is_not(None)
        ),
    ),
    "contacts": Figure("interactions", "Échanges sur la période", _interactions_by_key),
    "assigned": Figure(
        "employers", "Entreprises avec un interlocuteur privilégié", lambda b, p, k: _assigned_employers(b, k)
    ),
}


def figure_rows(name: str, basin_ids: list[int], period: Period, key: str = "") -> sa.Select:
    return FIGURES[name].rows(basin_ids, period, key)


# How the drill-down lists each kind of record: what a row shows loaded, in a stable order.
_RECORD_LISTS = {
    "employers": lambda ids: (
        sa.select(Employer)
        .where(Employer.id.in_(ids))
        .options(joinedload(Employer.basin))
        .order_by(Employer.search_name, Employer.id)
    ),
    "needs": lambda ids: (
        sa.select(RecruitmentNeed)
        .where(RecruitmentNeed.id.in_(ids))
        .options(joinedload(RecruitmentNeed.employer).joinedload(Employer.basin))
        .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
    ),
    "interactions": lambda ids: (
        sa.select(Interaction)
        .where(Interaction.id.in_(ids))
        .options(joinedload(Interaction.employer), joinedload(Interaction.author))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    ),
}


def figure_records(name: str, basin_ids: list[int], period: Period, key: str = "") -> sa.Select:
    """The records behind one figure, for the drill-down: the same rows the dashboard counted.

    Raises ValueError or TypeError for a key that the figure cannot read.
    """
    rows = figure_rows(name, basin_ids, period, key).subquery()
    return _RECORD_LISTS[FIGURES[name].kind](sa.select(rows.c.record_id))


# --- Aggregates ----------------------------------------------------------------------


def percentiles_by_group(values: sa.Select) -> dict[object, dict[str, float]]:
    """Median and 80th percentile (interpolated, as PostgreSQL's percentile_cont) per group.

    ``values`` has two columns, ``grp`` and ``value``. Only the one or two ranks each
    percentile needs are fetched: row_number() and count() over each group, filtered in SQL.
    """
    sub = values.subquery()
    ranked = sa.select(
        sub.c.grp,
        sub.c.value,
        sa.func.row_number().over(partition_by=sub.c.grp, order_by=sub.c.value).label("rank"),
        sa.func.count().over(partition_by=sub.c.grp).label("n"),
    ).subquery()
    wanted = []
    for numerator, denominator in PERCENTILES.values():
        position = (ranked.c.n - 1) * numerator
        # Integer division on both databases: floor and ceiling of the 0-based position.
        wanted.append(ranked.c.rank == position // denominator + 1)
        wanted.append(ranked.c.rank == (position + denominator - 1) // denominator + 1)
    rows = db.session.execute(sa.select(ranked.c.grp, ranked.c.rank, ranked.c.n, ranked.c.value).where(sa.or_(*wanted)))
    by_group: dict[object, dict[int, float]] = {}
    sizes: dict[object, int] = {}
    for group, rank, n, value in rows:
        by_group.setdefault(group, {})[rank] = float(value)
        sizes[group] = n
    result = {}
    for group, values_at in by_group.items():
        n = sizes[group]
        result[group] = {}
        for name, (numerator, denominator) in PERCENTILES.items():
            position = (n - 1) * numerator / denominator
            low = int(position)
            high = low if position == low else low + 1
            low_value, high_value = values_at[low + 1], values_at[high + 1]
            result[group][name] = low_value + (position - low) * (high_value - low_value)
        result[group]["count"] = n
    return result


def _time_to_fill_values(basin_ids: list[int], period: Period, by_basin: bool) -> sa.Select:
    group = RecruitmentNeed.basin_id if by_basin else sa.literal(0)
    return sa.select(
        group.label("grp"), days_between(RecruitmentNeed.closed_on, RecruitmentNeed.identified_on).label("value")
    ).where(RecruitmentNeed.basin_id.in_(basin_ids), closed_in(period, (NeedStatus.FILLED,)))


class BasinLabel(NamedTuple):
    """A basin as its figures name it: plain values, which outlive the session (app/dashboard/page_figures.py)."""

    id: int
    name: str


@dataclass
class BasinFigures:
    """The key figures of one basin, or of the whole scope (basin is None)."""

    basin: object = None
    employers: int = 0
    contacted: int = 0
    with_need: int = 0
    followed: int = 0
    hired: int = 0
    needs_active: int = 0
    needs_decided: int = 0
    needs_filled: int = 0
    needs_not_filled: int = 0
    needs_cancelled: int = 0
    positions_decided: int = 0
    positions_filled: int = 0
    open_over: dict[int, int] = field(default_factory=lambda: dict.fromkeys(OPEN_AGE_THRESHOLDS, 0))
    contacts: int = 0
    assigned: int = 0
    satisfaction_answers: int = 0
    satisfaction_total: int = 0
    time_to_fill: dict[str, float] = field(default_factory=dict)
    stages: dict[NeedStatus, int] = field(default_factory=lambda: dict.fromkeys(NeedStatus, 0))
    scores: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))
    channels: dict[Channel, int] = field(default_factory=lambda: dict.fromkeys(Channel, 0))

    @staticmethod
    def _ratio(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def fill_rate_needs(self) -> float | None:
        return self._ratio(self.needs_filled, self.needs_decided)

    @property
    def fill_rate_positions(self) -> float | None:
        return self._ratio(self.positions_filled, self.positions_decided)

    @property
    def assigned_share(self) -> float | None:
        return self._ratio(self.assigned, self.employers)

    @property
    def satisfaction_average(self) -> float | None:
        return self._ratio(self.satisfaction_total, self.satisfaction_answers)

    @property
    def funnel(self) -> list[tuple[str, str, int, float | None]]:
        """(figure, label, count, conversion from the previous stage)."""
        stages = [
            ("employers", "Entreprises du périmètre", self.employers),
            ("contacted", "Contactées sur la période", self.contacted),
            ("with_need", "Avec un besoin identifié", self.with_need),
            ("followed", "Suivies (besoin ouvert)", self.followed),
            ("hired", "Avec une embauche", self.hired),
        ]
        result, previous = [], None
        for name, label, count in stages:
            result.append((name, label, count, None if previous is None else self._ratio(count, previous)))
            previous = count
        return result


SUMMED = (
    "employers",
    "assigned",
    "contacted",
    "contacts",
    "with_need",
    "followed",
    "hired",
    "needs_active",
    "needs_decided",
    "needs_filled",
    "needs_not_filled",
    "needs_cancelled",
    "positions_decided",
    "positions_filled",
    "satisfaction_answers",
    "satisfaction_total",
)
SUMMED_BY_KEY = ("open_over", "stages", "scores", "channels")


def _count_distinct_where(condition, column) -> sa.ColumnElement[int]:
    return sa.func.count(sa.distinct(sa.case((condition, column))))


def _sum_where(column, condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(column).filter(condition), 0)


def _employer_counts(basin_ids: list[int]) -> list[sa.Row]:
    """Employers and those with a privileged contact today, per basin and operator of that contact.

    Rows (basin, operator, employers, privileged contacts): the employers per basin (operator
    None), then the current privileged contacts per basin and operator, each read from its own
    index (a privileged contact carries its employer's basin); they give both the per-basin
    counts and the privileged contacts by operator (assignments_by_operator).
    """
    employers = sa.select(
        Employer.basin_id, sa.cast(sa.null(), sa.Integer), sa.func.count(), sa.literal(0, sa.Integer)
    ).where(Employer.basin_id.in_(basin_ids))
    assigned = sa.select(Assignment.basin_id, Assignment.operator_id, sa.literal(0, sa.Integer), sa.func.count()).where(
        Assignment.basin_id.in_(basin_ids), Assignment.ended_at.is_(None)
    )
    return db.session.execute(
        sa.union_all(
            employers.group_by(Employer.basin_id),
            assigned.group_by(Assignment.basin_id, Assignment.operator_id),
        )
    ).all()


def _interaction_counts(basin_ids: list[int], period: Period) -> sa.Select:
    """Contacts, employers contacted and contacts per channel, per basin: one pass over the period's contacts."""
    return (
        _interactions(basin_ids, period)
        .with_only_columns(
            Interaction.basin_id,
            sa.func.count(),
            sa.func.count(sa.distinct(Interaction.employer_id)),
            *[sa.func.count().filter(Interaction.channel == channel) for channel in Channel],
        )
        .group_by(Interaction.basin_id)
    )


def _need_counts(basin_ids: list[int], period: Period) -> sa.Select:
    """Every need figure per basin in one pass: each column repeats the condition of its figure (FIGURES).

    Every need a figure counts was open during the period (a need closed, or still open, in the
    period was identified by its end), so the pass reads only those.
    """
    need = RecruitmentNeed
    decided = closed_in(period)
    closed = closed_in(period, tuple(CLOSED_STATUSES))
    return (
        sa.select(
            need.basin_id,
            _count_distinct_where(identified_in(period), need.employer_id),
            sa.func.count(sa.distinct(need.employer_id)),
            _count_distinct_where(hire_in(period), need.employer_id),
            sa.func.count(),
            sa.func.count().filter(decided),
            *[sa.func.count().filter(closed_in(period, (status,))) for status in CLOSED_STATUSES_ORDER],
            _sum_where(need.positions, decided),
            _sum_where(need.positions_filled, decided),
            sa.func.count(need.satisfaction_score).filter(closed),
            _sum_where(need.satisfaction_score, closed),
            *[sa.func.count().filter(open_for_more_than(days, period)) for days in OPEN_AGE_THRESHOLDS],
            *[sa.func.count().filter(need.status == status) for status in NeedStatus],
            *[sa.func.count().filter(closed, need.satisfaction_score == score) for score in range(1, 6)],
        )
        .where(need.basin_id.in_(basin_ids), active_in(period))
        .group_by(need.basin_id)
    )


CLOSED_STATUSES_ORDER = (NeedStatus.FILLED, NeedStatus.NOT_FILLED, NeedStatus.CANCELLED)


def basin_figures(basin_ids: list[int], period: Period, employer_counts: list[sa.Row]) -> dict[int, BasinFigures]:
    """Every per-basin figure: the employer counts (_employer_counts), two grouped passes (contacts, needs), percentiles."""
    figures = {basin_id: BasinFigures(basin=basin_id) for basin_id in basin_ids}
    if not basin_ids:
        return figures
    for basin_id, _operator_id, employers, assigned in employer_counts:
        figures[basin_id].employers += employers
        figures[basin_id].assigned += assigned
    for basin_id, contacts, contacted, *channels in db.session.execute(_interaction_counts(basin_ids, period)):
        target = figures[basin_id]
        target.contacts, target.contacted = contacts, contacted
        target.channels = dict(zip(Channel, channels, strict=True))
    for row in db.session.execute(_need_counts(basin_ids, period)):
        values = iter(row)
        target = figures[next(values)]
        for name in ("with_need", "followed", "hired", "needs_active", "needs_decided"):
            setattr(target, name, next(values))
        target.needs_filled, target.needs_not_filled, target.needs_cancelled = next(values), next(values), next(values)
        target.positions_decided, target.positions_filled = next(values), next(values)
        target.satisfaction_answers, target.satisfaction_total = next(values), next(values)
        target.open_over = {days: next(values) for days in OPEN_AGE_THRESHOLDS}
        target.stages = {status: next(values) for status in NeedStatus}
        target.scores = {score: next(values) for score in range(1, 6)}
    for basin_id, values in percentiles_by_group(_time_to_fill_values(basin_ids, period, by_basin=True)).items():
        figures[basin_id].time_to_fill = values
    return figures


def scope_total(per_basin: dict[int, BasinFigures], basin_ids: list[int], period: Period) -> BasinFigures:
    """The scope's figures: the sum of its basins (an employer belongs to one basin), percentiles apart."""
    total = BasinFigures()
    for figures in per_basin.values():
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(figures, name))
        for name in SUMMED_BY_KEY:
            totals = getattr(total, name)
            for key, value in getattr(figures, name).items():
                totals[key] += value
    if basin_ids:
        total.time_to_fill = percentiles_by_group(_time_to_fill_values(basin_ids, period, by_basin=False)).get(0, {})
    return total


def scope_figures(basin_ids: list[int], period: Period) -> BasinFigures:
    """The scope's figures over a period, as the dashboard's total shows them: the monthly report
    takes the figures it shares with the dashboard from here, so that both say the same."""
    employer_counts = _employer_counts(basin_ids) if basin_ids else []
    return scope_total(basin_figures(basin_ids, period, employer_counts), basin_ids, period)


def average_days_per_stage(basin_ids: list[int], period: Period) -> dict[NeedStatus, tuple[float, int]]:
    """Average time spent at each stage, over the stage stretches that ended in the period."""
    next_change = (
        sa.func.lead(NeedStatusChange.changed_at)
        .over(partition_by=NeedStatusChange.need_id, order_by=(NeedStatusChange.changed_at, NeedStatusChange.id))
        .label("next_at")
    )
    spans = (
        sa.select(NeedStatusChange.to_status, NeedStatusChange.changed_at, next_change)
        .join(RecruitmentNeed, RecruitmentNeed.id == NeedStatusChange.need_id)
        # A stretch that ended in the period belongs to a need open during it.
        .where(RecruitmentNeed.basin_id.in_(basin_ids), active_in(period))
        .subquery()
    )
    # next_at is compared with the period's bounds as instants: from the first day's midnight UTC.
    start, end = _day_bounds(period)
    rows = db.session.execute(
        sa.select(spans.c.to_status, sa.func.avg(elapsed_days(spans.c.next_at, spans.c.changed_at)), sa.func.count())
        .where(spans.c.next_at >= start, spans.c.next_at < end)
        .group_by(spans.c.to_status)
    )
    return {status: (float(average), count) for status, average, count in rows}


def _day_bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, time.min, tzinfo=PARIS)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=PARIS)
    return start, end


def contacts_by_operator_and_week(
    basin_ids: list[int], period: Period
) -> tuple[list[tuple[str, str, int]], list[tuple[date, int]]]:
    """Contacts by the author's operator (busiest first) and by week, from one grouped pass."""
    # Count per author and day first (from the covering index, whose (basin, day, author) order
    # makes the grouping a single pass without sorting), then name operators and weeks on those
    # few grouped rows rather than on every contact.
    per_author_day = (
        _interactions(basin_ids, period)
        .with_only_columns(
            Interaction.author_id.label("author_id"),
            Interaction.occurred_on.label("day"),
            sa.func.count().label("contacts"),
        )
        .group_by(Interaction.basin_id, Interaction.occurred_on, Interaction.author_id)
        .subquery()
    )
    week = week_start(per_author_day.c.day).label("week")
    rows = db.session.execute(
        sa.select(User.operator_id, Operator.name, week, sa.func.sum(per_author_day.c.contacts))
        .join(User, User.id == per_author_day.c.author_id)
        .outerjoin(Operator, Operator.id == User.operator_id)
        .group_by(User.operator_id, Operator.name, week)
    ).all()
    operators: dict[tuple[str, str], int] = {}
    weeks: dict[date, int] = {}
    # A few dozen aggregated groups (operators × weeks), folded two ways.
    for operator_id, name, monday, count in rows:
        key = (str(operator_id) if operator_id else "none", name or "Sans opérateur")
        operators[key] = operators.get(key, 0) + count
        weeks[as_date(monday)] = weeks.get(as_date(monday), 0) + count
    by_operator = sorted(((key, name, n) for (key, name), n in operators.items()), key=lambda item: (-item[2], item[1]))
    return by_operator, sorted(weeks.items())


def assignments_by_operator(employer_counts: list[sa.Row]) -> list[tuple[str, str, int]]:
    """Privileged contacts by operator (most first), folded from the employer counts' few groups."""
    counts: dict[int, int] = {}
    for _basin_id, operator_id, _employers, assigned in employer_counts:
        if operator_id is not None:
            counts[operator_id] = counts.get(operator_id, 0) + assigned
    if not counts:
        return []
    names = dict(db.session.execute(sa.select(Operator.id, Operator.name).where(Operator.id.in_(list(counts)))).all())
    return sorted(
        ((str(operator_id), names[operator_id], n) for operator_id, n in counts.items()),
        key=lambda item: (-item[2], item[1]),
    )


@dataclass
class Dashboard:
    total: BasinFigures
    basins: list[BasinFigures]
    stage_days: dict[NeedStatus, tuple[float, int]]
    operators: list[tuple[str, str, int]]
    weeks: list[tuple[date, int]]
    assignments: list[tuple[str, str, int]]

    @property
    def stages(self) -> dict[NeedStatus, int]:
        return self.total.stages

    @property
    def channels(self) -> dict[Channel, int]:
        return self.total.channels

    @property
    def satisfaction(self) -> dict[int, int]:
        return self.total.scores


def build_dashboard(basins: list, period: Period) -> Dashboard:
    basin_ids = [basin.id for basin in basins]
    employer_counts = _employer_counts(basin_ids) if basin_ids else []
    per_basin = basin_figures(basin_ids, period, employer_counts)
    for basin in basins:
        per_basin[basin.id].basin = BasinLabel(basin.id, basin.name)
    operators, weeks = contacts_by_operator_and_week(basin_ids, period) if basin_ids else ([], [])
    return Dashboard(
        total=scope_total(per_basin, basin_ids, period),
        basins=[per_basin[basin.id] for basin in basins],
        stage_days=average_days_per_stage(basin_ids, period),
        operators=operators,
        weeks=weeks,
        assignments=assignments_by_operator(employer_counts),
    )


# The solutions delivered add their figures to FIGURES (app/dashboard/solutions.py).
# Figures kept in their own modules add themselves to FIGURES (they import this module's builders).
from app.dashboard import inclusion as _inclusion  # noqa: E402, F401
from app.dashboard import solutions  # noqa: E402, F401
from app.dashboard import sourcing as _sourcing  # noqa: E402, F401

# --- After the hire and the employer's voice (app/aftercare) ----------------------------------
# Retention rate = six-month checks answered "held" ÷ six-month checks answered, for the checks
# whose six months fall in the period. Survey response rate = surveys answered ÷ surveys sent in
# the period; the average score and the share who would recommend read the answered ones. Both
# per basin (the need's, the employer's) and per operator (the privileged contact's when the
# check was planned or the survey sent); the key of a keyed figure is an operator id or "none".


def _operator_key_condition(column, key: str):
    if not key:
        return sa.true()
    return column.is_(None) if key == "none" else column == int(key)


def _retention_checks(basin_ids: list[int], period: Period, key: str, *conditions) -> sa.Select:
    return (
        sa.select(RetentionCheck.need_id.label("record_id"), RecruitmentNeed.basin_id.label("basin_id"))
        .join(RecruitmentNeed, RecruitmentNeed.id == RetentionCheck.need_id)
        .where(
            RecruitmentNeed.basin_id.in_(basin_ids),
            RetentionCheck.kind == CheckKind.SIX_MONTHS,
            RetentionCheck.due_on.between(period.start, period.end),
            RetentionCheck.answer.is_not(None),
            _operator_key_condition(RetentionCheck.operator_id, key),
            *conditions,
        )
    )


def _surveys(basin_ids: list[int], period: Period, key: str, *conditions) -> sa.Select:
    start, end = _day_bounds(period)
    return sa.select(EmployerSurvey.id.label("record_id"), EmployerSurvey.basin_id.label("basin_id")).where(
        EmployerSurvey.basin_id.in_(basin_ids),
        EmployerSurvey.sent_at >= start,
        EmployerSurvey.sent_at < end,
        _operator_key_condition(EmployerSurvey.operator_id, key),
        *conditions,
    )


FIGURES.update(
    {
        "retention_answered": Figure(
            "needs",
            "Recrutements vérifiés à six mois (six mois atteints sur la période)",
            lambda b, p, k: _retention_checks(b, p, k),
            keyed=True,
        ),
        "retention_held": Figure(
            "needs",
            "Recrutements qui tiennent à six mois (toutes les personnes recrutées en poste)",
            lambda b, p, k: _retention_checks(b, p, k, RetentionCheck.answer == RetentionAnswer.HELD),
            keyed=True,
        ),
        "surveys_sent": Figure(
            "surveys", "Enquêtes de satisfaction envoyées aux employeurs sur la période", _surveys, keyed=True
        ),
        "surveys_answered": Figure(
            "surveys",
            "Enquêtes envoyées sur la période auxquelles l'employeur a répondu",
            lambda b, p, k: _surveys(b, p, k, EmployerSurvey.answered_at.is_not(None)),
            keyed=True,
        ),
        "surveys_recommending": Figure(
            "surveys",
            "Réponses d'employeurs qui recommanderaient le service",
            lambda b, p, k: _surveys(b, p, k, EmployerSurvey.would_recommend.is_(True)),
            keyed=True,
        ),
    }
)
_RECORD_LISTS["surveys"] = lambda ids: (
    sa.select(EmployerSurvey)
    .where(EmployerSurvey.id.in_(ids))
    .options(
        joinedload(EmployerSurvey.employer).joinedload(Employer.basin),
        joinedload(EmployerSurvey.need),
        joinedload(EmployerSurvey.event),
        joinedload(EmployerSurvey.operator),
    )
    .order_by(EmployerSurvey.sent_at.desc(), EmployerSurvey.id.desc())
)


@dataclass
class AfterHireFigures:
    """Retention and the employers' voice for one group (a basin, an operator, the scope)."""

    key: str = ""
    label: str = ""
    retention_answered: int = 0
    retention_held: int = 0
    surveys_sent: int = 0
    surveys_answered: int = 0
    surveys_recommending: int = 0
    score_total: int = 0

    @property
    def retention_rate(self) -> float | None:
        return BasinFigures._ratio(self.retention_held, self.retention_answered)

    @property
    def response_rate(self) -> float | None:
        return BasinFigures._ratio(self.surveys_answered, self.surveys_sent)

    @property
    def average_score(self) -> float | None:
        return BasinFigures._ratio(self.score_total, self.surveys_answered)

    @property
    def recommend_share(self) -> float | None:
        return BasinFigures._ratio(self.surveys_recommending, self.surveys_answered)

    def add(self, counts: dict[str, int]) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + int(value or 0))


@dataclass
class AfterHire:
    total: AfterHireFigures
    basins: list[AfterHireFigures]
    operators: list[AfterHireFigures]


AFTER_HIRE_COUNTS = (
    "retention_answered",
    "retention_held",
    "surveys_sent",
    "surveys_answered",
    "surveys_recommending",
    "score_total",
)


def after_hire_figures(basins: list, period: Period) -> AfterHire:
    """Every after-the-hire figure per basin and operator in one statement: the checks and the surveys
    grouped each on their own, side by side (UNION ALL), named by operator. Each column repeats the
    conditions of its figure above, so each count equals its drill-down."""
    total = AfterHireFigures()
    per_basin = {basin.id: AfterHireFigures(str(basin.id), basin.name) for basin in basins}
    per_operator: dict[str, AfterHireFigures] = {}
    basin_ids = list(per_basin)
    if basin_ids:
        zero = sa.literal(0)
        retention = (
            _retention_checks(basin_ids, period, "")
            .with_only_columns(
                RecruitmentNeed.basin_id.label("basin_id"),
                RetentionCheck.operator_id.label("operator_id"),
                sa.func.count().label("retention_answered"),
                sa.func.count().filter(RetentionCheck.answer == RetentionAnswer.HELD).label("retention_held"),
                zero.label("surveys_sent"),
                zero.label("surveys_answered"),
                zero.label("surveys_recommending"),
                zero.label("score_total"),
            )
            .group_by(RecruitmentNeed.basin_id, RetentionCheck.operator_id)
        )
        surveys = (
            _surveys(basin_ids, period, "")
            .with_only_columns(
                EmployerSurvey.basin_id,
                EmployerSurvey.operator_id,
                zero,
                zero,
                sa.func.count(),
                sa.func.count().filter(EmployerSurvey.answered_at.is_not(None)),
                sa.func.count().filter(EmployerSurvey.would_recommend.is_(True)),
                sa.func.coalesce(sa.func.sum(EmployerSurvey.score), 0),
            )
            .group_by(EmployerSurvey.basin_id, EmployerSurvey.operator_id)
        )
        groups = sa.union_all(retention, surveys).subquery()
        rows = db.session.execute(
            sa.select(groups, Operator.name).outerjoin(Operator, Operator.id == groups.c.operator_id)
        ).all()
        for row in rows:
            counts = {name: getattr(row, name) for name in AFTER_HIRE_COUNTS}
            key = str(row.operator_id) if row.operator_id else "none"
            label = row.name or "Sans interlocuteur privilégié"
            for figures in (total, per_basin[row.basin_id], per_operator.setdefault(key, AfterHireFigures(key, label))):
                figures.add(counts)
    return AfterHire(total, list(per_basin.values()), sorted(per_operator.values(), key=lambda f: f.label))
