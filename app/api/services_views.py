"""The services mobilised for an employer (« solutions »), through the API: read the employer's list,
create one with the same rules as the employer page (app/needs/mobilisations.py).

A module of its own on the API's blueprint; its SCHEMAS and PATHS join the OpenAPI document as every
resource's do (app/api/openapi.py).
"""

import sqlalchemy as sa
from marshmallow import fields, validate

from app.api import bp
from app.api.authentication import current_client, require_write_scope
from app.api.conventions import api_limit, idempotent_post, json_body, json_response, load
from app.api.lookups import require_page_right, visible_employer
from app.api.openapi_parts import SECURED, SIRET, json_content, problems
from app.api.openapi_parts import json_body as json_request
from app.api.problems import ApiProblem
from app.api.schemas import NOT_DATE, NOT_INTEGER, NOT_TEXT, TOO_LONG, StrictSchema
from app.audit.services import acting_as
from app.extensions import db
from app.needs.enums import Funder, MobilisationStatus
from app.needs.mobilisations import MobilisationData, create_mobilisation
from app.needs.models import RecruitmentNeed, ServiceMobilisation, ServiceType
from app.needs.queries import employer_mobilisations

COUNT = validate.Range(min=0, max=9999, error="Entre 0 et 9 999.")


class ServiceMobilisationInputSchema(StrictSchema):
    service = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40, error="Entre 1 et 40 caractères."),
        error_messages=NOT_TEXT,
        metadata={"description": "Le code du service au catalogue (poei, poec, mrs, pcrh…)."},
    )
    need_id = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1, error="Identifiant invalide."),
        strict=True,
        error_messages=NOT_INTEGER,
        metadata={"description": "Un besoin de l'entreprise ; absent pour une solution pour l'entreprise seule."},
    )
    status = fields.String(
        load_default=MobilisationStatus.PROPOSED.value,
        validate=validate.OneOf([s.value for s in MobilisationStatus], error="Statut inconnu : {choices}."),
        error_messages=NOT_TEXT,
    )
    proposed_on = fields.Date(error_messages=NOT_DATE, metadata={"description": "Aujourd'hui si absent."})
    starts_on = fields.Date(error_messages=NOT_DATE)
    ends_on = fields.Date(error_messages=NOT_DATE)
    delivered_on = fields.Date(error_messages=NOT_DATE, metadata={"description": "Pour une solution réalisée."})
    people = fields.Integer(validate=COUNT, strict=True, error_messages=NOT_INTEGER)
    hires = fields.Integer(validate=COUNT, strict=True, error_messages=NOT_INTEGER)
    funder = fields.String(
        validate=validate.OneOf([f.value for f in Funder], error="Financeur inconnu : {choices}."),
        error_messages=NOT_TEXT,
    )
    note = fields.String(validate=validate.Length(max=500, error=TOO_LONG), error_messages=NOT_TEXT)


class ServiceMobilisationSchema(StrictSchema):
    id = fields.Integer()
    siret = fields.String(allow_none=True)
    need_id = fields.Integer(allow_none=True)
    service = fields.String(metadata={"description": "Le code du service au catalogue."})
    service_label = fields.String()
    family = fields.String()
    status = fields.String()
    proposed_on = fields.Date()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    delivered_on = fields.Date(allow_none=True)
    people = fields.Integer(allow_none=True)
    hires = fields.Integer(allow_none=True)
    funder = fields.String(allow_none=True)
    version = fields.Integer()


class ServiceMobilisationListSchema(StrictSchema):
    items = fields.List(fields.Nested(ServiceMobilisationSchema))


def _dump(mobilisation: ServiceMobilisation, siret: str | None) -> dict:
    return ServiceMobilisationSchema().dump(
        {
            "id": mobilisation.id,
            "siret": siret,
            "need_id": mobilisation.need_id,
            "service": mobilisation.service_type.code,
            "service_label": mobilisation.service_type.label,
            "family": mobilisation.service_type.family.value,
            "status": mobilisation.status.value,
            "proposed_on": mobilisation.proposed_on,
            "starts_on": mobilisation.starts_on,
            "ends_on": mobilisation.ends_on,
            "delivered_on": mobilisation.delivered_on,
            "people": mobilisation.people,
            "hires": mobilisation.hires,
            "funder": mobilisation.funder.value if mobilisation.funder else None,
            "version": mobilisation.version,
        }
    )


@bp.get("/employers/<siret>/services")
@api_limit
def employer_services(siret: str):
    """The services mobilised for the employer (its 50 latest), on its needs or not."""
    found = visible_employer(siret)
    return json_response({"items": [_dump(m, found.siret) for m in employer_mobilisations(found)]})


@bp.post("/employers/<siret>/services")
@api_limit
def mobilise_service(siret: str):
    """Mobilise a service for the employer, with the employer page's rules."""
    require_write_scope()
    require_page_right("needs.mobilisation_new", "mobiliser un service")
    found = visible_employer(siret)
    return idempotent_post(lambda: _mobilise(found))


def _mobilise(found) -> dict:
    data = load(ServiceMobilisationInputSchema(), json_body())
    service_type = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == data["service"]))
    if service_type is None:
        raise ApiProblem(400, "Service inconnu au catalogue.", errors={"service": ["Code inconnu."]})
    need = None
    if data.get("need_id") is not None:
        need = db.session.scalar(
            sa.select(RecruitmentNeed).where(
                RecruitmentNeed.id == data["need_id"], RecruitmentNeed.employer_id == found.id
            )
        )
        if need is None:
            raise ApiProblem(400, "Ce besoin n'est pas celui de cette entreprise.", errors={"need_id": ["Inconnu."]})
    client = current_client()
    with acting_as(f"API : {client.name}"):
        mobilisation = create_mobilisation(
            found,
            MobilisationData(
                service_type=service_type,
                status=MobilisationStatus(data["status"]),
                proposed_on=data.get("proposed_on"),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                delivered_on=data.get("delivered_on"),
                people=data.get("people"),
                hires=data.get("hires"),
                funder=Funder(data["funder"]) if data.get("funder") else None,
                note=data.get("note", ""),
            ),
            need=need,
            author=client.principal,
        )
        db.session.flush()
        return _dump(mobilisation, found.siret)


SCHEMAS = {
    "ServiceMobilisationInput": ServiceMobilisationInputSchema,
    "ServiceMobilisation": ServiceMobilisationSchema,
    "ServiceMobilisationList": ServiceMobilisationListSchema,
}
PATHS = {
    "/employers/{siret}/services": {
        "get": {
            "summary": "Les solutions (services) mobilisées pour l'entreprise",
            "security": SECURED,
            "parameters": [SIRET],
            "responses": {
                "200": json_content("ServiceMobilisationList", "Les solutions"),
                **problems(401, 404, 429),
            },
        },
        "post": {
            "summary": "Mobiliser un service pour l'entreprise, sur un de ses besoins ou non (client en écriture)",
            "security": SECURED,
            "parameters": [
                SIRET,
                {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 255}},
            ],
            "requestBody": json_request("ServiceMobilisationInput"),
            "responses": {
                "201": json_content("ServiceMobilisation", "La solution enregistrée"),
                **problems(400, 401, 403, 404, 409, 429),
            },
        },
    },
}
