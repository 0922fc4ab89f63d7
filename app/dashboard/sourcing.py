"""Who sourced the hires: per operator, the needs closed in the period on which it proposed
candidates, how many of them were filled, and the hires it declared (app/needs/sourcing.py).

Each figure is a set of needs (FIGURES, keyed by the operator's id), so the drill-down lists them;
the table below sums the same rows per operator in one grouped query.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.converters import database_int
from app.dashboard.queries import FIGURES, Figure, _needs, closed_in
from app.dashboard.scopes import Period
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.models import RecruitmentNeed
from app.needs.sourcing import NeedSourcing
from app.referential.models import Operator


def _sourced_needs(basin_ids: list[int], period: Period, operator_key: str, *conditions) -> sa.Select:
    """Needs closed filled or not filled in the period, with the operator's counts on them."""
    return _needs(basin_ids, closed_in(period), *conditions).join(
        NeedSourcing,
        sa.and_(NeedSourcing.need_id == RecruitmentNeed.id, NeedSourcing.operator_id == database_int(operator_key)),
    )


SOURCED = NeedSourcing.proposed >= 1
FILLED = RecruitmentNeed.status == NeedStatus.FILLED
HIRED = NeedSourcing.hired >= 1

SOURCING_FIGURES = {
    "sourced_decided": Figure(
        "needs",
        "Besoins clôturés sur la période où l'opérateur a proposé des candidats",
        lambda b, p, k: _sourced_needs(b, p, k, SOURCED),
        keyed=True,
    ),
    "sourced_filled": Figure(
        "needs",
        "Besoins pourvus sur la période où l'opérateur a proposé des candidats",
        lambda b, p, k: _sourced_needs(b, p, k, SOURCED, FILLED),
        keyed=True,
    ),
    "sourced_hires": Figure(
        "needs",
        "Besoins clôturés sur la période avec des embauches sourcées par l'opérateur",
        lambda b, p, k: _sourced_needs(b, p, k, HIRED),
        keyed=True,
    ),
}
FIGURES.update(SOURCING_FIGURES)


@dataclass(frozen=True)
class OperatorSourcing:
    operator_id: int
    name: str
    proposed: int
    interviewed: int
    hired: int
    needs_sourced: int  # sourced_decided
    needs_filled: int  # sourced_filled
    needs_with_hires: int  # sourced_hires

    @property
    def fill_rate(self) -> float | None:
        return self.needs_filled / self.needs_sourced if self.needs_sourced else None

    @property
    def key(self) -> str:
        return str(self.operator_id)


def _count_where(condition) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((condition, 1)))


def sourcing_by_operator(basin_ids: list[int], period: Period) -> list[OperatorSourcing]:
    """Every operator's figures in one grouped query: the conditions of SOURCING_FIGURES, counted."""
    if not basin_ids:
        return []
    rows = db.session.execute(
        sa.select(
            Operator.id,
            Operator.name,
            sa.func.sum(NeedSourcing.proposed),
            sa.func.sum(NeedSourcing.interviewed),
            sa.func.sum(NeedSourcing.hired),
            _count_where(SOURCED),
            _count_where(sa.and_(SOURCED, FILLED)),
            _count_where(HIRED),
        )
        .select_from(NeedSourcing)
        .join(RecruitmentNeed, RecruitmentNeed.id == NeedSourcing.need_id)
        .join(Operator, Operator.id == NeedSourcing.operator_id)
        .where(RecruitmentNeed.basin_id.in_(basin_ids), closed_in(period))
        .group_by(Operator.id, Operator.name)
        .order_by(sa.func.sum(NeedSourcing.hired).desc(), Operator.name)
    )
    return [OperatorSourcing(*(int(value) if index != 1 else value for index, value in enumerate(row))) for row in rows]
