"""The averages of a basin's département and région, shown beside the basin's headline figures.

Each is computed from the dashboard's own figures (``basin_figures``, ``scope_total``) over the open
basins of the territory, for the same period. A count (contacts, needs filled…) is the mean of the
basins' figures: the territory's total divided by its number of basins. A rate (fill rate, share,
satisfaction) is the ratio of the territory's sums — its filled needs over its closed needs —, so that
each need weighs the same whatever its basin; the median time to fill is the median of the
territory's needs.

Computing them reads the whole région: at national scale (25 basins, 800,000 contacts a year) most of
a basin's page. They move little within an hour, so the ``territory_averages`` job keeps them, every
hour, for the periods the pages open on (the current quarter, the quarter so far, the previous
quarter), and a page reads those while they are less than ``KEPT_FOR`` old. Any other period, a
closed basin's page (which counts itself in), or a page before the job's first run computes them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.dashboard.models import TerritoryAverageSnapshot
from app.dashboard.queries import BasinFigures, basin_figures, scope_total
from app.dashboard.scopes import Period, quarter_of
from app.dialects import insert
from app.extensions import db
from app.referential.models import Basin, Region
from app.timeutils import utcnow

RATES = frozenset({"fill_rate_needs", "fill_rate_positions", "satisfaction_average"})
MEDIAN = "time_to_fill_median"
# The figures shown beside a basin's (the dashboard's comparison table, the manager's home page).
AVERAGED = ("contacted", "contacts", "with_need", "needs_filled", *sorted(RATES), MEDIAN)
# Older kept averages are computed again: the job runs hourly, so a page only computes them when it stopped.
KEPT_FOR = timedelta(hours=2)
# Kept averages of periods no page opens any more are deleted after this.
FORGOTTEN_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class TerritoryAverage:
    label: str
    basin_count: int
    figures: dict[str, float | None]
    # When they were computed, if kept by the job; None when computed for this page.
    computed_at: datetime | None = None

    def value(self, name: str) -> float | None:
        """The territory's average of one figure of ``AVERAGED``."""
        return self.figures.get(name)


def _averaged(total: BasinFigures, basin_count: int) -> dict[str, float | None]:
    figures: dict[str, float | None] = {MEDIAN: total.time_to_fill.get("median")}
    for name in AVERAGED:
        if name in RATES:
            figures[name] = getattr(total, name)
        elif name != MEDIAN:
            figures[name] = getattr(total, name) / basin_count
    return figures


def _departement_key(code: str) -> str:
    return f"departement:{code}"


def _region_key(code: str) -> str:
    return f"region:{code}"


def compute_averages(
    region_code: str, period: Period, departement_codes: list[str] | None = None, basin: Basin | None = None
) -> dict[str, tuple[int, dict[str, float | None]]]:
    """The région's averages and those of its départements (all, or ``departement_codes``): territory
    key -> (number of basins, figures). The région's open basins (and ``basin``, even closed) are read
    once, their figures in one grouped pass; each territory adds its own up and has its median."""
    counted = Basin.closed_on.is_(None) if basin is None else sa.or_(Basin.closed_on.is_(None), Basin.id == basin.id)
    rows = db.session.execute(
        sa.select(Basin.id, Basin.departement_code).where(Basin.region_code == region_code, counted)
    ).all()
    region_ids = [basin_id for basin_id, _ in rows]
    if not region_ids:
        return {}
    # Neither the employers nor the privileged contacts are averaged: no employer count is needed.
    per_basin = basin_figures(region_ids, period, [])
    territories = {_region_key(region_code): region_ids}
    for basin_id, code in rows:
        if departement_codes is None or code in departement_codes:
            territories.setdefault(_departement_key(code), []).append(basin_id)
    averages = {}
    for key, basin_ids in territories.items():
        total = scope_total({basin_id: per_basin[basin_id] for basin_id in basin_ids}, basin_ids, period)
        averages[key] = (len(basin_ids), _averaged(total, len(basin_ids)))
    return averages


def territory_averages(basin: Basin, period: Period) -> list[TerritoryAverage]:
    """The département's and the région's averages (their open basins, the basin itself included):
    as kept by the job when they are, computed here otherwise."""
    keys = [_departement_key(basin.departement_code), _region_key(basin.region_code)]
    labels = {
        keys[0]: f"Moyenne des bassins du département ({basin.departement.name})",
        keys[1]: f"Moyenne des bassins de la région ({basin.region.name})",
    }
    if basin.closed_on is None:
        kept = {
            snapshot.territory: snapshot
            for snapshot in db.session.scalars(
                sa.select(TerritoryAverageSnapshot).where(
                    TerritoryAverageSnapshot.territory.in_(keys),
                    TerritoryAverageSnapshot.period_start == period.start,
                    TerritoryAverageSnapshot.period_end == period.end,
                    TerritoryAverageSnapshot.computed_at >= utcnow() - KEPT_FOR,
                )
            )
        }
        if len(kept) == len(keys):
            return [
                TerritoryAverage(labels[key], kept[key].basin_count, kept[key].figures, kept[key].computed_at)
                for key in keys
            ]
    computed = compute_averages(basin.region_code, period, [basin.departement_code], basin)
    return [TerritoryAverage(labels[key], *computed[key]) for key in keys]


def periods_opened(today: date) -> list[Period]:
    """The periods the pages open on: the dashboard's (the current quarter), the manager's home page's
    (the quarter so far) and the previous quarter, which each quarter's review looks back on."""
    quarter = quarter_of(today)
    return [quarter, Period(quarter.start, today), quarter_of(quarter.start - timedelta(days=1))]


def keep_territory_averages(today: date) -> int:
    """Compute and keep every territory's averages for the periods pages open on; forget old ones.
    Returns the number of territories kept (per period)."""
    now = utcnow()
    table = TerritoryAverageSnapshot.__table__
    regions = db.session.scalars(
        sa.select(Region.code).where(sa.exists().where(Basin.region_code == Region.code, Basin.closed_on.is_(None)))
    ).all()
    kept = 0
    for region_code in regions:
        for period in periods_opened(today):
            for key, (basin_count, figures) in compute_averages(region_code, period).items():
                row = {"basin_count": basin_count, "figures": figures, "computed_at": now}
                upsert = insert(table).values(territory=key, period_start=period.start, period_end=period.end, **row)
                db.session.execute(
                    upsert.on_conflict_do_update(index_elements=["territory", "period_start", "period_end"], set_=row)
                )
                kept += 1
    db.session.execute(sa.delete(table).where(table.c.computed_at < now - FORGOTTEN_AFTER))
    return kept
