"""Known devices: browsers where an account's owner has logged in before (OWASP "device cookies").

After a successful login the browser keeps a signed, long-lived cookie naming the account and a
random device id. Someone who only knows the e-mail address has no such cookie: the locks that
their wrong passwords set (per account, per address: app/auth/services.py) do not stop the
owner's own browser, which is locked by its own failures only, so a stolen cookie gives a few
guesses, no more. The cookie is tied to the password: changing it forgets every known device.
"""

import hashlib
import secrets

from flask import Response, current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from app.auth.models import User

DEVICE_COOKIE = "relais_appareil"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="relais-known-device")


def _lifetime_seconds() -> int:
    return int(current_app.config["KNOWN_DEVICE_LIFETIME"].total_seconds())


def _password_fingerprint(user: User) -> str:
    # The hash is salted: this says nothing of the password, and changes with it.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def new_device_id() -> str:
    return secrets.token_urlsafe(16)


def known_device(cookie: str | None, user: User | None) -> str | None:
    """The device id that this cookie proves for this account, or None."""
    if not cookie or user is None:
        return None
    try:
        user_id, device_id, fingerprint = _serializer().loads(cookie, max_age=_lifetime_seconds())
    except (BadData, TypeError, ValueError):
        return None
    if user_id != user.id or fingerprint != _password_fingerprint(user):
        return None
    return device_id


def remember_device(response: Response, user: User, device_id: str) -> None:
    """Make this browser a known device of the account (sent only to the login page)."""
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps([user.id, device_id, _password_fingerprint(user)]),
        max_age=_lifetime_seconds(),
        path=url_for("auth.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
