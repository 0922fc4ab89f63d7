"""The averages of a basin's département and région, shown beside the basin's headline figures.

Each is computed from the dashboard's own figures (``scope_figures``) over the open basins of the
territory, for the same period. A count (contacts, needs filled…) is the mean of the basins' figures:
the territory's total divided by its number of basins. A rate (fill rate, share, satisfaction) is the
ratio of the territory's sums — its filled needs over its closed needs —, so that each need weighs the
same whatever its basin; the median time to fill is the median of the territory's needs.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.dashboard.queries import BasinFigures, scope_figures
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


def territory_averages(basin: Basin, period: Period) -> list[TerritoryAverage]:
    """The département's and the région's averages (their open basins, the basin itself included)."""
    territories = (
        (
            f"Moyenne des bassins du département ({basin.departement.name})",
            Basin.departement_code == basin.departement_code,
        ),
        (f"Moyenne des bassins de la région ({basin.region.name})", Basin.region_code == basin.region_code),
    )
    averages = []
    for label, territory in territories:
        basin_ids = list(
            db.session.scalars(
                sa.select(Basin.id).where(territory, sa.or_(Basin.closed_on.is_(None), Basin.id == basin.id))
            )
        )
        averages.append(TerritoryAverage(label, len(basin_ids), scope_figures(basin_ids, period)))
    return averages
