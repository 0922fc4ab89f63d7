"""The API's endpoints: thin, like the pages' views (parse, call the domain's query or service, answer)."""

from flask import Response, request
from marshmallow import EXCLUDE
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from app.activity.enums import Channel
from app.activity.services import ContactLog, log_interaction
from app.api import bp
from app.api.authentication import (
    authenticate_client,
    current_client,
    require_write_scope,
)
from app.api.conventions import (
    api_limit,
    cursor_page,
    idempotent_post,
    json_body,
    json_response,
    load,
    with_etag,
)
from app.api.lookups import employer_etag, privileged_contact_etag, require_page_right, visible_employer
from app.api.openapi import openapi_document
from app.api.problems import ApiProblem, problem_response
from app.api.schemas import (
    EmployerListQuerySchema,
    EmployerPageSchema,
    EmployerSchema,
    InteractionInputSchema,
    InteractionSchema,
    PrivilegedContactSchema,
    TokenSchema,
)
from app.api.services import TOKEN_LIFETIME, authenticate, issue_token
from app.assignments.services import AssignmentConflict
from app.audit.services import acting_as
from app.employers.models import Employer
from app.employers.queries import active_assignment, visible_employers
from app.employers.services import EditConflict, ExistingEmployer
from app.errors import DomainError
from app.events.services import EventConflict
from app.extensions import db, limiter
from app.hostile_input import RefusedValue
from app.leads.services import LeadConflict
from app.needs.services import NeedConflict
from app.text import normalize_for_search

# --- Token ------------------------------------------------------------------------------------


@bp.post("/token")
@limiter.limit("30 per minute")
def token():
    """OAuth 2 client credentials (RFC 6749 § 4.4): HTTP Basic or the form's client_id and client_secret."""
    if request.form.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", "Seul grant_type=client_credentials est accepté.", 400)
    if request.authorization and request.authorization.type == "basic":
        client_id, secret = request.authorization.username or "", request.authorization.password or ""
    else:
        client_id, secret = request.form.get("client_id", ""), request.form.get("client_secret", "")
    client = authenticate(client_id, secret) if client_id and secret else None
    if client is None:
        return _oauth_error("invalid_client", "Identifiant ou secret du client incorrect, ou client révoqué.", 401)
    issued = issue_token(client)
    body = TokenSchema().dump(
        {"access_token": issued.value, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds())}
    )
    return json_response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _oauth_error(code: str, description: str, status: int) -> Response:
    # OAuth 2's error fields (RFC 6749 § 5.2), within a Problem Details document.
    body = {
        "type": "about:blank",
        "title": "Authentification du client refusée" if status == 401 else "Requête de jeton invalide",
        "status": status,
        "detail": description,
        "error": code,
        "error_description": description,
    }
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="relais"'
    response = json_response(body, status, headers)
    response.mimetype = "application/problem+json"
    return response


# --- Employers --------------------------------------------------------------------------------


@bp.get("/employers")
@api_limit
def employers():
    """The employers the client may see, by id, 100 a page; `next_cursor` leads to the next page."""
    require_page_right("employers.index", "lire les entreprises")
    filters = load(EmployerListQuerySchema(unknown=EXCLUDE), request.args)
    query = visible_employers(current_client().principal).options(joinedload(Employer.basin))
    if filters.get("siret"):
        query = query.where(Employer.siret == filters["siret"])
    words = normalize_for_search(filters.get("q", ""))
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Employer.search_name.like(f"%{escaped}%", escape="\\"))
    if filters.get("commune"):
        query = query.where(Employer.commune_insee == filters["commune"])
    if filters.get("updated_since"):
        query = query.where(Employer.updated_at >= filters["updated_since"])
    return json_response(EmployerPageSchema().dump(cursor_page(query, Employer.id, filters, unique=True)))


@bp.get("/employers/<siret>")
@api_limit
def employer(siret: str):
    require_page_right("employers.detail", "lire les entreprises")
    found = visible_employer(siret)
    return with_etag(EmployerSchema().dump(found), employer_etag(found))


@bp.get("/employers/<siret>/privileged-contact")
@api_limit
def privileged_contact(siret: str):
    """The employer's one door (rule 2): its active privileged contact, if it has one."""
    require_page_right("employers.detail", "lire les entreprises")
    found = visible_employer(siret)
    assignment = active_assignment(found)  # with its adviser and operator, in one statement
    body = {"siret": found.siret, "has_privileged_contact": assignment is not None}
    if assignment is not None:
        body |= {
            "adviser_name": assignment.adviser.full_name,
            "operator": assignment.operator.name,
            "since": assignment.started_at,
        }
    return with_etag(PrivilegedContactSchema().dump(body), privileged_contact_etag(found, assignment))


# --- Interactions -----------------------------------------------------------------------------


@bp.post("/employers/<siret>/interactions")
@api_limit
def log_contact(siret: str):
    """Log a contact with the employer through the same service as the employer page (rule 4)."""
    require_write_scope()
    require_page_right("activity.log_contact", "enregistrer un échange")
    return idempotent_post(lambda: _log_contact(siret))


def _log_contact(siret: str) -> dict:
    found = visible_employer(siret)
    data = load(InteractionInputSchema(), json_body())
    log = ContactLog(
        occurred_on=data["occurred_on"],
        channel=Channel(data["channel"]),
        subject=data["subject"],
        summary=data.get("summary", ""),
        outcome=data.get("outcome", ""),
        contact_id=data.get("contact_id"),
        next_follow_up_on=data.get("next_follow_up_on"),
        next_follow_up_title=data.get("next_follow_up_title", ""),
    )
    client = current_client()
    with acting_as(f"API : {client.name}"):
        interaction = log_interaction(client.principal, found, log)
        body = InteractionSchema().dump(
            {
                "id": interaction.id,
                "siret": found.siret,
                "occurred_on": interaction.occurred_on,
                "channel": interaction.channel.value,
                "subject": interaction.subject,
                "author": client.name,
            }
        )
        db.session.flush()
    return body


# --- The description --------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return json_response(openapi_document())


# --- Refusals, as Problem Details -------------------------------------------------------------


@bp.before_request
def _authenticate():
    authenticate_client()


@bp.errorhandler(ApiProblem)
def _problem(error: ApiProblem):
    return problem_response(error.status, error.detail, error.errors, error.headers)


# The refusals that mean "someone else got there first", a 409 as on the pages.
CONFLICTS = (AssignmentConflict, NeedConflict, EditConflict, ExistingEmployer, LeadConflict, EventConflict)


@bp.errorhandler(DomainError)
def _refused(error: DomainError):
    # A business rule's refusal (the same French message as on the page); nothing was written.
    return problem_response(409 if isinstance(error, CONFLICTS) else 400, str(error))


def _http_error(error: HTTPException):
    # A value the service cannot use (app/hostile_input.py) says why; other HTTP errors by their status.
    detail = error.description if isinstance(error, RefusedValue) else None
    return problem_response(error.code or 500, detail)


# By status too: the application's handlers are registered by status (404, 429…, and 400 for a
# refused value), which Flask prefers to a blueprint's handler of HTTPException.
bp.register_error_handler(HTTPException, _http_error)
for _status in (400, 401, 403, 404, 405, 409, 412, 413, 415, 428, 429):
    bp.register_error_handler(_status, _http_error)
