"""The averages of a basin's département and région, shown beside the basin's headline figures.

Each is computed from the dashboard's own figures (``scope_figures``) over the open basins of the
territory, for the same period. A count (contacts, needs filled…) is the mean of the basins' figures:
the territory's total divided by its number of basins. A rate (fill rate, share, satisfaction) is the
ratio of the territory's sums — its filled needs over its closed needs —, so that each need weighs the
same whatever its basin; the median time to fill is the median of the territory's needs.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.dashboard.queries import BasinFigures, _employer_counts, basin_figures, scope_total
from app.dashboard.scopes import Period
from app.extensions import db
from app.referential.models import Basin

RATES = frozenset({"fill_rate_needs", "fill_rate_positions", "assigned_share", "satisfaction_average"})
MEDIAN = "time_to_fill_median"


@dataclass(frozen=True)
class TerritoryAverage:
    label: str
    basin_count: int
    figures: BasinFigures

    def value(self, name: str) -> float | None:
        """The territory's average of one figure: a name of BasinFigures, or ``time_to_fill_median``."""
        if name == MEDIAN:
            return self.figures.time_to_fill.get("median")
        value = getattr(self.figures, name)
        if name in RATES or value is None or not self.basin_count:
            return value
        return value / self.basin_count


def territory_averages(basin: Basin, period: Period, with_median: bool = True) -> list[TerritoryAverage]:
    """The département's and the région's averages (their open basins, the basin itself included).

    The région's basins are read once, their figures in one grouped pass (``basin_figures``), and each
    territory adds its own up; ``with_median`` computes each territory's median time to fill (one
    more statement each)."""
    rows = db.session.execute(
        sa.select(Basin.id, Basin.departement_code).where(
            Basin.region_code == basin.region_code, sa.or_(Basin.closed_on.is_(None), Basin.id == basin.id)
        )
    ).all()
    region_ids = [basin_id for basin_id, _ in rows]
    departement_ids = [basin_id for basin_id, code in rows if code == basin.departement_code]
    per_basin = basin_figures(region_ids, period, _employer_counts(region_ids))
    territories = (
        (f"Moyenne des bassins du département ({basin.departement.name})", departement_ids),
        (f"Moyenne des bassins de la région ({basin.region.name})", region_ids),
    )
    averages = []
    for label, basin_ids in territories:
        members = {basin_id: per_basin[basin_id] for basin_id in basin_ids}
        total = scope_total(members, basin_ids if with_median else [], period)
        averages.append(TerritoryAverage(label, len(basin_ids), total))
    return averages
