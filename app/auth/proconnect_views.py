"""The pages of the ProConnect sign-in: the start, the callback, the return from its logout."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from app.auth import bp, proconnect
from app.auth.forms import LoginForm
from app.auth.proconnect import ProConnectRefused, ProConnectUnavailable
from app.auth.sessions import log_security_event, start_session
from app.extensions import limiter
from app.urls import safe_next_url

NEXT_KEY = "proconnect_next"


@bp.app_context_processor
def _proconnect_button():
    return {"proconnect_enabled": proconnect.is_configured}


def _not_offered():
    flash("La connexion avec ProConnect n'est pas proposée sur ce site : utilisez votre adresse e-mail.", "info")
    return redirect(url_for("auth.login"))


def _refused(error: ProConnectRefused | ProConnectUnavailable):
    reason = error.reason if isinstance(error, ProConnectRefused) else "unavailable"
    log_security_event("login_failed", method="proconnect", reason=reason)
    flash(str(error), "error")
    status = 503 if isinstance(error, ProConnectUnavailable) else 401
    return render_template("auth/login.html", form=LoginForm()), status


@bp.route("/connexion/proconnect")
@limiter.limit("30 per minute")
def proconnect_login():
    if not proconnect.is_configured():
        return _not_offered()
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    session[NEXT_KEY] = safe_next_url(request.args.get("next"), url_for("main.home"))
    try:
        return proconnect.authorization_redirect(url_for("auth.proconnect_callback", _external=True))
    except (ProConnectRefused, ProConnectUnavailable) as error:
        return _refused(error)


@bp.route("/connexion/proconnect/retour")
@limiter.limit("30 per minute")
def proconnect_callback():
    if not proconnect.is_configured():
        return _not_offered()
    next_url = safe_next_url(session.pop(NEXT_KEY, None), url_for("main.home"))
    try:
        identity = proconnect.identity_from_callback()
        user = proconnect.account_for(identity)
    except (ProConnectRefused, ProConnectUnavailable) as error:
        return _refused(error)
    start_session()
    login_user(user)
    session[proconnect.LOGOUT_HINT_KEY] = identity.id_token
    return redirect(next_url)


@bp.route("/deconnexion/proconnect")
def proconnect_logged_out():
    if proconnect.is_configured() and proconnect.logout_confirmed():
        flash("Vous êtes déconnecté de Relais Entreprises et de ProConnect.", "success")
    return redirect(url_for("auth.login"))
