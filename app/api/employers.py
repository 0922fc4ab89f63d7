"""Employers written through the API: create (POST, Idempotency-Key) and update (PATCH, If-Match),
through the pages' services (app/employers/services.py), with the same refusals."""

from flask import url_for
from marshmallow import fields, validate

from app.api import bp
from app.api.authentication import current_client, require_write_scope
from app.api.conventions import api_limit, idempotent_post, json_body, json_response, load, require_if_match
from app.api.lookups import employer_etag, require_page_right, visible_employer
from app.api.openapi_parts import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    SECURED,
    SIRET,
    etagged,
    problems,
)
from app.api.openapi_parts import (
    json_body as json_request,
)
from app.api.problems import ApiProblem
from app.api.schemas import NOT_TEXT, TOO_LONG, EmployerSchema, StrictSchema
from app.audit.services import acting_as
from app.employers.models import Employer
from app.employers.services import EmployerData, PossibleDuplicates, create_employer, update_employer
from app.referential.enums import HeadcountBand


def _text(max_length: int, **kwargs):
    return fields.String(
        validate=validate.Length(max=max_length, error=TOO_LONG), error_messages=NOT_TEXT, allow_none=True, **kwargs
    )


class EmployerInputSchema(StrictSchema):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255, error="Entre 1 et 255 caractères."),
        error_messages=NOT_TEXT,
    )
    commune_insee = fields.String(
        required=True,
        validate=validate.Length(equal=5, error="Le code INSEE compte 5 caractères."),
        error_messages=NOT_TEXT,
        metadata={"description": "Code INSEE de la commune : il fixe le bassin."},
    )
    siret = _text(20, metadata={"description": "14 chiffres, clé de contrôle vérifiée ; facultatif."})
    enseigne = _text(255)
    naf_code = _text(6, metadata={"description": "Sous-classe NAF rév. 2 (56.10A)."})
    headcount_band = fields.String(
        allow_none=True,
        validate=validate.OneOf([band.value for band in HeadcountBand], error="Tranche d'effectif inconnue."),
        error_messages=NOT_TEXT,
    )
    street = _text(255)
    postcode = _text(10)
    duplicates_confirmed = fields.Boolean(
        load_default=False,
        error_messages={"invalid": "Booléen attendu (true ou false)."},
        metadata={"description": "Créer malgré un nom très proche dans la même commune (sinon 409)."},
    )


EDITABLE = ("name", "commune_insee", "siret", "enseigne", "naf_code", "headcount_band", "street", "postcode")


def _employer_data(values: dict) -> EmployerData:
    band = values.get("headcount_band")
    return EmployerData(
        name=values["name"],
        commune_insee=values["commune_insee"],
        siret=values.get("siret") or None,
        enseigne=values.get("enseigne"),
        naf_code=values.get("naf_code") or None,
        headcount_band=HeadcountBand(band) if band else None,
        street=values.get("street"),
        postcode=values.get("postcode"),
        tag_ids=values.get("tag_ids", []),
    )


def _answer(employer: Employer) -> dict:
    return EmployerSchema().dump(employer)


@bp.post("/employers")
@api_limit
def create_employer_resource():
    """Create an employer in the client's basins; a known SIRET or a look-alike name is a 409."""
    require_write_scope()
    require_page_right("employers.new", "créer une entreprise")
    created: list[Employer] = []

    def create() -> dict:
        data = load(EmployerInputSchema(), json_body())
        client = current_client()
        try:
            with acting_as(f"API : {client.name}"):
                employer = create_employer(
                    client.principal, _employer_data(data), duplicates_confirmed=data["duplicates_confirmed"]
                )
        except PossibleDuplicates as error:
            names = ", ".join(look_alike.display_name for look_alike in error.employers)
            raise ApiProblem(409, f'{error} Proches : {names}. Renvoyez avec "duplicates_confirmed": true.') from error
        created.append(employer)
        return _answer(employer)

    def headers() -> dict:
        employer = created[0]
        location = url_for("api.employer", siret=employer.url_key)
        return {"Location": location, "ETag": employer_etag(employer)}

    return idempotent_post(create, headers=headers)


@bp.patch("/employers/<siret>")
@api_limit
def update_employer_resource(siret: str):
    """Change some of an employer's fields; `If-Match` carries the ETag read (412 if stale, 428 if absent)."""
    require_write_scope()
    require_page_right("employers.edit", "modifier une entreprise")
    employer = visible_employer(siret)
    require_if_match(employer_etag(employer))
    changes = load(EmployerInputSchema(partial=True), json_body())
    changes.pop("duplicates_confirmed", None)
    current = {name: getattr(employer, name) for name in EDITABLE}
    current["headcount_band"] = employer.headcount_band.value if employer.headcount_band else None
    current["tag_ids"] = [tag.id for tag in employer.tags]
    client = current_client()
    with acting_as(f"API : {client.name}"):
        update_employer(client.principal, employer, _employer_data(current | changes), employer.version)
    return json_response(_answer(employer), headers={"ETag": employer_etag(employer)})


SCHEMAS = {"EmployerInput": EmployerInputSchema, "EmployerPatch": EmployerInputSchema(partial=True)}
PATHS = {
    "/employers": {
        "post": {
            "summary": "Créer une entreprise (client en écriture)",
            "security": SECURED,
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": json_request("EmployerInput"),
            "responses": {
                "201": etagged("Employer", "L'entreprise créée"),
                **problems(400, 401, 403, 409, 429),
            },
        }
    },
    "/employers/{siret}": {
        "patch": {
            "summary": "Modifier une entreprise (les champs envoyés seulement ; If-Match obligatoire)",
            "security": SECURED,
            "parameters": [SIRET, IF_MATCH],
            "requestBody": {"required": True, "content": {"application/json": {"schema": "EmployerPatch"}}},
            "responses": {
                "200": etagged("Employer", "L'entreprise modifiée"),
                **problems(400, 401, 403, 404, 409, 412, 428, 429),
            },
        }
    },
}
