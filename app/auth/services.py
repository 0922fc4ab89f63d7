"""Accounts, passwords, login throttling and session revocation."""

import contextlib
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.auth.enums import Role
from app.auth.models import LoginAttempt, User, new_session_token
from app.auth.signals import user_deactivated
from app.errors import DomainError
from app.extensions import db
from app.referential.models import Basin, Operator
from app.timeutils import utcnow

MIN_PASSWORD_LENGTH = 12


class AuthError(DomainError):
    """A refusal with a message that can be shown to the user as it is."""


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(password) > 128:
        raise AuthError("Le mot de passe ne peut pas dépasser 128 caractères.")


def _verify(user: User, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


# A hash to verify against when the account does not exist, so that the answer
# takes as long as for a real account (no account enumeration by timing).
_DUMMY_HASH_CACHE: dict[tuple, str] = {}


def _dummy_verify(password: str) -> None:
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[key] = hasher.hash("not-a-real-password")
    with contextlib.suppress(VerificationError):
        hasher.verify(_DUMMY_HASH_CACHE[key], password)


def _recent_failures(column, value: str, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(column == value, LoginAttempt.attempted_at >= since)
    )


def is_throttled(email: str, ip_address: str) -> bool:
    config = current_app.config
    since = utcnow() - config["LOGIN_THROTTLE_WINDOW"]
    return (
        _recent_failures(LoginAttempt.email, email, since) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.ip_address, ip_address, since) >= config["LOGIN_MAX_FAILURES_PER_IP"]
    )


class LoginRefused(AuthError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        if self.reason == "throttled":
            return "Trop de tentatives de connexion. Réessayez dans quelques minutes."
        return "Adresse e-mail ou mot de passe incorrect."


def authenticate(email: str, password: str, ip_address: str) -> User:
    """The active user with these credentials, or LoginRefused. Failures are counted."""
    email = email.strip().lower()
    if is_throttled(email, ip_address):
        raise LoginRefused("throttled")
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        _dummy_verify(password)
    if user is None or not _verify(user, password) or not user.is_active:
        db.session.add(LoginAttempt(email=email, ip_address=ip_address))
        raise LoginRefused("bad_credentials")
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email))
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued to this user stops working."""
    user.session_token = new_session_token()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not _verify(user, current_password):
        raise AuthError("Le mot de passe actuel est incorrect.")
    check_password_strength(new_password)
    if new_password == current_password:
        raise AuthError("Le nouveau mot de passe doit être différent de l'actuel.")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def _check_scope(role: Role, operator: Operator | None, basins: list[Basin]) -> None:
    if role in (Role.ADVISER, Role.TASKFORCE_LEAD) and operator is None:
        raise AuthError("Un conseiller ou un pilote doit être rattaché à un opérateur.")
    if role is not Role.ADMIN and not basins:
        raise AuthError("Choisissez au moins un bassin d'emploi.")


def create_user(
    *, email: str, full_name: str, password: str, role: Role, operator: Operator | None, basins: list[Basin]
) -> User:
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AuthError("Un compte existe déjà avec cette adresse e-mail.")
    check_password_strength(password)
    _check_scope(role, operator, basins)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        operator=operator,
        basins=list(basins),
    )
    db.session.add(user)
    return user


def update_user(
    user: User, *, full_name: str, role: Role, operator: Operator | None, basins: list[Basin], is_active: bool
) -> None:
    _check_scope(role, operator, basins)
    scope_changed = role is not user.role or set(basins) != set(user.basins)
    user.full_name = full_name.strip()
    user.role = role
    user.operator = operator
    user.basins = list(basins)
    if user.is_active and not is_active:
        deactivate_user(user)
    else:
        user.is_active = is_active
        if scope_changed:
            # New rights start with a new login, never inside an old session.
            end_all_sessions(user)


def deactivate_user(user: User) -> None:
    user.is_active = False
    end_all_sessions(user)
    user_deactivated.send(user)
