"""The monthly report's after-the-hire tables: the dashboard's figures (``after_hire_figures``), frozen
as counts in the report and turned into rates when shown, so the report and the dashboard agree."""

import sqlalchemy as sa

from app.dashboard.queries import AFTER_HIRE_COUNTS, AfterHireFigures, after_hire_figures
from app.dashboard.scopes import Period
from app.extensions import db
from app.formatting import number, percent
from app.referential.models import Basin


def _counts(figures: AfterHireFigures) -> dict:
    return {"label": figures.label, **{name: getattr(figures, name) for name in AFTER_HIRE_COUNTS}}


def after_hire_month(basin_ids: list[int], period: Period) -> dict:
    basins = list(db.session.scalars(sa.select(Basin).where(Basin.id.in_(basin_ids)).order_by(Basin.name)))
    figures = after_hire_figures(basins, period)
    return {
        "total": _counts(figures.total),
        "operators": [_counts(row) for row in figures.operators],
        "basins": [_counts(row) for row in figures.basins],
    }


def _line(counts: dict) -> tuple[str, ...]:
    figures = AfterHireFigures(**counts)
    return (
        figures.label,
        f"{percent(figures.retention_rate)} ({number(figures.retention_held)} / {number(figures.retention_answered)})",
        f"{percent(figures.response_rate)} ({number(figures.surveys_answered)} / {number(figures.surveys_sent)})",
        f"{number(figures.average_score, 1)} / 5, {percent(figures.recommend_share)} recommandent"
        if figures.average_score is not None
        else "—",
    )


# Four columns, as the PDF's tables (report_pdf.py).
HEADER = ("Périmètre", "Maintien à six mois", "Réponses aux enquêtes", "Note des employeurs")


def after_hire_tables(frozen: dict | None) -> list[tuple[str, list[tuple[str, ...]], tuple[str, ...]]]:
    """(title, rows, header) of the report's after-the-hire tables; none for a report frozen before them."""
    if not frozen:
        return []
    return [
        (
            "Après l'embauche et avis des employeurs",
            [_line({**frozen["total"], "label": "Ensemble du périmètre"})],
            HEADER,
        ),
        (
            "Par opérateur de l'interlocuteur privilégié",
            [_line(row) for row in frozen["operators"]],
            ("Opérateur", *HEADER[1:]),
        ),
        *(
            [("Par bassin", [_line(row) for row in frozen["basins"]], ("Bassin", *HEADER[1:]))]
            if len(frozen["basins"]) > 1
            else []
        ),
    ]
