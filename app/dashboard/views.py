from flask import abort, flash, render_template, request
from flask_login import current_user

from app.converters import database_int
from app.dashboard import bp
from app.dashboard.exports import dashboard_rows
from app.dashboard.page_figures import dashboard_figures
from app.dashboard.queries import FIGURES, figure_records
from app.dashboard.scopes import resolve_period, resolve_scope
from app.pagination import paginate
from app.replica import replica_reads
from app.spreadsheets import spreadsheet_response


def _scope_and_period(warn: bool = True):
    scope, choices = resolve_scope(current_user, request.args.get("perimetre"))
    period, error = resolve_period(request.args)
    if error and warn:  # a download shows no page: the warning would land on the next one
        flash(error, "warning")
    return scope, choices, period


@bp.route("/tableau-de-bord")
@replica_reads
def index():
    scope, choices, period = _scope_and_period()
    figures = dashboard_figures(list(scope.basins), period)
    query_args = {"perimetre": scope.value, "debut": period.start.isoformat(), "fin": period.end.isoformat()}
    return render_template(
        "dashboard/index.html", scope=scope, choices=choices, period=period, query_args=query_args, **vars(figures)
    )


@bp.route("/tableau-de-bord/detail")
@replica_reads
def drilldown():
    """The records behind one figure: the same rows the dashboard counted."""
    scope, _, period = _scope_and_period()
    figure = FIGURES.get(request.args.get("indicateur", ""))
    if figure is None:
        abort(400)  # a figure name that the dashboard never links to
    basins = list(scope.basins)
    basin_id = request.args.get("bassin", type=database_int)
    if basin_id is not None:
        basins = [basin for basin in basins if basin.id == basin_id]
        if not basins:
            abort(404)
    key = request.args.get("cle", "")[:40]
    try:
        records = figure_records(request.args["indicateur"], [basin.id for basin in basins], period, key)
    except (ValueError, TypeError):
        abort(400)
    page = paginate(records, request.args.get("page", type=database_int))
    return render_template(
        "dashboard/drilldown.html", figure=figure, page=page, scope=scope, period=period, basins=basins, key=key
    )


@bp.route("/tableau-de-bord/export.<fmt>")
@replica_reads
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    scope, _, period = _scope_and_period(warn=False)
    # The figures the page shows, kept or computed now: the file carries what the user just read.
    rows = dashboard_rows(dashboard_figures(list(scope.basins), period).dashboard, scope, period)
    filename = f"tableau-de-bord-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    return spreadsheet_response(rows, fmt, filename, "Indicateurs")
