"""The dashboard's figures for a scope and a period, through the API: the very numbers of the page,
read by app/dashboard/queries.scope_figures within the scopes the client's account may pick."""

from flask import request
from marshmallow import EXCLUDE, fields

from app.api import bp
from app.api.authentication import current_client
from app.api.conventions import api_limit, json_response, load
from app.api.input_fields import text
from app.api.lookups import require_page_right
from app.api.openapi_parts import SECURED, json_content, problems
from app.api.problems import ApiProblem
from app.api.schemas import StrictSchema
from app.dashboard.queries import scope_figures
from app.dashboard.scopes import resolve_period, scope_choices

COUNTS = (
    "employers",
    "contacted",
    "with_need",
    "followed",
    "hired",
    "needs_active",
    "needs_decided",
    "needs_filled",
    "needs_not_filled",
    "needs_cancelled",
    "positions_decided",
    "positions_filled",
    "contacts",
    "assigned",
    "satisfaction_answers",
)
RATES = ("fill_rate_needs", "fill_rate_positions", "assigned_share")


class FiguresQuerySchema(StrictSchema):
    scope = text(
        40,
        metadata={
            "description": "all (par défaut), basin:<id>, departement:<code> ou region:<code>, parmi ceux du client."
        },
    )
    start = text(10, metadata={"description": "Premier jour (AAAA-MM-JJ) ; début du trimestre en cours par défaut."})
    end = text(10, metadata={"description": "Dernier jour (AAAA-MM-JJ) ; fin du trimestre en cours par défaut."})


class FiguresSchema(StrictSchema):
    scope = fields.String()
    scope_label = fields.String()
    basins = fields.List(fields.String(), metadata={"description": "Les codes des bassins du périmètre."})
    start = fields.Date()
    end = fields.Date()
    figures = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Les chiffres du tableau de bord, sous les noms de sa méthode (FIGURES)."},
    )


@bp.get("/figures")
@api_limit
def figures():
    require_page_right("dashboard.index", "lire le tableau de bord")
    query = load(FiguresQuerySchema(unknown=EXCLUDE), request.args)
    choices = {scope.value: scope for scope in scope_choices(current_client().principal)}
    scope = choices.get(query.get("scope") or "all")
    if scope is None:
        raise ApiProblem(404, f"Périmètre inconnu ou hors des bassins du client. Possibles : {', '.join(choices)}.")
    period, error = resolve_period({"debut": query.get("start"), "fin": query.get("end")})
    if error:
        raise ApiProblem(400, error.split(" :")[0] + ".")
    result = scope_figures(scope.basin_ids, period)
    numbers = {name: getattr(result, name) for name in COUNTS + RATES}
    numbers["needs_by_stage"] = {status.value: count for status, count in result.stages.items()}
    numbers["needs_open_over_days"] = {str(days): count for days, count in result.open_over.items()}
    numbers["time_to_fill_days"] = result.time_to_fill
    body = {
        "scope": scope.value,
        "scope_label": scope.label,
        "basins": [basin.code for basin in scope.basins],
        "start": period.start,
        "end": period.end,
        "figures": numbers,
    }
    return json_response(FiguresSchema().dump(body))


SCHEMAS = {"Figures": FiguresSchema}
PATHS = {
    "/figures": {
        "get": {
            "summary": "Les chiffres du tableau de bord d'un périmètre sur une période (ceux de la page)",
            "security": SECURED,
            "parameters": [{"in": "query", "schema": FiguresQuerySchema}],
            "responses": {"200": json_content("Figures", "Les chiffres"), **problems(400, 401, 403, 404, 429)},
        }
    }
}
