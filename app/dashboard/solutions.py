"""Solutions delivered: the services mobilised for employers, counted by status, family and service.

Each figure is defined once, as the mobilisations that make it (``FIGURES``, like every dashboard
figure): the dashboard, the drill-down, the monthly report and the plan's indicators read them.

A mobilisation belongs to a period when it was proposed in it or delivered in it (``mobilised_in``);
it is counted once, under its current status. « Solutions apportées » are the mobilisations
delivered in the period (``delivered_in``). « POE présentées aux TPE » are the POE (POEI, POEC)
proposed in the period to an employer of fewer than 10 employees (``poe_to_small_employers``).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.dashboard.queries import _RECORD_LISTS, FIGURES, Figure
from app.dashboard.scopes import Period
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import MobilisationStatus, ServiceFamily
from app.needs.models import ServiceMobilisation, ServiceType
from app.needs.queries import delivered_between, mobilised_between, poe_to_small_employers_between

Mobilisation = ServiceMobilisation


def mobilised_in(period: Period):
    """Proposed or delivered within the period (each mobilisation once)."""
    return mobilised_between(period.start, period.end)


def delivered_in(period: Period):
    return delivered_between(period.start, period.end)


def poe_to_small_employers(period: Period):
    return poe_to_small_employers_between(period.start, period.end)


def mobilisations(basin_ids: list[int], *conditions) -> sa.Select:
    # A mobilisation carries its employer's basin (ix_service_mobilisations_basin_id_*).
    return sa.select(Mobilisation.id.label("record_id"), Mobilisation.basin_id.label("basin_id")).where(
        Mobilisation.basin_id.in_(basin_ids), *conditions
    )


def _key_condition(key: str):
    """The part of the period's mobilisations a dashboard cell shows: ``status:…``, ``family:…`` or ``type:<id>``."""
    kind, _, value = key.partition(":")
    if kind == "status":
        return Mobilisation.status == MobilisationStatus(value)
    if kind == "family":
        return Mobilisation.service_type_id.in_(
            sa.select(ServiceType.id).where(ServiceType.family == ServiceFamily(value))
        )
    if kind == "type":
        return Mobilisation.service_type_id == int(value)
    if key:
        raise ValueError(key)
    return sa.true()


FIGURES.update(
    {
        "solutions": Figure(
            "mobilisations",
            "Solutions mobilisées sur la période (proposées ou réalisées)",
            lambda b, p, k: mobilisations(b, mobilised_in(p), _key_condition(k)),
            keyed=True,
        ),
        "solutions_delivered": Figure(
            "mobilisations",
            "Solutions apportées (réalisées) sur la période",
            lambda b, p, k: mobilisations(b, delivered_in(p)),
        ),
        "poe_small_employers": Figure(
            "mobilisations",
            "POE présentées aux TPE (moins de 10 salariés) sur la période",
            lambda b, p, k: mobilisations(b, poe_to_small_employers(p)),
        ),
    }
)
_RECORD_LISTS["mobilisations"] = lambda ids: (
    sa.select(Mobilisation)
    .where(Mobilisation.id.in_(ids))
    .options(
        joinedload(Mobilisation.employer).joinedload(Employer.basin),
        joinedload(Mobilisation.service_type),
        joinedload(Mobilisation.need),
    )
    .order_by(Mobilisation.proposed_on, Mobilisation.id)
)


class ServiceRow(NamedTuple):
    """A service of the catalogue as the dashboard lists it, with its counts."""

    id: int
    label: str
    family: ServiceFamily
    mobilised: int
    delivered: int


@dataclass
class SolutionFigures:
    """The scope's solutions over a period; each count is a figure of FIGURES (its drill-down)."""

    mobilised: int = 0
    delivered: int = 0
    hires: int = 0  # the hires of the solutions delivered in the period
    poe_small_employers: int = 0
    by_status: dict[MobilisationStatus, int] = field(default_factory=lambda: dict.fromkeys(MobilisationStatus, 0))
    by_family: dict[ServiceFamily, int] = field(default_factory=lambda: dict.fromkeys(ServiceFamily, 0))
    by_type: list[ServiceRow] = field(default_factory=list)  # the most mobilised first


def solution_figures(basin_ids: list[int], period: Period) -> SolutionFigures:
    """Every solutions figure of the scope, from one grouped pass over the period's mobilisations
    (each column repeats the condition of its figure in FIGURES)."""
    figures = SolutionFigures()
    if not basin_ids:
        return figures
    delivered = delivered_in(period)
    rows = db.session.execute(
        sa.select(
            ServiceType.id,
            ServiceType.label,
            ServiceType.family,
            Mobilisation.status,
            sa.func.count(),
            sa.func.count().filter(delivered),
            sa.func.coalesce(sa.func.sum(Mobilisation.hires).filter(delivered), 0),
            sa.func.count().filter(poe_to_small_employers(period)),
        )
        .join(ServiceType, ServiceType.id == Mobilisation.service_type_id)
        .where(Mobilisation.basin_id.in_(basin_ids), mobilised_in(period))
        .group_by(ServiceType.id, ServiceType.label, ServiceType.family, Mobilisation.status)
    ).all()
    per_type: dict[int, ServiceRow] = {}
    for type_id, label, family, status, count, delivered_count, hires, poe in rows:
        figures.mobilised += count
        figures.delivered += delivered_count
        figures.hires += hires
        figures.poe_small_employers += poe
        figures.by_status[status] += count
        figures.by_family[family] += count
        seen = per_type.get(type_id, ServiceRow(type_id, label, family, 0, 0))
        per_type[type_id] = seen._replace(mobilised=seen.mobilised + count, delivered=seen.delivered + delivered_count)
    figures.by_type = sorted(per_type.values(), key=lambda row: (-row.mobilised, row.label))
    return figures


def solutions_for_report(basin_ids: list[int], period: Period) -> dict:
    """The month's solutions as the monthly report freezes them (JSON): the same figures as the dashboard."""
    figures = solution_figures(basin_ids, period)
    return {
        "mobilised": figures.mobilised,
        "delivered": figures.delivered,
        "hires": figures.hires,
        "poe_small_employers": figures.poe_small_employers,
        "by_family": {family.label: count for family, count in figures.by_family.items() if count},
        "by_status": {status.label: count for status, count in figures.by_status.items() if count},
    }
