"""The dashboard's figures as rows, for CSV and XLSX: one line per figure and basin.

A rate is a fraction (0.75), as every export writes it: 0,75 in the CSV, a number in the XLSX
(app/spreadsheets.py).
"""

from app.dashboard.queries import OPEN_AGE_THRESHOLDS, BasinFigures, Dashboard
from app.dashboard.scopes import Period, Scope

HEADER = ["Périmètre", "Début", "Fin", "Bassin", "Rubrique", "Indicateur", "Valeur"]


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _figure_lines(figures: BasinFigures) -> list[tuple[str, str, object]]:
    lines = [("Entonnoir", label, count) for _, label, count, _ in figures.funnel]
    lines += [
        ("Besoins", "Besoins ouverts sur la période", figures.needs_active),
        ("Besoins", "Besoins clôturés pourvus ou non pourvus", figures.needs_decided),
        ("Besoins", "Besoins pourvus", figures.needs_filled),
        ("Besoins", "Besoins non pourvus", figures.needs_not_filled),
        ("Besoins", "Besoins annulés", figures.needs_cancelled),
        ("Besoins", "Taux de pourvoi (besoins)", _rounded(figures.fill_rate_needs)),
        ("Besoins", "Postes des besoins clôturés", figures.positions_decided),
        ("Besoins", "Postes pourvus", figures.positions_filled),
        ("Besoins", "Taux de pourvoi (postes)", _rounded(figures.fill_rate_positions)),
        ("Besoins", "Délai de pourvoi médian (jours)", _rounded(figures.time_to_fill.get("median"), 1)),
        ("Besoins", "Délai de pourvoi, 80e centile (jours)", _rounded(figures.time_to_fill.get("p80"), 1)),
    ]
    lines += [
        ("Besoins", f"Besoins ouverts depuis plus de {days} jours", figures.open_over[days])
        for days in OPEN_AGE_THRESHOLDS
    ]
    lines += [
        ("Activité", "Échanges sur la période", figures.contacts),
        ("Activité", "Entreprises avec un interlocuteur privilégié", figures.assigned),
        ("Activité", "Part des entreprises avec un interlocuteur privilégié", _rounded(figures.assigned_share)),
        ("Satisfaction", "Réponses", figures.satisfaction_answers),
        ("Satisfaction", "Note moyenne (sur 5)", _rounded(figures.satisfaction_average, 2)),
    ]
    return lines


def dashboard_rows(dashboard: Dashboard, scope: Scope, period: Period) -> list[list]:
    prefix = [scope.label, period.start, period.end]
    rows = [HEADER]
    for figures in [dashboard.total, *dashboard.basins]:
        basin_name = figures.basin.name if figures.basin is not None else "Tout le périmètre"
        rows += [[*prefix, basin_name, *line] for line in _figure_lines(figures)]
    rows += [
        [*prefix, "Tout le périmètre", "Besoins par étape", status.label, n] for status, n in dashboard.stages.items()
    ]
    rows += [[*prefix, "Tout le périmètre", "Échanges par canal", ch.label, n] for ch, n in dashboard.channels.items()]
    rows += [[*prefix, "Tout le périmètre", "Échanges par opérateur", name, n] for _, name, n in dashboard.operators]
    rows += [
        [*prefix, "Tout le périmètre", "Échanges par semaine", f"Semaine du {monday:%d/%m/%Y}", n]
        for monday, n in dashboard.weeks
    ]
    rows += [
        [*prefix, "Tout le périmètre", "Interlocuteurs privilégiés par opérateur", name, n]
        for _, name, n in dashboard.assignments
    ]
    rows += [
        [*prefix, "Tout le périmètre", "Satisfaction", f"Note {score}", n]
        for score, n in dashboard.satisfaction.items()
    ]
    return rows
