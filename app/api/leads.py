"""Leads through the API: a spotter organisation's client submits leads and sees only its own and
what became of them (rule 5), through app/leads/services.submit_lead, as the spotter's page does."""

import sqlalchemy as sa
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
    with_etag,
)
from app.api.input_fields import choice, day, integer, text
from app.api.lookups import require_page_right
from app.api.openapi_parts import (
    IDEMPOTENCY_KEY,
    SECURED,
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
from app.extensions import db
from app.leads.enums import LeadStatus, Urgency
from app.leads.models import Lead
from app.leads.queries import get_visible_lead, visible_leads
from app.leads.services import LeadData, submit_lead
from app.needs.enums import ContractType


class LeadListQuerySchema(StrictSchema):
    status = choice(LeadStatus)
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        error_messages={**NOT_INSTANT, "naive": "Précisez le fuseau (Z ou +01:00)."},
        metadata={"description": "Les signalements déposés ou décidés à partir de cet instant (UTC, ISO 8601)."},
    )
    cursor = text(200, metadata={"description": "Le curseur `next_cursor` de la page précédente."})


class LeadInputSchema(StrictSchema):
    siret = text(20, metadata={"description": "Le SIRET de l'établissement, ou à défaut son nom et sa commune."})
    employer_name = text(255)
    commune = text(120, metadata={"description": "Nom ou code INSEE de la commune."})
    job_title = text(200, required=True)
    positions = integer(1, 500, load_default=1)
    contract = choice(ContractType, required=True)
    start_on = day(allow_none=True)
    urgency = choice(Urgency, load_default=Urgency.NORMAL.value)
    details = text(2000)
    contact_name = text(160, required=True, metadata={"description": "La personne à contacter chez l'employeur."})
    contact_phone = text(30)
    contact_email = fields.Email(
        validate=validate.Length(max=254), error_messages={"invalid": "Adresse e-mail invalide."}
    )
    contact_consent = fields.Boolean(
        required=True,
        error_messages={"required": "Ce champ est obligatoire.", "invalid": "Booléen attendu (true ou false)."},
        metadata={"description": "L'employeur a accepté d'être recontacté par le réseau pour l'emploi."},
    )


class LeadSchema(StrictSchema):
    id = fields.Integer()
    siret = fields.String(allow_none=True)
    employer_name = fields.String()
    commune_name = fields.String(allow_none=True)
    job_title = fields.String()
    positions = fields.Integer()
    contract = fields.Function(lambda lead: lead.contract.value)
    start_on = fields.Date(allow_none=True)
    urgency = fields.Function(lambda lead: lead.urgency.value)
    status = fields.Function(
        lambda lead: lead.status.value, metadata={"description": "new, accepted, merged, rejected."}
    )
    rejection_reason = fields.Function(lambda lead: lead.rejection_reason.value if lead.rejection_reason else None)
    decision_note = fields.String(allow_none=True)
    created_at = fields.DateTime(format="iso")
    decided_at = fields.DateTime(format="iso", allow_none=True)
    version = fields.Integer()


class LeadPageSchema(StrictSchema):
    items = fields.List(fields.Nested(LeadSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null à la fin."})


def lead_etag(lead: Lead) -> str:
    return make_etag("lead", lead.id, lead.version)


@bp.get("/leads")
@api_limit
def leads_list():
    require_page_right("leads.index", "lire les signalements")
    filters = load(LeadListQuerySchema(unknown=EXCLUDE), request.args)
    query = visible_leads(current_client().principal)
    if filters.get("status"):
        query = query.where(Lead.status == LeadStatus(filters["status"]))
    if filters.get("updated_since"):
        since = filters["updated_since"]
        query = query.where(sa.or_(Lead.created_at >= since, Lead.decided_at >= since))
    return json_response(LeadPageSchema().dump(cursor_page(query, Lead.id, filters)))


@bp.get("/leads/<int:lead_id>")
@api_limit
def lead(lead_id: int):
    require_page_right("leads.detail", "lire les signalements")
    found = get_visible_lead(current_client().principal, lead_id)
    if found is None:
        raise ApiProblem(404, "Aucun signalement de ce numéro parmi ceux que ce client peut voir.")
    return with_etag(LeadSchema().dump(found), lead_etag(found))


@bp.post("/leads")
@api_limit
def submit_lead_resource():
    """A spotter organisation's client reports a hiring need (the spotter's form)."""
    require_write_scope()
    require_page_right("leads.new", "déposer un signalement (réservé aux clients d'une organisation de repéreurs)")
    submitted: list[Lead] = []

    def create() -> dict:
        data = load(LeadInputSchema(), json_body())
        lead_data = LeadData(
            siret=data.get("siret") or "",
            employer_name=data.get("employer_name") or "",
            commune=data.get("commune") or "",
            job_title=data["job_title"],
            positions=data["positions"],
            contract=ContractType(data["contract"]),
            start_on=data.get("start_on"),
            urgency=Urgency(data["urgency"]),
            details=data.get("details") or "",
            contact_name=data["contact_name"],
            contact_phone=data.get("contact_phone") or "",
            contact_email=data.get("contact_email") or "",
            contact_consent=data["contact_consent"],
        )
        with acting_as(f"API : {current_client().name}"):
            submitted.append(submit_lead(current_client().principal, lead_data))
            db.session.flush()
        return LeadSchema().dump(submitted[0])

    def headers() -> dict:
        return {"Location": url_for("api.lead", lead_id=submitted[0].id), "ETag": lead_etag(submitted[0])}

    return idempotent_post(create, headers=headers)


SCHEMAS = {"Lead": LeadSchema, "LeadPage": LeadPageSchema, "LeadInput": LeadInputSchema}
PATHS = {
    "/leads": {
        **list_path(
            "Les signalements : pour un client de repéreurs, les siens seulement",
            LeadListQuerySchema,
            "LeadPage",
            "Une page de signalements",
        ),
        "post": {
            "summary": "Déposer un signalement (client d'une organisation de repéreurs)",
            "security": SECURED,
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": json_request("LeadInput"),
            "responses": {"201": etagged("Lead", "Le signalement"), **problems(400, 401, 403, 409, 429)},
        },
    },
    "/leads/{lead_id}": read_path(
        "Lire un signalement et ce qu'il est devenu", path_id("lead_id"), "Lead", "Le signalement"
    ),
}
