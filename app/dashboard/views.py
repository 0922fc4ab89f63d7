import sqlalchemy as sa
from flask import abort, flash, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.activity.models import Interaction
from app.dashboard import bp
from app.dashboard.exports import dashboard_rows
from app.dashboard.queries import FIGURES, build_dashboard, figure_rows
from app.dashboard.scopes import resolve_period, resolve_scope
from app.employers.models import Employer
from app.needs.exports import spreadsheet_response
from app.needs.models import RecruitmentNeed
from app.pagination import paginate


def _scope_and_period(warn: bool = True):
    scope, choices = resolve_scope(current_user, request.args.get("perimetre"))
    period, error = resolve_period(request.args)
    if error and warn:  # a download shows no page: the warning would land on the next one
        flash(error, "warning")
    return scope, choices, period


@bp.route("/tableau-de-bord")
def index():
    scope, choices, period = _scope_and_period()
    dashboard = build_dashboard(list(scope.basins), period)
    query_args = {"perimetre": scope.value, "debut": period.start.isoformat(), "fin": period.end.isoformat()}
    return render_template(
        "dashboard/index.html",
        dashboard=dashboard,
        scope=scope,
        choices=choices,
        period=period,
        query_args=query_args,
    )


RECORD_QUERIES = {
    "employers": lambda ids: (
        sa.select(Employer)
        .where(Employer.id.in_(ids))
        .options(joinedload(Employer.basin))
        .order_by(Employer.search_name, Employer.id)
    ),
    "needs": lambda ids: (
        sa.select(RecruitmentNeed)
        .where(RecruitmentNeed.id.in_(ids))
        .options(joinedload(RecruitmentNeed.employer).joinedload(Employer.basin))
        .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
    ),
    "interactions": lambda ids: (
        sa.select(Interaction)
        .where(Interaction.id.in_(ids))
        .options(joinedload(Interaction.employer), joinedload(Interaction.author))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    ),
}


@bp.route("/tableau-de-bord/detail")
def drilldown():
    """The records behind one figure: the same rows the dashboard counted."""
    scope, _, period = _scope_and_period()
    figure = FIGURES.get(request.args.get("indicateur", ""))
    if figure is None:
        abort(400)  # a figure name that the dashboard never links to
    basins = list(scope.basins)
    basin_id = request.args.get("bassin", type=int)
    if basin_id is not None:
        basins = [basin for basin in basins if basin.id == basin_id]
        if not basins:
            abort(404)
    key = request.args.get("cle", "")[:40]
    try:
        rows = figure_rows(request.args["indicateur"], [basin.id for basin in basins], period, key).subquery()
    except (ValueError, TypeError):
        abort(400)
    page = paginate(RECORD_QUERIES[figure.kind](sa.select(rows.c.record_id)), request.args.get("page", type=int))
    return render_template(
        "dashboard/drilldown.html", figure=figure, page=page, scope=scope, period=period, basins=basins, key=key
    )


@bp.route("/tableau-de-bord/export.<fmt>")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    scope, _, period = _scope_and_period(warn=False)
    rows = dashboard_rows(build_dashboard(list(scope.basins), period), scope, period)
    filename = f"tableau-de-bord-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    return spreadsheet_response(rows, fmt, filename, "Indicateurs")
