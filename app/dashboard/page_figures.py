"""The dashboard page's figures, kept a minute per scope and period.

A scope's dashboard counts every employer, need and contact of its basins (17 statements, 57 ms of
PostgreSQL for 200,000 employers: bench/load_test.py), and the advisers and managers of a basin
open the same one many times an hour. Its figures already tolerate a few seconds of lag (the
replica, app/replica.py); kept ``DASHBOARD_CACHE_SECONDS`` they lag at most that much, and the page
says when they were computed. They hold numbers and labels only, no ORM row, so that they outlive
the request that computed them; the scope itself is checked on every request (app/dashboard/views.py),
so a kept scope is only ever shown to users who may see all of its basins.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError

from app.dashboard.averages import TerritoryAverage, territory_averages
from app.dashboard.inclusion import PublicHires, engaged_counts, hires_by_public
from app.dashboard.queries import AfterHire, Dashboard, after_hire_figures, build_dashboard
from app.dashboard.scopes import Period
from app.dashboard.solutions import SolutionFigures, solution_figures
from app.dashboard.sourcing import OperatorSourcing, sourcing_by_operator
from app.events.queries import EventTotals, event_totals_between_days
from app.extensions import cache
from app.referential.models import Basin
from app.timeutils import utcnow

logger = logging.getLogger(__name__)

# Part of every key: a deployment that changes these classes does not read the figures the previous one kept.
VERSION = 1


@dataclass
class DashboardFigures:
    """Everything the dashboard page shows for one scope and period (its template's names)."""

    dashboard: Dashboard
    event_totals: EventTotals
    solutions: SolutionFigures
    sourcing: list[OperatorSourcing]
    public_hires: list[PublicHires]
    engaged: dict[str, int]
    after_hire: AfterHire
    averages: list[TerritoryAverage]
    computed_at: datetime


def compute_dashboard_figures(basins: list[Basin], period: Period) -> DashboardFigures:
    basin_ids = [basin.id for basin in basins]
    return DashboardFigures(
        dashboard=build_dashboard(basins, period),
        event_totals=event_totals_between_days(basin_ids, period.start, period.end),
        solutions=solution_figures(basin_ids, period),
        sourcing=sourcing_by_operator(basin_ids, period),
        public_hires=hires_by_public(basin_ids, period),
        engaged=engaged_counts(basin_ids, period),
        after_hire=after_hire_figures(basins, period),
        # One basin: its département's and région's averages beside the headline (app/dashboard/averages.py).
        averages=territory_averages(basins[0], period) if len(basins) == 1 else [],
        computed_at=utcnow(),
    )


def cache_key(basin_ids: list[int], period: Period) -> str:
    basins = ",".join(str(basin_id) for basin_id in sorted(basin_ids))
    digest = hashlib.sha256(basins.encode()).hexdigest()[:32]  # a région's ids would make a long key
    return f"dashboard:{VERSION}:{digest}:{period.start.isoformat()}:{period.end.isoformat()}"


def dashboard_figures(basins: list[Basin], period: Period) -> DashboardFigures:
    """The scope's figures as kept less than ``DASHBOARD_CACHE_SECONDS`` ago, or computed now and kept.

    Without the cache's storage (Redis stopped), the figures are computed for each request, as
    with a duration of 0: the page stays up, only slower.
    """
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    if seconds <= 0:
        return compute_dashboard_figures(basins, period)
    key = cache_key([basin.id for basin in basins], period)
    try:
        kept = cache.get(key)
    except RedisError:
        logger.warning("tableau de bord : le cache ne répond pas, chiffres calculés pour cette page", exc_info=True)
        return compute_dashboard_figures(basins, period)
    if isinstance(kept, DashboardFigures):
        return kept
    figures = compute_dashboard_figures(basins, period)
    try:
        cache.set(key, figures, timeout=seconds)
    except RedisError:
        logger.warning("tableau de bord : le cache ne répond pas, chiffres non gardés", exc_info=True)
    return figures
