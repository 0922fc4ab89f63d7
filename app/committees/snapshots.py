"""The dashboard of a basin frozen at a meeting's date: the figures the committee read, kept as they were.

The figures are the dashboard's own (``app.dashboard.queries.scope_figures``), over the quarter up to
the meeting's day, computed once when the meeting is recorded and stored as JSON: later data (a need
closed the day after, a contact entered late) never changes what the committee saw.
"""

from datetime import date

from app.dashboard.queries import scope_figures
from app.dashboard.scopes import Period, quarter_of
from app.formatting import days, number, percent
from app.timeutils import utcnow

# (name, label, kind): a name of BasinFigures (or "time_to_fill_median"); kind says how it reads.
SNAPSHOT_FIGURES = (
    ("employers", "Entreprises du bassin", "count"),
    ("contacted", "Entreprises contactées", "count"),
    ("contacts", "Échanges avec les entreprises", "count"),
    ("with_need", "Entreprises avec un besoin identifié", "count"),
    ("needs_active", "Besoins ouverts sur la période", "count"),
    ("needs_filled", "Besoins pourvus", "count"),
    ("needs_not_filled", "Besoins non pourvus", "count"),
    ("fill_rate_needs", "Taux de pourvoi (besoins)", "rate"),
    ("fill_rate_positions", "Taux de pourvoi (postes)", "rate"),
    ("time_to_fill_median", "Délai de pourvoi médian", "days"),
    ("assigned_share", "Part des entreprises avec un interlocuteur privilégié", "rate"),
)
FORMATS = {"count": number, "rate": percent, "days": days}


def snapshot_period(held_on: date) -> Period:
    return Period(quarter_of(held_on).start, held_on)


def take_snapshot(basin_id: int, held_on: date) -> dict:
    period = snapshot_period(held_on)
    figures = scope_figures([basin_id], period)
    values = {name: getattr(figures, name) for name, _, _ in SNAPSHOT_FIGURES if name != "time_to_fill_median"}
    values["time_to_fill_median"] = figures.time_to_fill.get("median")
    return {
        "period": [period.start.isoformat(), period.end.isoformat()],
        "taken_at": utcnow().isoformat(),
        "figures": values,
    }


def snapshot_dates(snapshot: dict) -> tuple[date, date] | None:
    """The period the stored figures cover."""
    period = snapshot.get("period")
    return (date.fromisoformat(period[0]), date.fromisoformat(period[1])) if period else None


def snapshot_rows(snapshot: dict) -> list[tuple[str, str]]:
    """(label, value in French) of a stored snapshot, in the dashboard's order."""
    values = snapshot.get("figures", {})
    return [(label, FORMATS[kind](values.get(name))) for name, label, kind in SNAPSHOT_FIGURES]
