from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp, proconnect
from app.auth.bulk_invitations import invite_rows
from app.auth.devices import DEVICE_COOKIE, new_device_id, remember_device
from app.auth.enums import Role
from app.auth.forms import (
    BulkInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    SetPasswordForm,
    UserForm,
)
from app.auth.models import User
from app.auth.password_links import user_of_password_link
from app.auth.proconnect import ProConnectUnavailable
from app.auth.queries import (
    INVITATION_FILTERS,
    all_basins,
    basins_with_ids,
    followed_invitations,
    offered_operators,
    search_users,
    territory_choices,
)
from app.auth.services import (
    AuthError,
    InvitationOutOfReach,
    LoginRefused,
    PasswordLinkInvalid,
    authenticate,
    cancel_invitation,
    change_password,
    check_invitation_cancellable,
    deactivate_user,
    end_all_sessions,
    invite_user,
    request_password_reset,
    resend_invitation,
    set_password_with_link,
    update_user,
)
from app.auth.sessions import log_security_event, start_session
from app.confirmation import ask_confirmation, confirmed
from app.converters import database_int
from app.employers.readers import ImportFileError, spreadsheet_rows
from app.extensions import client_address, db, limiter
from app.formatting import of
from app.notifications.services import absolute_url, email_row, queue_emails
from app.pagination import paginate
from app.referential.models import Basin, Operator
from app.transactions import keep_changes, refusal_shown
from app.urls import safe_next_url


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            signed_in = authenticate(
                form.email.data, form.password.data, client_address(), request.cookies.get(DEVICE_COOKIE)
            )
        except LoginRefused as refusal:
            keep_changes()  # the failed attempt counts for the throttle
            log_security_event("login_failed", email=form.email.data.strip().lower()[:254], reason=refusal.reason)
            flash(str(refusal), "error")
            return render_template("auth/login.html", form=form), 429 if refusal.reason == "throttled" else 401
        start_session()
        login_user(signed_in.user)
        response = redirect(safe_next_url(request.args.get("next"), url_for("main.home")))
        remember_device(response, signed_in.user, signed_in.device_id)
        return response
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    id_token = session.pop(proconnect.LOGOUT_HINT_KEY, None)
    end_all_sessions(current_user._get_current_object())
    logout_user()
    if id_token and proconnect.is_configured():
        # Signed in through ProConnect: its session ends too, or the next visitor of this
        # browser would be let in again without typing anything.
        try:
            return proconnect.end_session_redirect(id_token, url_for("auth.proconnect_logged_out", _external=True))
        except ProConnectUnavailable as error:
            flash(str(error), "warning")
            return redirect(url_for("auth.login"))
    flash("Vous êtes déconnecté.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"], endpoint="change_password")
def change_password_page():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current_password.data, form.new_password.data)
        except AuthError as error:
            form.current_password.errors.append(str(error))
        else:
            # This session continues with the new token; every other one has ended.
            start_session()
            login_user(user)
            flash("Mot de passe modifié. Vos autres sessions ont été fermées.", "success")
            response = redirect(url_for("main.home"))
            # The new password forgot every known device but this browser, where it was typed.
            remember_device(response, user, new_device_id())
            return response
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


def _reset_email_key() -> str:
    return "password-reset:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
# Per address asked for too, so that nobody floods one person's mailbox from many addresses.
@limiter.limit("3 per hour", methods=["POST"], key_func=_reset_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        requested = request_password_reset(form.email.data)
        if requested is not None:
            user, token = requested
            link = absolute_url("auth.set_password", token=token)
            queue_emails([email_row(user, "password_reset", "Choisir un nouveau mot de passe", {"link": link})])
        log_security_event("password_reset_requested", email=form.email.data.strip().lower()[:254])
        flash(
            "Si un compte actif correspond à cette adresse, il vient de recevoir un e-mail avec un lien "
            "pour choisir un nouveau mot de passe (valable une heure).",
            "success",
        )
        return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


def _invalid_link():
    return render_template("auth/password_link_invalid.html", message=str(PasswordLinkInvalid())), 404


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def set_password(token: str):
    if user_of_password_link(token) is None:
        return _invalid_link()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = set_password_with_link(token, form.new_password.data)
        except PasswordLinkInvalid:
            return _invalid_link()  # used meanwhile by a concurrent submission
        except AuthError as error:
            form.new_password.errors.append(str(error))
            return render_template("auth/set_password.html", form=form), 400
        log_security_event("password_set_by_link", user_id=user.id)
        # Leave any other account's session: the new password opens the account at the next login.
        logout_user()
        flash("Mot de passe enregistré. Connectez-vous avec votre adresse e-mail et ce mot de passe.", "success")
        return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/set_password.html", form=form), status


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    inviter = current_user._get_current_object()
    operators = offered_operators(user.operator if user is not None else None)
    if inviter.role is Role.ADMIN:
        form.set_choices(operators, all_basins())
    else:
        # A task-force lead invites advisers for their own basins only (checked again by the service).
        form.role.choices = [(Role.ADVISER.value, Role.ADVISER.label)]
        form.set_choices(operators, inviter.basins)
    if inviter.role is Role.ADMIN:
        form.territory.choices = [("", "— Aucun —"), *territory_choices()]
    else:
        del form.territory
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
        form.basin_ids.data = [b.id for b in user.basins]
        if form.territory is not None and (user.steering_departement_code or user.steering_region_code):
            form.territory.data = (
                f"departement:{user.steering_departement_code}"
                if user.steering_departement_code
                else f"region:{user.steering_region_code}"
            )
    return form


def _selected_territory(form: UserForm) -> tuple[str, str] | None:
    """The steering territory chosen, ("departement", "44"), or None."""
    value = form.territory.data if form.territory is not None else None
    return tuple(value.split(":", 1)) if value else None


def _selected_scope(form: UserForm) -> tuple[Role, Operator | None, list[Basin]]:
    operator = db.session.get(Operator, form.operator_id.data) if form.operator_id.data else None
    return Role(form.role.data), operator, basins_with_ids(form.basin_ids.data or [])


@bp.route("/administration/utilisateurs")
def admin_users():
    search = request.args.get("q", "").strip()
    invitations = request.args.get("invitations")
    if invitations not in INVITATION_FILTERS:
        invitations = None
    page = paginate(search_users(search, invitations), request.args.get("page", type=database_int), counted=True)
    return render_template(
        "auth/admin_users.html", page=page, search=search, invitations=invitations, filters=INVITATION_FILTERS
    )


def _queue_invitation_email(user: User, token: str, inviter: User) -> None:
    link = absolute_url("auth.set_password", token=token)
    context = {"link": link, "inviter": inviter.full_name}
    queue_emails([email_row(user, "invitation", "Votre compte Relais Entreprises", context)])


@bp.route("/administration/utilisateurs/nouveau", methods=["GET", "POST"])
def admin_user_new():
    form = _user_form()
    del form.is_active  # an invited account is active: its owner opens it by choosing a password
    inviter = current_user._get_current_object()
    if form.validate_on_submit():
        role, operator, basins = _selected_scope(form)
        with refusal_shown(form) as outcome:
            user, token = invite_user(
                email=form.email.data,
                full_name=form.full_name.data,
                role=role,
                operator=operator,
                basins=basins,
                invited_by=inviter,
                territory=_selected_territory(form),
            )
            _queue_invitation_email(user, token, inviter)
        if not outcome.refused:
            flash(f"Invitation envoyée à {user.email} : le lien reste valable 7 jours.", "success")
            if inviter.role is Role.ADMIN:
                return redirect(url_for("auth.admin_users"))
            return redirect(url_for("auth.admin_user_new"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/admin_user_form.html", form=form, user=None), status


@bp.route("/administration/utilisateurs/invitations", methods=["GET", "POST"])
def admin_users_invite_file():
    form = BulkInvitationForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/bulk_invitations.html", form=form, results=None), status
    inviter = current_user._get_current_object()
    upload = form.file.data
    try:
        results = invite_rows(spreadsheet_rows(upload.stream, upload.filename or ""), inviter)
    except (ImportFileError, AuthError) as error:
        form.file.errors = [str(error)]
        return render_template("auth/bulk_invitations.html", form=form, results=None), 400
    for result in results:
        if result.user is not None:
            _queue_invitation_email(result.user, result.token, inviter)
    return render_template("auth/bulk_invitations.html", form=BulkInvitationForm(formdata=None), results=results)


@bp.route("/administration/utilisateurs/<int:user_id>", methods=["GET", "POST"])
def admin_user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if form.validate_on_submit():
        role, operator, basins = _selected_scope(form)
        with refusal_shown(form) as outcome:
            if form.email.data.strip().lower() != user.email:
                raise AuthError("L'adresse e-mail d'un compte ne se modifie pas : créez un autre compte.")
            update_user(
                user,
                full_name=form.full_name.data,
                role=role,
                operator=operator,
                basins=basins,
                is_active=form.is_active.data,
                territory=_selected_territory(form),
            )
        if not outcome.refused:
            flash("Compte modifié.", "success")
            return redirect(url_for("auth.admin_users"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/admin_user_form.html", form=form, user=user), status


@bp.route("/administration/utilisateurs/<int:user_id>/desactiver", methods=["POST"])
def admin_user_deactivate(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        return redirect(url_for("auth.admin_users"))
    if not confirmed():
        return ask_confirmation(
            title=f"Désactiver le compte {of(user.full_name)}",
            consequences=(
                f"{user.full_name} ne pourra plus se connecter et ses sessions seront fermées ; les entreprises"
                " dont cette personne est l'interlocuteur privilégié retourneront dans la file d'affectation."
            ),
            action_label="Désactiver le compte",
            cancel_url=url_for("auth.admin_users"),
        )
    deactivate_user(user)
    flash(f"Le compte {of(user.full_name)} est désactivé ; ses sessions sont fermées.", "success")
    return redirect(url_for("auth.admin_users"))


@bp.route("/administration/utilisateurs/invitations-en-cours")
def pending_invitations():
    page = paginate(followed_invitations(current_user), request.args.get("page", type=database_int))
    return render_template("auth/pending_invitations.html", page=page)


def _invitation_of(user_id: int) -> User:
    # Locked until the request commits: a resend and the person choosing their password
    # (or a second resend) happen one after the other.
    return db.session.get(User, user_id, with_for_update=True) or abort(404)


def _after_invitation_followed():
    return redirect(safe_next_url(request.form.get("next"), url_for("auth.pending_invitations")))


def _invitation_refused(outcome):
    status = 403 if isinstance(outcome.error, InvitationOutOfReach) else 409
    return pending_invitations(), status


@bp.route("/administration/utilisateurs/<int:user_id>/invitation/renvoyer", methods=["POST"])
def admin_user_resend_invitation(user_id: int):
    user = _invitation_of(user_id)
    inviter = current_user._get_current_object()
    with refusal_shown() as outcome:
        token = resend_invitation(user, by=inviter)
        _queue_invitation_email(user, token, inviter)
    if outcome.refused:
        return _invitation_refused(outcome)
    flash(
        f"Invitation renvoyée à {user.email} : le nouveau lien reste valable 7 jours, l'ancien ne sert plus.", "success"
    )
    return _after_invitation_followed()


@bp.route("/administration/utilisateurs/<int:user_id>/invitation/annuler", methods=["POST"])
def admin_user_cancel_invitation(user_id: int):
    user = _invitation_of(user_id)
    with refusal_shown() as outcome:
        check_invitation_cancellable(user, by=current_user._get_current_object())
    if outcome.refused:
        return _invitation_refused(outcome)
    if not confirmed():
        return ask_confirmation(
            title=f"Annuler l'invitation {of(user.full_name)}",
            consequences=(
                f"Le lien reçu par {user.full_name} ({user.email}) ne servira plus et son compte sera désactivé ;"
                " il faudra l'inviter de nouveau pour lui ouvrir l'accès."
            ),
            action_label="Annuler l'invitation",
            cancel_url=safe_next_url(request.form.get("next"), url_for("auth.pending_invitations")),
        )
    with refusal_shown() as outcome:
        cancel_invitation(user, by=current_user._get_current_object())
    if outcome.refused:
        return _invitation_refused(outcome)
    flash(f"Invitation {of(user.full_name)} annulée : son lien ne sert plus et le compte est désactivé.", "success")
    return _after_invitation_followed()
