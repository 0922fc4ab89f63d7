"""Request hooks: who is calling, is their session still valid, may they see this page."""

import functools
import logging
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError

from app.auth.access import is_allowed, is_api_resource, is_public
from app.auth.models import User
from app.extensions import db, login_manager, plan_once
from app.referential.models import Basin
from app.timeutils import utcnow

security_log = logging.getLogger("relais.security")


def log_security_event(event: str, **fields) -> None:
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    security_log.warning(
        "%s user=%s ip=%s route=%s at=%s %s",
        event,
        user_id,
        request.remote_addr,
        request.path,
        utcnow().isoformat(),
        " ".join(f"{key}={value}" for key, value in fields.items()),
    )


# What the domains above this one read with the user on every page (the bell's count): each is
# one statement fewer on every page.
_loaded_with_user: list[Callable[[], sa.orm.interfaces.LoaderOption]] = []


def load_with_user(option: Callable[[], sa.orm.interfaces.LoaderOption]) -> None:
    """Read ``option()`` (a loader option of ``User``) in the statement that loads the user of a request."""
    _loaded_with_user.append(option)
    _user_of_a_request.cache_clear()


@functools.cache
def _user_of_a_request() -> sa.Select:
    """The statement that loads the user of each request, built once per process: building it and
    its cache key again on every request cost more than running it. The basins and the operator
    (the header names it) come with the user."""
    return plan_once(
        sa.select(User)
        .where(User.id == sa.bindparam("user_id"))
        .options(
            Basin.joined_alone(User.basins),
            sa.orm.joinedload(User.operator),
            *(option() for option in _loaded_with_user),
        )
    )


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    statement = _user_of_a_request()
    user = db.session.scalars(statement, {"user_id": int(user_id)}).unique().one_or_none()
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def _session_expired(app: Flask) -> bool:
    now = utcnow().timestamp()
    started = session.get("started_at", 0)
    last_seen = session.get("last_seen_at", 0)
    return (
        now - started > app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
        or now - last_seen > app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    )


def start_session() -> None:
    """A fresh session at login: nothing from before survives."""
    session.clear()
    session.permanent = True
    now = utcnow().timestamp()
    session["started_at"] = now
    session["last_seen_at"] = now


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the session token check is stricter

    @app.before_request
    def enforce_session_and_access():
        if request.endpoint == "static":
            return None
        if current_user.is_authenticated:
            if _session_expired(app):
                logout_user()
                session.clear()
                flash("Votre session a expiré. Reconnectez-vous.", "info")
                return redirect(url_for("auth.login", next=request.full_path))
            session["last_seen_at"] = utcnow().timestamp()
        if is_public(request.endpoint) or is_api_resource(request.endpoint):
            return None
        if request.endpoint is None:
            return None  # unknown URL: let the 404 handler answer
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_allowed(request.endpoint, current_user.role):
            log_security_event("access_refused", endpoint=request.endpoint)
            abort(403)
        return None

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        log_security_event("csrf_failure", reason=error.description)
        return render_template(
            "errors/error.html",
            code=400,
            title="Formulaire expiré",
            message="Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez.",
        ), 400
