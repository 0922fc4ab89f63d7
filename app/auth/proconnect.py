"""Sign-in through ProConnect, the State's OpenID Connect federation for public agents.

Authlib runs the protocol: discovery from the issuer, state and nonce kept in the session and
accepted once, the ID token's signature checked against the provider's published keys, its
issuer, audience, expiry and nonce. This module adds what ProConnect asks on top of plain
OpenID Connect (acr_values, a signed userinfo answer, logout with id_token_hint) and matches
an identity to an existing active account by e-mail: nobody signs up through ProConnect.
"""

from dataclasses import dataclass

import requests
import sqlalchemy as sa
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from app.auth.models import User
from app.auth.services import AuthError
from app.extensions import db
from app.timeutils import utcnow

NAME = "proconnect"
# The claims ProConnect gives every service (its documentation's "données obligatoires").
SCOPES = "openid email given_name usual_name"
ACR_VALUES = "eidas1"
# Kept in the session of a user signed in through ProConnect: logout hands it back as id_token_hint.
LOGOUT_HINT_KEY = "proconnect_logout_hint"
# Clock difference tolerated between ProConnect and this server on exp and iat, in seconds.
LEEWAY = 60
# ProConnect unreachable, or answering with something that is not OpenID Connect: a network
# error, a body that is not JSON, a discovery document without an endpoint Authlib needs.
UNAVAILABLE = (requests.RequestException, ValueError, KeyError, RuntimeError)


class ProConnectRefused(AuthError):
    """The sign-in did not prove who the person is, or they have no account here."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class ProConnectUnavailable(AuthError):
    """ProConnect did not answer, or answered something that is not OpenID Connect."""


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    id_token: str


def is_configured() -> bool:
    config = current_app.config
    return all(config.get(key) for key in ("PROCONNECT_ISSUER", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET"))


def _issuer() -> str:
    return current_app.config["PROCONNECT_ISSUER"].rstrip("/")


def client() -> FlaskOAuth2App:
    """The Authlib client, one per configuration: it keeps the discovery document and the keys."""
    config = current_app.config
    key = (_issuer(), config["PROCONNECT_CLIENT_ID"], config["PROCONNECT_CLIENT_SECRET"])
    clients = current_app.extensions.setdefault("proconnect_clients", {})
    if key not in clients:
        clients[key] = FlaskOAuth2App(
            FlaskIntegration(NAME),
            NAME,
            client_id=key[1],
            client_secret=key[2],
            server_metadata_url=f"{key[0]}/.well-known/openid-configuration",
            # ProConnect authenticates services by the secret in the token request's body.
            client_kwargs={"scope": SCOPES, "token_endpoint_auth_method": "client_secret_post", "timeout": 10},
        )
    return clients[key]


def _metadata() -> dict:
    metadata = client().load_server_metadata()
    # OpenID Connect Discovery §4.3: a document that names another issuer must not be used.
    if metadata.get("issuer", "").rstrip("/") != _issuer():
        raise ProConnectRefused("Le fournisseur d'identité ne s'est pas présenté comme ProConnect.", "wrong_issuer")
    return metadata


def authorization_redirect(redirect_uri: str):
    try:
        _metadata()
        return client().authorize_redirect(redirect_uri, acr_values=ACR_VALUES)
    except UNAVAILABLE as error:
        raise ProConnectUnavailable("ProConnect ne répond pas. Réessayez dans quelques minutes.") from error


def _claims_options() -> dict:
    return {
        "iss": {"essential": True, "value": _issuer()},
        "aud": {"essential": True, "value": current_app.config["PROCONNECT_CLIENT_ID"]},
    }


def _userinfo(token: dict) -> dict:
    """ProConnect answers userinfo with a JWT signed like the ID token; a plain provider with JSON."""
    oidc = client()
    response = oidc.get(_metadata()["userinfo_endpoint"], token=token)
    response.raise_for_status()
    if not response.headers.get("Content-Type", "").startswith("application/jwt"):
        return response.json()
    decoded = jwt.decode(
        response.text.strip(),
        KeySet.import_key_set(oidc.fetch_jwk_set()),
        registry=JWSRegistry(algorithms=_metadata().get("userinfo_signing_alg_values_supported")),
    )
    jwt.JWTClaimsRegistry(**_claims_options()).validate(decoded.claims)
    return decoded.claims


def identity_from_callback() -> Identity:
    """The person ProConnect vouches for, from the callback's code; refused unless every check holds."""
    try:
        _metadata()
        token = client().authorize_access_token(claims_options=_claims_options(), leeway=LEEWAY)
        id_claims = token.get("userinfo")
        if not id_claims:
            raise ProConnectRefused("ProConnect n'a pas renvoyé de jeton d'identité.", "no_id_token")
        userinfo = _userinfo(token)
    except OAuthError as error:
        raise ProConnectRefused(
            "La connexion avec ProConnect n'a pas abouti (demande expirée, déjà utilisée ou annulée). Recommencez.",
            f"oauth:{error.error}",
        ) from error
    except JoseError as error:
        claim = getattr(error, "claim", None)
        raise ProConnectRefused(
            "La réponse de ProConnect n'a pas pu être vérifiée : connexion refusée.",
            f"token:{error.error}:{claim}" if claim else f"token:{error.error}",
        ) from error
    except UNAVAILABLE as error:
        raise ProConnectUnavailable("ProConnect ne répond pas. Réessayez dans quelques minutes.") from error
    # OpenID Connect Core §5.3.2: the userinfo answer must be about the person of the ID token.
    if userinfo.get("sub") != id_claims["sub"]:
        raise ProConnectRefused(
            "La réponse de ProConnect n'a pas pu être vérifiée : connexion refusée.", "sub_mismatch"
        )
    email = str(userinfo.get("email") or id_claims.get("email") or "").strip().lower()
    if not email:
        raise ProConnectRefused("ProConnect n'a pas transmis votre adresse e-mail : connexion refusée.", "no_email")
    return Identity(subject=id_claims["sub"], email=email, id_token=token["id_token"])


def account_for(identity: Identity) -> User:
    """The active account of this e-mail address; ProConnect never creates one."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == identity.email))
    if user is None or not user.is_active:
        raise ProConnectRefused(
            f"Aucun compte actif de Relais Entreprises n'est associé à l'adresse {identity.email}. "
            "Demandez à l'administrateur de votre bassin de vous ouvrir un compte à cette adresse.",
            "unknown_account" if user is None else "inactive_account",
        )
    if user.activated_at is None:
        # An invited person who signs in through ProConnect has made the account theirs without
        # a password: the invitation is no longer pending (nor to be cancelled).
        user.activated_at = utcnow()
    return user


def end_session_redirect(id_token: str, post_logout_redirect_uri: str):
    """Send the browser to ProConnect's logout, which then comes back to post_logout_redirect_uri."""
    try:
        return client().logout_redirect(post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token)
    except UNAVAILABLE as error:
        raise ProConnectUnavailable(
            "Vous êtes déconnecté de Relais Entreprises, mais ProConnect ne répond pas : "
            "fermez votre navigateur pour terminer aussi votre session ProConnect."
        ) from error


def logout_confirmed() -> bool:
    """Whether ProConnect came back from the logout this browser started."""
    try:
        client().validate_logout_response()
    except OAuthError:
        return False
    return True
