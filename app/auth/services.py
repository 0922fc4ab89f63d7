"""Accounts, passwords, login throttling and session revocation."""

import contextlib
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.auth.devices import known_device, new_device_id
from app.auth.enums import Role
from app.auth.models import LoginAttempt, User, new_session_token
from app.auth.password_links import (
    INVITATION_LIFETIME,
    RESET_LIFETIME,
    forget_password_link,
    issue_password_link,
    user_of_password_link,
)
from app.auth.password_rules import password_problem
from app.auth.signals import user_deactivated
from app.errors import DomainError
from app.extensions import db
from app.referential.models import Basin, Operator
from app.timeutils import utcnow

# Not an argon2 hash: every password check fails until the invited person chooses one.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105  (a marker, not a secret)


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
    problem = password_problem(password)
    if problem is not None:
        raise AuthError(problem)


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


def _recent_failures(*conditions, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(*conditions, LoginAttempt.attempted_at >= since)
    )


def is_throttled(email: str, ip_address: str, device_id: str | None = None) -> bool:
    """Whether this attempt is refused before its password is even tried.

    A known device of the account counts its own failures only: neither an attacker's wrong
    passwords on the account nor those of its address lock the owner's browser out.
    """
    config = current_app.config
    since = utcnow() - config["LOGIN_THROTTLE_WINDOW"]
    if device_id is not None:
        return (
            _recent_failures(LoginAttempt.email == email, LoginAttempt.device_id == device_id, since=since)
            >= config["LOGIN_MAX_FAILURES_PER_DEVICE"]
        )
    return (
        _recent_failures(LoginAttempt.email == email, since=since) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.ip_address == ip_address, since=since) >= config["LOGIN_MAX_FAILURES_PER_IP"]
    )


class LoginRefused(AuthError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        if self.reason == "throttled":
            return "Trop de tentatives de connexion. Réessayez dans quelques minutes."
        return "Adresse e-mail ou mot de passe incorrect."


class Login(NamedTuple):
    user: User
    device_id: str  # the known device that the browser keeps (app/auth/devices.py)


def authenticate(email: str, password: str, ip_address: str, device_cookie: str | None = None) -> Login:
    """The active user with these credentials, or LoginRefused. Failures are counted."""
    email = email.strip().lower()
    # The account's row stays locked until the request commits the failure it records: parallel
    # attempts on one account are counted one after the other, so no more than the allowed
    # number is ever tried. NO KEY UPDATE lets rows that refer to the user be written meanwhile.
    # (SQLite has no row locks: a POST's BEGIN IMMEDIATE, app/write_intent.py, runs them one at a time.)
    user = db.session.scalar(sa.select(User).where(User.email == email).with_for_update(key_share=True))
    device_id = known_device(device_cookie, user)
    if is_throttled(email, ip_address, device_id):
        raise LoginRefused("throttled")
    if user is None:
        _dummy_verify(password)
    if user is None or not _verify(user, password) or not user.is_active:
        db.session.add(LoginAttempt(email=email, ip_address=ip_address, device_id=device_id))
        raise LoginRefused("bad_credentials")
    # From a known device the account may be locked by someone else's failures: the owner's
    # login clears only this device's, and hands the attacker no fresh guesses.
    cleared = sa.delete(LoginAttempt).where(LoginAttempt.email == email)
    if device_id is not None:
        cleared = cleared.where(LoginAttempt.device_id == device_id)
    db.session.execute(cleared)
    user.last_login_at = utcnow()
    return Login(user, device_id or new_device_id())


def end_all_sessions(user: User) -> None:
    """Every cookie issued to this user stops working."""
    user.session_token = new_session_token()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not _verify(user, current_password):
        raise AuthError("Le mot de passe actuel est incorrect.")
    check_password_strength(new_password)
    if new_password == current_password:
        raise AuthError("Le nouveau mot de passe doit être différent de l'actuel.")
    _set_password(user, new_password)


def _set_password(user: User, password: str) -> None:
    """The new password ends every session and, through the hash, forgets every known device
    (app/auth/devices.py); a link sent earlier to choose one stops working."""
    user.password_hash = hash_password(password)
    forget_password_link(user)
    end_all_sessions(user)
    if user.activated_at is None:
        user.activated_at = utcnow()


def _check_operator_offered(operator: Operator | None, current: Operator | None = None) -> None:
    """A deactivated operator keeps its users but takes no new one."""
    if operator is not None and not operator.is_active and operator != current:
        raise AuthError(f"L'opérateur « {operator.name} » est désactivé : choisissez-en un autre.")


# A steering account's territory: ("departement", "44") or ("region", "52").
Territory = tuple[str, str]


def _check_scope(
    role: Role, operator: Operator | None, basins: list[Basin], territory: Territory | None = None
) -> None:
    if role is Role.STEERING:
        if territory is None:
            raise AuthError(
                "Un compte de pilotage territorial lit un territoire : choisissez un département ou une région."
            )
        if basins:
            raise AuthError(
                "Un compte de pilotage territorial voit les bassins de son territoire : ne cochez aucun bassin."
            )
        return
    if territory is not None:
        raise AuthError("Seul un compte de pilotage territorial a un territoire : choisissez « Aucun ».")
    if role in (Role.ADVISER, Role.TASKFORCE_LEAD) and operator is None:
        raise AuthError("Un conseiller ou un pilote doit être rattaché à un opérateur.")
    if role is not Role.ADMIN and not basins:
        raise AuthError("Choisissez au moins un bassin d'emploi.")


def create_user(
    *,
    email: str,
    full_name: str,
    password: str,
    role: Role,
    operator: Operator | None,
    basins: list[Basin],
    territory: Territory | None = None,
) -> User:
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AuthError("Un compte existe déjà avec cette adresse e-mail.")
    check_password_strength(password)
    _check_scope(role, operator, basins, territory)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        operator=operator,
        basins=list(basins),
        activated_at=utcnow(),  # its password is set: nobody has to accept anything
    )
    _set_territory(user, territory)
    db.session.add(user)
    return user


def _set_territory(user: User, territory: Territory | None) -> None:
    kind, code = territory or (None, None)
    user.steering_departement_code = code if kind == "departement" else None
    user.steering_region_code = code if kind == "region" else None


def _check_invitation_rights(inviter: User, role: Role, basins: list[Basin]) -> None:
    if inviter.role is Role.ADMIN:
        return
    if role is not Role.ADVISER:
        raise AuthError("Un pilote de task force n'invite que des conseillers.")
    if not {basin.id for basin in basins} <= inviter.basin_ids:
        raise AuthError("Vous ne pouvez inviter que pour vos propres bassins d'emploi.")


def invite_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    operator: Operator | None,
    basins: list[Basin],
    invited_by: User,
    territory: Territory | None = None,
) -> tuple[User, str]:
    """A new account without a usable password, and the token of the link (valid 7 days)
    where its owner chooses one: nobody else ever knows it."""
    _check_invitation_rights(invited_by, role, basins)
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AuthError("Un compte existe déjà avec cette adresse e-mail.")
    _check_scope(role, operator, basins, territory)
    _check_operator_offered(operator)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=UNUSABLE_PASSWORD_HASH,
        role=role,
        operator=operator,
        basins=list(basins),
        invited_at=utcnow(),
        invited_by=invited_by,
    )
    _set_territory(user, territory)
    db.session.add(user)
    token = issue_password_link(user, INVITATION_LIFETIME)
    db.session.flush()  # the invitation e-mail names the user's id
    return user, token


class InvitationOutOfReach(AuthError):
    """The invitation is someone else's to follow (the view answers 403)."""


def _check_may_follow_invitation(actor: User, user: User) -> None:
    """Who may invite a person may resend or cancel their invitation: an admin, or a task-force
    lead for an adviser working on the lead's basins only."""
    if actor.role is Role.ADMIN:
        return
    if (
        actor.role is Role.TASKFORCE_LEAD
        and user.role is Role.ADVISER
        and user.basin_ids
        and user.basin_ids <= actor.basin_ids
    ):
        return
    raise InvitationOutOfReach("Vous ne pouvez suivre que les invitations des conseillers de vos bassins d'emploi.")


def resend_invitation(user: User, *, by: User) -> str:
    """A new link valid 7 days for a person who has not chosen a password yet; the previous
    link stops working. Returns the token to put in the e-mail."""
    _check_may_follow_invitation(by, user)
    if user.activated_at is not None:
        raise AuthError(
            "Ce compte est déjà activé : pour choisir un nouveau mot de passe, la personne utilise "
            "« Mot de passe oublié » sur la page de connexion."
        )
    if not user.is_active:
        raise AuthError("Cette invitation est annulée : un administrateur doit d'abord réactiver le compte.")
    token = issue_password_link(user, INVITATION_LIFETIME)
    user.invited_at = utcnow()
    user.invited_by = by
    return token


def check_invitation_cancellable(user: User, *, by: User) -> None:
    """Raise the refusal ``cancel_invitation`` would, before the user is asked to confirm."""
    _check_may_follow_invitation(by, user)
    if user.activated_at is not None:
        raise AuthError(
            "Ce compte est déjà activé : ce n'est plus une invitation. Un administrateur peut le désactiver depuis sa fiche."
        )
    if not user.is_active:
        raise AuthError("Cette invitation est déjà annulée.")


def cancel_invitation(user: User, *, by: User) -> None:
    """The invited account is deactivated (its receivers run) and its link stops working."""
    check_invitation_cancellable(user, by=by)
    forget_password_link(user)
    deactivate_user(user)


def request_password_reset(email: str) -> tuple[User, str] | None:
    """The active account at this address and the token of its link (valid 1 hour), or None.
    The caller answers the same either way, so nobody learns which addresses have an account."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return None
    return user, issue_password_link(user, RESET_LIFETIME)


class PasswordLinkInvalid(AuthError):
    def __init__(self) -> None:
        super().__init__("Ce lien n'est plus valide : il a déjà servi ou a expiré. Demandez-en un nouveau.")


def set_password_with_link(token: str, new_password: str) -> User:
    user = user_of_password_link(token, for_update=True)
    if user is None:
        raise PasswordLinkInvalid()
    check_password_strength(new_password)
    _set_password(user, new_password)
    return user


def update_user(
    user: User,
    *,
    full_name: str,
    role: Role,
    operator: Operator | None,
    basins: list[Basin],
    is_active: bool,
    territory: Territory | None = None,
) -> None:
    _check_scope(role, operator, basins, territory)
    _check_operator_offered(operator, current=user.operator)
    territory_before = (user.steering_departement_code, user.steering_region_code)
    scope_changed = role is not user.role or set(basins) != set(user.basins)
    user.full_name = full_name.strip()
    user.role = role
    user.operator = operator
    user.basins = list(basins)
    _set_territory(user, territory)
    scope_changed = scope_changed or territory_before != (user.steering_departement_code, user.steering_region_code)
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
