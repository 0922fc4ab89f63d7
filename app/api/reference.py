"""The reference lists through the API (ROME, NAF, basins, operators): the same for every client,
cacheable (ETag of the page's content, Cache-Control), paged by their code or id."""

import base64
import binascii
import hashlib

import sqlalchemy as sa
from flask import json, request
from marshmallow import EXCLUDE, fields

from app.api import bp
from app.api.conventions import PAGE_SIZE, api_limit, cursor_page, load, with_etag
from app.api.input_fields import choice, text
from app.api.openapi_parts import IF_NONE_MATCH, SECURED, json_content, problems
from app.api.problems import ApiProblem
from app.api.schemas import StrictSchema
from app.extensions import db
from app.referential.enums import NafLevel
from app.referential.models import Basin, NafCode, Operator, RomeCode

# Reference data changes a few times a year: a client may keep a page a day, and revalidate it.
CACHE_CONTROL = "private, max-age=86400"
REFERENCE_PAGE_SIZE = 1000


class CodeListQuerySchema(StrictSchema):
    cursor = text(200, metadata={"description": "Le curseur `next_cursor` de la page précédente."})


class NafListQuerySchema(CodeListQuerySchema):
    level = choice(NafLevel, metadata={"description": "Un seul niveau (subclass pour les sous-classes)."})


class RomeCodeSchema(StrictSchema):
    code = fields.String()
    label = fields.String()
    domain = fields.String(metadata={"description": "Le grand domaine (une lettre, A à N)."})


class NafCodeSchema(StrictSchema):
    code = fields.String()
    label = fields.String()
    level = fields.Function(lambda naf: naf.level.value)
    parent_code = fields.String(allow_none=True)


class ReferenceBasinSchema(StrictSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    departement_code = fields.String()
    region_code = fields.String()
    is_open = fields.Function(lambda basin: basin.closed_on is None)


class OperatorSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Function(lambda operator: operator.kind.value)
    is_active = fields.Boolean()


def _page_schema(item_schema) -> type[StrictSchema]:
    return StrictSchema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True, metadata={"description": "null à la fin."}),
        },
        name=f"{item_schema.__name__.removesuffix('Schema')}Page",
    )


def _after_code(cursor: str) -> str:
    try:
        code = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        code = ""
    if not code or len(code) > 10 or not code.replace(".", "").isalnum():
        raise ApiProblem(400, "Curseur invalide : reprenez la liste depuis le début.")
    return code


def _code_page(query: sa.Select, code_column, filters: dict) -> dict:
    if filters.get("cursor"):
        query = query.where(code_column > _after_code(filters["cursor"]))
    rows = db.session.scalars(query.order_by(code_column).limit(REFERENCE_PAGE_SIZE + 1)).all()
    page = rows[:REFERENCE_PAGE_SIZE]
    more = len(rows) > REFERENCE_PAGE_SIZE
    last = page[-1].code if more else None
    return {
        "items": page,
        "next_cursor": base64.urlsafe_b64encode(last.encode()).decode().rstrip("=") if more else None,
    }


def _cacheable(body: dict):
    etag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:20] + '"'
    response = with_etag(body, etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


RomePage, NafPage, BasinPage, OperatorPage = (
    _page_schema(schema) for schema in (RomeCodeSchema, NafCodeSchema, ReferenceBasinSchema, OperatorSchema)
)


@bp.get("/reference/rome")
@api_limit
def rome_codes():
    filters = load(CodeListQuerySchema(unknown=EXCLUDE), request.args)
    return _cacheable(RomePage().dump(_code_page(sa.select(RomeCode), RomeCode.code, filters)))


@bp.get("/reference/naf")
@api_limit
def naf_codes():
    filters = load(NafListQuerySchema(unknown=EXCLUDE), request.args)
    query = sa.select(NafCode)
    if filters.get("level"):
        query = query.where(NafCode.level == NafLevel(filters["level"]))
    return _cacheable(NafPage().dump(_code_page(query, NafCode.code, filters)))


@bp.get("/reference/basins")
@api_limit
def basins():
    filters = load(CodeListQuerySchema(unknown=EXCLUDE), request.args)
    return _cacheable(BasinPage().dump(cursor_page(sa.select(Basin), Basin.id, filters)))


@bp.get("/reference/operators")
@api_limit
def operators():
    filters = load(CodeListQuerySchema(unknown=EXCLUDE), request.args)
    return _cacheable(OperatorPage().dump(cursor_page(sa.select(Operator), Operator.id, filters)))


def _list_path(summary: str, page: str, query_schema) -> dict:
    return {
        "get": {
            "summary": summary,
            "security": SECURED,
            "parameters": [{"in": "query", "schema": query_schema}, IF_NONE_MATCH],
            "responses": {
                "200": {
                    **json_content(page, "Une page de la liste"),
                    "headers": {
                        "ETag": {"schema": {"type": "string"}},
                        "Cache-Control": {"schema": {"type": "string"}},
                    },
                },
                "304": {"description": "Inchangée depuis l'ETag envoyé"},
                **problems(400, 401, 429),
            },
        }
    }


SCHEMAS = {
    "RomeCode": RomeCodeSchema,
    "NafCode": NafCodeSchema,
    "ReferenceBasin": ReferenceBasinSchema,
    "Operator": OperatorSchema,
    "RomeCodePage": RomePage,
    "NafCodePage": NafPage,
    "ReferenceBasinPage": BasinPage,
    "OperatorPage": OperatorPage,
}
PATHS = {
    "/reference/rome": _list_path(
        f"Les codes ROME 4.0 ({REFERENCE_PAGE_SIZE} par page)", "RomeCodePage", CodeListQuerySchema
    ),
    "/reference/naf": _list_path(f"La NAF rév. 2 ({REFERENCE_PAGE_SIZE} par page)", "NafCodePage", NafListQuerySchema),
    "/reference/basins": _list_path(
        f"Les bassins d'emploi ({PAGE_SIZE} par page)", "ReferenceBasinPage", CodeListQuerySchema
    ),
    "/reference/operators": _list_path(f"Les opérateurs ({PAGE_SIZE} par page)", "OperatorPage", CodeListQuerySchema),
}
