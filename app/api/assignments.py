"""The privileged contact written through the API: assign one (a task-force lead's client) and hand it
over (an adviser's client asks, a lead's client decides), with the pages' services and the same 409."""

from marshmallow import fields, validate

from app.api import bp
from app.api.authentication import current_client, require_write_scope
from app.api.conventions import api_limit, idempotent_post, json_body, load, require_if_match
from app.api.lookups import privileged_contact_etag, require_page_right, visible_employer
from app.api.openapi_parts import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    SECURED,
    SIRET,
    json_content,
    path_id,
    problems,
)
from app.api.openapi_parts import (
    json_body as json_request,
)
from app.api.problems import ApiProblem
from app.api.schemas import NOT_INTEGER, NOT_TEXT, TOO_LONG, StrictSchema
from app.assignments.models import Assignment, HandoverRequest
from app.assignments.queries import get_pending_handover
from app.assignments.services import active_assignment_of, assign_privileged_contact, decide_handover, request_handover
from app.audit.services import acting_as
from app.auth.models import User
from app.extensions import db

ID = {"validate": validate.Range(min=1, max=2**31 - 1, error="Identifiant invalide."), "strict": True}


class AssignInputSchema(StrictSchema):
    adviser_id = fields.Integer(required=True, error_messages=NOT_INTEGER, **ID)
    reason = fields.String(validate=validate.Length(max=500, error=TOO_LONG), error_messages=NOT_TEXT)


class HandoverInputSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(max=500, error=TOO_LONG), error_messages=NOT_TEXT)


class HandoverDecisionInputSchema(StrictSchema):
    approve = fields.Boolean(required=True, error_messages={"invalid": "Booléen attendu (true ou false)."})
    note = fields.String(validate=validate.Length(max=500, error=TOO_LONG), error_messages=NOT_TEXT)
    new_adviser_id = fields.Integer(
        allow_none=True,
        error_messages=NOT_INTEGER,
        metadata={"description": "Le nouvel interlocuteur ; sans lui, l'entreprise retourne dans la file."},
        **ID,
    )


class AssignmentSchema(StrictSchema):
    id = fields.Integer()
    siret = fields.String(attribute="employer.siret", allow_none=True)
    adviser_id = fields.Integer()
    adviser_name = fields.String(attribute="adviser.full_name")
    operator = fields.String(attribute="operator.name")
    reason = fields.String()
    started_at = fields.DateTime(format="iso")


class HandoverSchema(StrictSchema):
    id = fields.Integer()
    siret = fields.String(attribute="employer.siret", allow_none=True)
    reason = fields.String()
    status = fields.Function(lambda handover: handover.status.value)
    requested_at = fields.DateTime(format="iso")


def _acting():
    return acting_as(f"API : {current_client().name}")


@bp.post("/employers/<siret>/privileged-contact")
@api_limit
def assign(siret: str):
    """Make an adviser the employer's privileged contact; If-Match is the privileged contact's ETag."""
    require_write_scope()
    require_page_right("assignments.assign_employer", "affecter un interlocuteur privilégié")

    def create() -> dict:
        employer = visible_employer(siret)
        require_if_match(privileged_contact_etag(employer, active_assignment_of(employer)))
        data = load(AssignInputSchema(), json_body())
        with _acting():
            assignment = assign_privileged_contact(
                employer=employer,
                adviser=db.session.get(User, data["adviser_id"]),
                assigned_by=current_client().principal,
                reason=data.get("reason", "") or "Affectation par l'API",
            )
            db.session.flush()
        return AssignmentSchema().dump(assignment)

    return idempotent_post(create)


@bp.post("/employers/<siret>/privileged-contact/handover-requests")
@api_limit
def ask_handover(siret: str):
    """Ask the task-force lead to hand the employer over to someone else (as the page does)."""
    require_write_scope()
    require_page_right("assignments.handover_request", "demander une passation")

    def create() -> dict:
        employer = visible_employer(siret)
        data = load(HandoverInputSchema(), json_body())
        with _acting():
            handover = request_handover(
                employer=employer, requested_by=current_client().principal, reason=data["reason"]
            )
            db.session.flush()
        return HandoverSchema().dump(handover)

    return idempotent_post(create)


@bp.post("/handover-requests/<int:request_id>/decision")
@api_limit
def decide(request_id: int):
    """Approve or refuse a pending handover of the client's basins (a task-force lead's client)."""
    require_write_scope()
    require_page_right("assignments.handover_decide", "décider d'une passation")

    def create() -> dict:
        handover: HandoverRequest | None = get_pending_handover(current_client().principal, request_id)
        if handover is None:
            raise ApiProblem(404, "Aucune demande de passation en attente de ce numéro dans les bassins du client.")
        data = load(HandoverDecisionInputSchema(), json_body())
        new_adviser = db.session.get(User, data["new_adviser_id"]) if data.get("new_adviser_id") else None
        with _acting():
            assignment: Assignment | None = decide_handover(
                handover,
                decided_by=current_client().principal,
                approve=data["approve"],
                note=data.get("note", ""),
                new_adviser=new_adviser,
            )
            db.session.flush()
        return {
            "handover": HandoverSchema().dump(handover),
            "assignment": AssignmentSchema().dump(assignment) if assignment else None,
        }

    return idempotent_post(create, status=200)


SCHEMAS = {
    "AssignInput": AssignInputSchema,
    "Assignment": AssignmentSchema,
    "HandoverInput": HandoverInputSchema,
    "Handover": HandoverSchema,
    "HandoverDecisionInput": HandoverDecisionInputSchema,
}
PATHS = {
    "/employers/{siret}/privileged-contact": {
        "post": {
            "summary": "Affecter l'interlocuteur privilégié (client d'un pilote de task force ; If-Match obligatoire)",
            "description": "409 si l'entreprise a déjà un interlocuteur, y compris affecté au même instant.",
            "security": SECURED,
            "parameters": [SIRET, IF_MATCH, IDEMPOTENCY_KEY],
            "requestBody": json_request("AssignInput"),
            "responses": {
                "201": json_content("Assignment", "L'affectation"),
                **problems(400, 401, 403, 404, 409, 412, 428, 429),
            },
        }
    },
    "/employers/{siret}/privileged-contact/handover-requests": {
        "post": {
            "summary": "Demander une passation de l'interlocuteur privilégié",
            "security": SECURED,
            "parameters": [SIRET, IDEMPOTENCY_KEY],
            "requestBody": json_request("HandoverInput"),
            "responses": {
                "201": json_content("Handover", "La demande"),
                **problems(400, 401, 403, 404, 409, 429),
            },
        }
    },
    "/handover-requests/{request_id}/decision": {
        "post": {
            "summary": "Accepter ou refuser une passation (client d'un pilote de task force)",
            "security": SECURED,
            "parameters": [path_id("request_id"), IDEMPOTENCY_KEY],
            "requestBody": json_request("HandoverDecisionInput"),
            "responses": {
                "200": {"description": "La décision, et la nouvelle affectation s'il y en a une"},
                **problems(400, 401, 403, 404, 409, 429),
            },
        }
    },
}
