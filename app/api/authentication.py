"""Who is calling the API: the client behind the bearer token, checked before every view but the token's own."""

from flask import g, request

from app.api.models import ApiClient
from app.api.problems import ApiProblem
from app.api.services import client_for_token, token_client_id
from app.extensions import client_address

# The API's endpoints that need no token: getting one, and reading the description and its page.
OPEN_ENDPOINTS = frozenset({"api.token", "api.openapi", "api.docs"})
# Per client, whatever the number of its addresses; counted per worker unless the limiter's storage is Redis.
CLIENT_RATE_LIMIT = "300 per minute"


def _bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate_client() -> None:
    if request.endpoint in OPEN_ENDPOINTS:
        return
    token = _bearer_token()
    client = client_for_token(token) if token else None
    if client is None:
        raise ApiProblem(401, "Jeton absent, invalide ou expiré : demandez-en un nouveau à /api/v1/token.")
    g.api_client = client


def current_client() -> ApiClient:
    return g.api_client


def require_write_scope() -> None:
    if not current_client().can_write:
        raise ApiProblem(403, "Ce client est en lecture seule : il ne peut pas écrire.")


def rate_limit_key() -> str:
    """The limiter's key: the client a valid token names (read without the database), else the address."""
    token = _bearer_token()
    client_id = token_client_id(token) if token else None
    return f"api-client:{client_id}" if client_id else client_address()
