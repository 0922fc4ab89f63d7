"""The API's endpoints: thin, like the pages' views (parse, call the domain's query or service, answer)."""

import base64
import binascii
import hashlib

import sqlalchemy as sa
from flask import Response, json, request
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from app.activity.enums import Channel
from app.activity.services import ContactLog, log_interaction
from app.api import bp
from app.api.authentication import (
    CLIENT_RATE_LIMIT,
    authenticate_client,
    current_client,
    rate_limit_key,
    require_write_scope,
)
from app.api.models import ApiIdempotencyKey
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
from app.assignments.services import active_assignment_of
from app.audit.services import acting_as
from app.employers.models import Employer
from app.employers.queries import get_visible_employer, visible_employers
from app.errors import DomainError
from app.extensions import db, limiter
from app.hostile_input import RefusedValue
from app.text import normalize_for_search

PAGE_SIZE = 100
MAX_ID = 2**31 - 1
api_limit = limiter.limit(CLIENT_RATE_LIMIT, key_func=rate_limit_key)


def _json(payload, status: int = 200, headers=None) -> Response:
    response = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def _load(schema, data):
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ApiProblem(400, "Certains paramètres ne sont pas valides.", errors=error.messages) from error


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
    return _json(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


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
    response = _json(body, status, headers)
    response.mimetype = "application/problem+json"
    return response


# --- Employers --------------------------------------------------------------------------------


def _cursor(employer_id: int) -> str:
    return base64.urlsafe_b64encode(str(employer_id).encode()).decode().rstrip("=")


def _after_id(cursor: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.isdigit() or int(decoded) > MAX_ID:
        raise ApiProblem(400, "Curseur invalide : reprenez la liste depuis le début.")
    return int(decoded)


@bp.get("/employers")
@api_limit
def employers():
    """The employers the client may see, by id, 100 a page; `next_cursor` leads to the next page."""
    filters = _load(EmployerListQuerySchema(unknown=EXCLUDE), request.args)
    query = visible_employers(current_client().principal).options(joinedload(Employer.basin)).order_by(Employer.id)
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
    if filters.get("cursor"):
        query = query.where(Employer.id > _after_id(filters["cursor"]))
    rows = db.session.scalars(query.limit(PAGE_SIZE + 1)).unique().all()
    page = rows[:PAGE_SIZE]
    next_cursor = _cursor(page[-1].id) if len(rows) > PAGE_SIZE else None
    return _json(EmployerPageSchema().dump({"items": page, "next_cursor": next_cursor}))


def _visible_employer(siret: str) -> Employer:
    employer = get_visible_employer(current_client().principal, siret) if len(siret) <= 14 else None
    if employer is None:
        raise ApiProblem(404, "Aucune entreprise de ce SIRET parmi celles que ce client peut voir.")
    return employer


def _etag(employer: Employer) -> str:
    stamp = f"{employer.id}:{employer.version}:{employer.updated_at.isoformat()}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:20] + '"'


@bp.get("/employers/<siret>")
@api_limit
def employer(siret: str):
    found = _visible_employer(siret)
    etag = _etag(found)
    if etag in [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers={"ETag": etag})
    return _json(EmployerSchema().dump(found), headers={"ETag": etag})


@bp.get("/employers/<siret>/privileged-contact")
@api_limit
def privileged_contact(siret: str):
    """The employer's one door (rule 2): its active privileged contact, if it has one."""
    found = _visible_employer(siret)
    assignment = active_assignment_of(found)
    body = {"siret": found.siret, "has_privileged_contact": assignment is not None}
    if assignment is not None:
        body |= {
            "adviser_name": assignment.adviser.full_name,
            "operator": assignment.operator.name,
            "since": assignment.started_at,
        }
    return _json(PrivilegedContactSchema().dump(body))


# --- Interactions -----------------------------------------------------------------------------


def _request_fingerprint() -> str:
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), request.get_data()])).hexdigest()


def _idempotent_replay(key: str | None) -> Response | None:
    """The first response to this key, if the client sent this request before."""
    if key is None:
        return None
    if not key.strip() or len(key) > 255:
        raise ApiProblem(400, "L'en-tête Idempotency-Key doit compter de 1 à 255 caractères.")
    kept = db.session.scalar(
        sa.select(ApiIdempotencyKey).where(
            ApiIdempotencyKey.client_id == current_client().id, ApiIdempotencyKey.key == key
        )
    )
    if kept is None:
        return None
    if kept.request_fingerprint != _request_fingerprint():
        raise ApiProblem(409, "Cette clé d'idempotence a déjà servi pour une autre requête : prenez-en une nouvelle.")
    return _json(kept.body, kept.status_code, {"Idempotent-Replayed": "true"})


@bp.post("/employers/<siret>/interactions")
@api_limit
def log_contact(siret: str):
    """Log a contact with the employer through the same service as the employer page (rule 4)."""
    require_write_scope()
    key = request.headers.get("Idempotency-Key")
    replay = _idempotent_replay(key)
    if replay is not None:
        return replay
    found = _visible_employer(siret)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiProblem(400, "Envoyez un objet JSON (Content-Type: application/json).")
    data = _load(InteractionInputSchema(), payload)
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
        if key is not None:
            db.session.add(
                ApiIdempotencyKey(
                    client_id=client.id, key=key, request_fingerprint=_request_fingerprint(), status_code=201, body=body
                )
            )
        db.session.flush()
    return _json(body, 201)


# --- The description --------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return _json(openapi_document())


# --- Refusals, as Problem Details -------------------------------------------------------------


@bp.before_request
def _authenticate():
    authenticate_client()


@bp.errorhandler(ApiProblem)
def _problem(error: ApiProblem):
    return problem_response(error.status, error.detail, error.errors, error.headers)


@bp.errorhandler(DomainError)
def _refused(error: DomainError):
    # A business rule's refusal (the same French message as on the page); nothing was written.
    return problem_response(400, str(error))


def _http_error(error: HTTPException):
    # A value the service cannot use (app/hostile_input.py) says why; other HTTP errors by their status.
    detail = error.description if isinstance(error, RefusedValue) else None
    return problem_response(error.code or 500, detail)


# By status too: the application's handlers are registered by status (404, 429…, and 400 for a
# refused value), which Flask prefers to a blueprint's handler of HTTPException.
bp.register_error_handler(HTTPException, _http_error)
for _status in (400, 401, 403, 404, 405, 409, 412, 413, 415, 428, 429):
    bp.register_error_handler(_status, _http_error)
