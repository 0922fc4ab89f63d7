"""The API's conventions, shared by every resource: JSON answers, validated input, cursors,
`Idempotency-Key` on POST, and ETag / `If-Match` on every write that changes an existing resource."""

import base64
import binascii
import hashlib
from collections.abc import Callable

import sqlalchemy as sa
from flask import Response, json, request
from marshmallow import ValidationError

from app.api.authentication import CLIENT_RATE_LIMIT, current_client, rate_limit_key
from app.api.models import ApiIdempotencyKey
from app.api.problems import ApiProblem
from app.extensions import db, limiter
from app.hostile_input import holds_control_characters

PAGE_SIZE = 100
MAX_ID = 2**31 - 1
api_limit = limiter.limit(CLIENT_RATE_LIMIT, key_func=rate_limit_key)


def json_response(payload, status: int = 200, headers=None) -> Response:
    response = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def load(schema, data):
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ApiProblem(400, "Certains paramètres ne sont pas valides.", errors=error.messages) from error


def json_body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiProblem(400, "Envoyez un objet JSON (Content-Type: application/json).")
    if any(_unstorable(value) for value in _strings(payload)):
        # As app/hostile_input.py does for forms: PostgreSQL text holds no NUL, UTF-8 no lone surrogate.
        raise ApiProblem(400, "Un texte contient un caractère de contrôle ou invalide : retirez-le.")
    return payload


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _unstorable(text: str) -> bool:
    if holds_control_characters([text]):
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --- Cursor pagination: by id, the cursor is the last id of the page ---------------------------


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def cursor_after_id(cursor: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.isdigit() or int(decoded) > MAX_ID:
        raise ApiProblem(400, "Curseur invalide : reprenez la liste depuis le début.")
    return int(decoded)


def cursor_page(query: sa.Select, id_column, filters: dict, unique: bool = False) -> dict:
    """One page of ``query`` by ascending id after ``filters["cursor"]``: {"items", "next_cursor"}."""
    query = query.order_by(id_column)
    if filters.get("cursor"):
        query = query.where(id_column > cursor_after_id(filters["cursor"]))
    result = db.session.scalars(query.limit(PAGE_SIZE + 1))
    rows = (result.unique() if unique else result).all()
    page = rows[:PAGE_SIZE]
    return {"items": page, "next_cursor": encode_cursor(page[-1].id) if len(rows) > PAGE_SIZE else None}


# --- Idempotency-Key ------------------------------------------------------------------------------


def _request_fingerprint() -> str:
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), request.get_data()])).hexdigest()


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and (not key.strip() or len(key) > 255):
        raise ApiProblem(400, "L'en-tête Idempotency-Key doit compter de 1 à 255 caractères.")
    return key


def idempotent_replay(key: str | None) -> Response | None:
    """The first response to this key, if the client sent this request before."""
    if key is None:
        return None
    kept = db.session.scalar(
        sa.select(ApiIdempotencyKey).where(
            ApiIdempotencyKey.client_id == current_client().id, ApiIdempotencyKey.key == key
        )
    )
    if kept is None:
        return None
    if kept.request_fingerprint != _request_fingerprint():
        raise ApiProblem(409, "Cette clé d'idempotence a déjà servi pour une autre requête : prenez-en une nouvelle.")
    return json_response(kept.body, kept.status_code, {"Idempotent-Replayed": "true"})


def keep_response(key: str | None, status: int, body: dict) -> None:
    """Keep the answer to a POST sent with a key, in the same transaction as what it created."""
    if key is not None:
        db.session.add(
            ApiIdempotencyKey(
                client_id=current_client().id,
                key=key,
                request_fingerprint=_request_fingerprint(),
                status_code=status,
                body=body,
            )
        )
    db.session.flush()


def idempotent_post(create: Callable[[], dict], status: int = 201, headers: Callable[[], dict] | None = None):
    """Run ``create`` (which writes and returns the body) once per Idempotency-Key."""
    key = idempotency_key()
    replay = idempotent_replay(key)
    if replay is not None:
        return replay
    body = create()
    keep_response(key, status, body)
    return json_response(body, status, headers() if headers else None)


# --- ETag and If-Match ------------------------------------------------------------------------------


def make_etag(*parts) -> str:
    """A strong ETag from what changes when the resource does (its id and `version`, or its stamp)."""
    stamp = ":".join(str(part) for part in parts)
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:20] + '"'


def _listed(header: str) -> list[str]:
    return [value.strip().removeprefix("W/") for value in request.headers.get(header, "").split(",") if value.strip()]


def not_modified(etag: str) -> bool:
    return etag in _listed("If-None-Match")


def require_if_match(etag: str) -> None:
    """428 when the client did not say which version it read; 412 when that version is stale."""
    if not request.headers.get("If-Match", "").strip():  # absent or blank: nothing was read
        raise ApiProblem(
            428, "Cette modification demande l'en-tête If-Match avec l'ETag de votre dernière lecture de la ressource."
        )
    sent = _listed("If-Match")
    if "*" not in sent and etag not in sent:
        raise ApiProblem(
            412,
            "La ressource a été modifiée depuis votre lecture (ETag périmé) : rien n'a été enregistré. "
            "Relisez-la, puis renvoyez la modification avec le nouvel ETag.",
            headers={"ETag": etag},
        )


def with_etag(body: dict, etag: str, status: int = 200) -> Response:
    if request.method == "GET" and not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    return json_response(body, status, {"ETag": etag})
