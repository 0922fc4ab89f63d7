"""Recruitment needs through the API: list (filters, updated_since, cursor), read (ETag), create
(Idempotency-Key), update, move stage and close (If-Match), through app/needs/services.py."""

from flask import request, url_for
from marshmallow import EXCLUDE, fields, validate

from app.api import bp
from app.api.authentication import current_client, require_write_scope
from app.api.conventions import (
    api_limit,
    cursor_page,
    idempotent_post,
    json_body,
    json_response,
    load,
    make_etag,
    require_if_match,
    with_etag,
)
from app.api.input_fields import choice, day, integer, text
from app.api.lookups import require_page_right, visible_employer
from app.api.openapi_parts import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    SECURED,
    SIRET,
    etagged,
    list_path,
    path_id,
    problems,
    read_path,
)
from app.api.openapi_parts import (
    json_body as json_request,
)
from app.api.problems import ApiProblem
from app.api.schemas import NOT_INSTANT, StrictSchema
from app.audit.services import acting_as
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import (
    CLOSED_STATUSES,
    ContractType,
    NeedOrigin,
    NeedStatus,
    Public,
    QualificationLevel,
    WorkingTime,
)
from app.needs.models import RecruitmentNeed
from app.needs.queries import get_visible_need, visible_needs
from app.needs.services import close_need, create_need, move_need, update_need
from app.referential.models import RomeCode

ENUMS = {
    "contract": ContractType,
    "working_time": WorkingTime,
    "qualification_level": QualificationLevel,
    "origin": NeedOrigin,
}


class NeedListQuerySchema(StrictSchema):
    status = choice(NeedStatus)
    siret = text(14, metadata={"description": "Les besoins de cette entreprise."})
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        error_messages={**NOT_INSTANT, "naive": "Précisez le fuseau (Z ou +01:00)."},
        metadata={"description": "Les besoins modifiés à partir de cet instant (UTC, ISO 8601)."},
    )
    cursor = text(200, metadata={"description": "Le curseur `next_cursor` de la page précédente."})


class NeedInputSchema(StrictSchema):
    title = text(200, required=True)
    contract = choice(ContractType, required=True)
    positions = integer(1, 999)
    rome_code = text(5, allow_none=True, metadata={"description": "Code ROME (J1501)."})
    working_time = choice(WorkingTime, allow_none=True)
    start_on = day(allow_none=True)
    place = text(200, allow_none=True)
    publics = fields.List(
        choice(Public),
        validate=validate.Length(max=len(Public)),
        metadata={"description": "Les publics visés (aucun : tout public)."},
    )
    qualification_level = choice(QualificationLevel, allow_none=True)
    origin = choice(NeedOrigin)


class NeedMoveInputSchema(StrictSchema):
    status = choice(NeedStatus, required=True, metadata={"description": "Une étape ouverte."})


class NeedCloseInputSchema(StrictSchema):
    outcome = choice(NeedStatus, required=True, metadata={"description": "filled, not_filled ou cancelled."})
    closed_on = day(metadata={"description": "Aujourd'hui par défaut."})
    positions_filled = integer(0, 999, metadata={"description": "Les embauches (obligatoire si pourvu)."})
    reason = text(500, metadata={"description": "Obligatoire si non pourvu ou annulé."})


class NeedSchema(StrictSchema):
    id = fields.Integer()
    employer = fields.String(attribute="employer.url_key", metadata={"description": "SIRET, ou n<id>."})
    basin = fields.String(attribute="employer.basin.code")
    title = fields.String()
    rome_code = fields.String(allow_none=True)
    positions = fields.Integer()
    positions_filled = fields.Integer()
    contract = fields.Function(lambda need: need.contract.value)
    working_time = fields.Function(lambda need: need.working_time.value if need.working_time else None)
    start_on = fields.Date(allow_none=True)
    place = fields.String(allow_none=True)
    publics = fields.Function(lambda need: [public.value for public in need.publics])
    qualification_level = fields.Function(
        lambda need: need.qualification_level.value if need.qualification_level else None
    )
    origin = fields.Function(lambda need: need.origin.value)
    status = fields.Function(lambda need: need.status.value)
    identified_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime(format="iso")


class NeedPageSchema(StrictSchema):
    items = fields.List(fields.Nested(NeedSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null à la fin."})


def need_etag(need: RecruitmentNeed) -> str:
    return make_etag("need", need.id, need.version)


def _visible_need(need_id: int) -> RecruitmentNeed:
    need = get_visible_need(current_client().principal, need_id)
    if need is None:
        raise ApiProblem(404, "Aucun besoin de ce numéro parmi ceux que ce client peut voir.")
    return need


def _fields(data: dict) -> dict:
    values = {name: (ENUMS[name](value) if name in ENUMS and value else value) for name, value in data.items()}
    for name in ("rome_code", "place"):  # a blank optional text is no value, as on the pages (app/forms.py)
        if isinstance(values.get(name), str) and not values[name].strip():
            values[name] = None
    if "publics" in values:
        values["publics"] = [Public(value) for value in values["publics"]]
    if values.get("rome_code"):
        if db.session.get(RomeCode, values["rome_code"]) is None:
            raise ApiProblem(400, f"Code ROME inconnu : {values['rome_code']} (format attendu : J1501).")
        values["job_title_code"] = None  # a job title belongs to the previous ROME code
    return values


def _answer(need: RecruitmentNeed):
    db.session.flush()
    return json_response(NeedSchema().dump(need), headers={"ETag": need_etag(need)})


def _acting():
    return acting_as(f"API : {current_client().name}")


@bp.get("/needs")
@api_limit
def needs_list():
    require_page_right("needs.index", "lire les besoins")
    filters = load(NeedListQuerySchema(unknown=EXCLUDE), request.args)
    query = visible_needs(current_client().principal)
    if filters.get("status"):
        query = query.where(RecruitmentNeed.status == NeedStatus(filters["status"]))
    if filters.get("siret"):
        query = query.where(Employer.siret == filters["siret"])
    if filters.get("updated_since"):
        query = query.where(RecruitmentNeed.updated_at >= filters["updated_since"])
    return json_response(NeedPageSchema().dump(cursor_page(query, RecruitmentNeed.id, filters)))


@bp.get("/needs/<int:need_id>")
@api_limit
def need(need_id: int):
    require_page_right("needs.detail", "lire les besoins")
    found = _visible_need(need_id)
    return with_etag(NeedSchema().dump(found), need_etag(found))


@bp.post("/employers/<siret>/needs")
@api_limit
def create_need_resource(siret: str):
    require_write_scope()
    require_page_right("needs.new", "enregistrer un besoin")
    created: list[RecruitmentNeed] = []

    def create() -> dict:
        employer = visible_employer(siret)
        values = _fields(load(NeedInputSchema(), json_body()))
        with _acting():
            created.append(create_need(employer=employer, author=current_client().principal, **values))
            db.session.flush()
        return NeedSchema().dump(created[0])

    def headers() -> dict:
        return {"Location": url_for("api.need", need_id=created[0].id), "ETag": need_etag(created[0])}

    return idempotent_post(create, headers=headers)


@bp.patch("/needs/<int:need_id>")
@api_limit
def update_need_resource(need_id: int):
    require_write_scope()
    require_page_right("needs.edit", "modifier un besoin")
    found = _visible_need(need_id)
    require_if_match(need_etag(found))
    values = _fields(load(NeedInputSchema(partial=True), json_body()))
    with _acting():
        update_need(found, expected_version=found.version, **values)
        return _answer(found)


@bp.post("/needs/<int:need_id>/stage")
@api_limit
def move_need_resource(need_id: int):
    """Move an open need to another working stage (the board's drag and drop)."""
    require_write_scope()
    require_page_right("needs.move", "changer l'étape d'un besoin")
    found = _visible_need(need_id)
    require_if_match(need_etag(found))
    data = load(NeedMoveInputSchema(), json_body())
    with _acting():
        move_need(found, NeedStatus(data["status"]), author=current_client().principal, expected_version=found.version)
        return _answer(found)


@bp.post("/needs/<int:need_id>/closure")
@api_limit
def close_need_resource(need_id: int):
    """Close a need: filled (with its hires), not filled or cancelled (with a reason)."""
    require_write_scope()
    require_page_right("needs.close", "clôturer un besoin")
    found = _visible_need(need_id)
    require_if_match(need_etag(found))
    data = load(NeedCloseInputSchema(), json_body())
    outcome = NeedStatus(data["outcome"])
    if outcome not in CLOSED_STATUSES:
        raise ApiProblem(400, "Pour clôturer, indiquez filled (pourvu), not_filled (non pourvu) ou cancelled (annulé).")
    with _acting():
        close_need(
            found,
            outcome,
            author=current_client().principal,
            closed_on=data.get("closed_on"),
            positions_filled=data.get("positions_filled"),
            reason=data.get("reason", ""),
            expected_version=found.version,
        )
        return _answer(found)


NEED_ID = path_id("need_id")
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 412, 428, 429)
SCHEMAS = {
    "Need": NeedSchema,
    "NeedPage": NeedPageSchema,
    "NeedInput": NeedInputSchema,
    "NeedPatch": NeedInputSchema(partial=True),
    "NeedMoveInput": NeedMoveInputSchema,
    "NeedCloseInput": NeedCloseInputSchema,
}
PATHS = {
    "/needs": list_path(
        "Les besoins des bassins du client (100 par page)", NeedListQuerySchema, "NeedPage", "Une page de besoins"
    ),
    "/needs/{need_id}": {
        **read_path("Lire un besoin", NEED_ID, "Need", "Le besoin"),
        "patch": {
            "summary": "Modifier un besoin (les champs envoyés seulement ; If-Match obligatoire)",
            "security": SECURED,
            "parameters": [NEED_ID, IF_MATCH],
            "requestBody": json_request("NeedPatch"),
            "responses": {"200": etagged("Need", "Le besoin modifié"), **WRITE_PROBLEMS},
        },
    },
    "/employers/{siret}/needs": {
        "post": {
            "summary": "Enregistrer un besoin de l'entreprise, à l'étape « identifié »",
            "security": SECURED,
            "parameters": [SIRET, IDEMPOTENCY_KEY],
            "requestBody": json_request("NeedInput"),
            "responses": {"201": etagged("Need", "Le besoin créé"), **problems(400, 401, 403, 404, 409, 429)},
        }
    },
    "/needs/{need_id}/stage": {
        "post": {
            "summary": "Changer l'étape d'un besoin ouvert (If-Match obligatoire)",
            "security": SECURED,
            "parameters": [NEED_ID, IF_MATCH],
            "requestBody": json_request("NeedMoveInput"),
            "responses": {"200": etagged("Need", "Le besoin"), **WRITE_PROBLEMS},
        }
    },
    "/needs/{need_id}/closure": {
        "post": {
            "summary": "Clôturer un besoin : pourvu (avec les embauches), non pourvu ou annulé (If-Match obligatoire)",
            "security": SECURED,
            "parameters": [NEED_ID, IF_MATCH],
            "requestBody": json_request("NeedCloseInput"),
            "responses": {"200": etagged("Need", "Le besoin clôturé"), **WRITE_PROBLEMS},
        }
    },
}
