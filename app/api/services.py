"""API clients: registered, revoked, their secret rotated; their credentials exchanged for a bearer token.

A client's secret is random (256 bits) and stored as an argon2 hash, like a password. A token is
signed, not stored (itsdangerous with SECRET_KEY): it carries the client, its expiry and a
fingerprint of the secret's hash, so that a rotated secret or a revoked client ends every token
issued before, and nothing needs to be cleaned up.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.api.enums import ApiScope
from app.api.models import ApiClient
from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import UNUSABLE_PASSWORD_HASH, hash_password
from app.errors import DomainError
from app.extensions import db
from app.leads.models import SpotterOrganisation
from app.referential.models import Basin, Operator
from app.timeutils import utcnow

TOKEN_LIFETIME = timedelta(hours=1)
# A write client logs contacts as an adviser of its operator would; a read client reads what a
# manager of its basins reads. Neither is an admin: both are held to their basins.
PRINCIPAL_ROLES = {ApiScope.READ: Role.MANAGER, ApiScope.WRITE: Role.ADVISER}
PRINCIPAL_EMAIL_DOMAIN = "clients-api.invalid"


class ApiClientError(DomainError):
    """A refusal whose message can be shown as it is."""


@dataclass
class Credentials:
    """What `flask api clients create` and `rotate` print once: the secret is not kept in clear."""

    client: ApiClient
    secret: str


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_client(
    name: str,
    operator: Operator | None,
    basins: list[Basin],
    scope: ApiScope,
    created_by: User | None = None,
    lead: bool = False,
    spotter_organisation: SpotterOrganisation | None = None,
) -> Credentials:
    """A new client acting for an operator, or for a spotter organisation (``spotter_organisation``:
    a spotter of it, in its basin, who submits leads and sees only its own); ``lead``: a write client
    acting as a task-force lead (assigns, decides handovers)."""
    name = name.strip()
    if not name:
        raise ApiClientError("Indiquez le nom du client.")
    if spotter_organisation is not None:
        if operator is not None or lead:
            raise ApiClientError("Un client de repéreur d'offres agit pour son organisation, sans opérateur.")
        if not spotter_organisation.is_active:
            raise ApiClientError(f"L'organisation « {spotter_organisation.name} » est désactivée.")
        basins = [spotter_organisation.basin]
    elif operator is None:
        raise ApiClientError("Choisissez l'opérateur pour lequel le client agit.")
    if not basins:
        raise ApiClientError("Choisissez au moins un bassin.")
    if db.session.scalar(sa.select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise ApiClientError(f"Un client « {name} » existe déjà.")
    if lead and scope is not ApiScope.WRITE:
        raise ApiClientError("Un client de pilote de task force doit pouvoir écrire.")
    client_id = f"relais_{secrets.token_hex(12)}"
    # The account the client acts through: deactivated and without a password, nobody logs in with it.
    principal = User(
        email=f"{client_id}@{PRINCIPAL_EMAIL_DOMAIN}",
        full_name=f"API : {name}"[:160],
        password_hash=UNUSABLE_PASSWORD_HASH,
        role=_principal_role(scope, lead, spotter_organisation),
        operator=operator,
        spotter_organisation_id=spotter_organisation.id if spotter_organisation else None,
        basins=list(basins),
        is_active=False,
        wants_email_digest=False,
    )
    secret = _new_secret()
    client = ApiClient(
        client_id=client_id,
        name=name,
        operator=operator,
        principal=principal,
        scope=scope,
        secret_hash=hash_password(secret),
        created_by=created_by,
    )
    db.session.add(client)
    db.session.flush()
    return Credentials(client, secret)


def _principal_role(scope: ApiScope, lead: bool, spotter_organisation: SpotterOrganisation | None) -> Role:
    if spotter_organisation is not None:
        return Role.SPOTTER
    return Role.TASKFORCE_LEAD if lead else PRINCIPAL_ROLES[scope]


def revoke_client(client: ApiClient) -> ApiClient:
    if not client.is_active:
        raise ApiClientError(f"Le client « {client.name} » est déjà révoqué.")
    client.is_active = False
    client.revoked_at = utcnow()
    db.session.flush()
    return client


def rotate_secret(client: ApiClient) -> Credentials:
    """A new secret; the old one, and every token issued with it, stop working at once."""
    if not client.is_active:
        raise ApiClientError(f"Le client « {client.name} » est révoqué : créez-en un autre.")
    secret = _new_secret()
    client.secret_hash = hash_password(secret)
    db.session.flush()
    return Credentials(client, secret)


def get_client(client_id: str) -> ApiClient | None:
    return db.session.scalar(sa.select(ApiClient).where(ApiClient.client_id == client_id))


def authenticate(client_id: str, secret: str) -> ApiClient | None:
    """The active client these credentials name, or None (unknown, revoked or wrong secret)."""
    client = get_client(client_id) if client_id and len(client_id) <= 40 else None
    hasher = PasswordHasher()
    if client is None or not client.is_active:
        return None
    try:
        hasher.verify(client.secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return None
    return client


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def _secret_fingerprint(client: ApiClient) -> str:
    return hashlib.sha256(client.secret_hash.encode()).hexdigest()[:16]


@dataclass
class Token:
    value: str
    expires_at: datetime


def issue_token(client: ApiClient) -> Token:
    expires_at = utcnow() + TOKEN_LIFETIME
    value = _serializer().dumps(
        {"client": client.client_id, "secret": _secret_fingerprint(client), "expires": int(expires_at.timestamp())}
    )
    client.last_used_at = utcnow()
    return Token(value, expires_at)


def token_client_id(value: str) -> str | None:
    """The client a token names, if its signature holds and it has not expired (no database read)."""
    try:
        payload = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("expires"), int):
        return None
    if payload["expires"] <= utcnow().timestamp():
        return None
    client_id = payload.get("client")
    return client_id if isinstance(client_id, str) else None


def client_for_token(value: str) -> ApiClient | None:
    """The active client behind a valid bearer token, issued with its current secret."""
    client_id = token_client_id(value)
    if client_id is None:
        return None
    client = get_client(client_id)
    if client is None or not client.is_active:
        return None
    payload = _serializer().loads(value)
    if not secrets.compare_digest(payload.get("secret", ""), _secret_fingerprint(client)):
        return None
    return client
