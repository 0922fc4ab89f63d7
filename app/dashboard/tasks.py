"""The dashboard's periodic job (listed and scheduled in app/scheduler/registry.py)."""

from datetime import datetime

from app.dashboard.averages import keep_territory_averages
from app.timeutils import to_paris


def keep_averages(now: datetime) -> dict[str, int]:
    """Every hour, the départements' and régions' averages for the periods pages open on."""
    return {"moyennes": keep_territory_averages(to_paris(now).date())}
