from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.auth.devices import DEVICE_COOKIE, new_device_id, remember_device
from app.auth.enums import Role
from app.auth.forms import ChangePasswordForm, LoginForm, UserForm
from app.auth.models import User
from app.auth.queries import all_basins, all_operators, basins_with_ids, search_users
from app.auth.services import (
    AuthError,
    LoginRefused,
    authenticate,
    change_password,
    create_user,
    deactivate_user,
    end_all_sessions,
    update_user,
)
from app.auth.sessions import log_security_event, start_session
from app.converters import database_int
from app.extensions import client_address, db, limiter
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
    end_all_sessions(current_user._get_current_object())
    logout_user()
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


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.set_choices(all_operators(), all_basins())
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
        form.basin_ids.data = [b.id for b in user.basins]
    return form


def _selected_scope(form: UserForm) -> tuple[Role, Operator | None, list[Basin]]:
    operator = db.session.get(Operator, form.operator_id.data) if form.operator_id.data else None
    return Role(form.role.data), operator, basins_with_ids(form.basin_ids.data or [])


@bp.route("/administration/utilisateurs")
def admin_users():
    search = request.args.get("q", "").strip()
    page = paginate(search_users(search), request.args.get("page", type=database_int))
    return render_template("auth/admin_users.html", page=page, search=search)


@bp.route("/administration/utilisateurs/nouveau", methods=["GET", "POST"])
def admin_user_new():
    form = _user_form()
    if form.validate_on_submit():
        role, operator, basins = _selected_scope(form)
        with refusal_shown(form) as outcome:
            if not form.password.data:
                raise AuthError("Indiquez un mot de passe initial (12 caractères au moins).")
            create_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                role=role,
                operator=operator,
                basins=basins,
            )
        if not outcome.refused:
            flash("Compte créé.", "success")
            return redirect(url_for("auth.admin_users"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/admin_user_form.html", form=form, user=None), status


@bp.route("/administration/utilisateurs/<int:user_id>", methods=["GET", "POST"])
def admin_user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    del form.password
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
    deactivate_user(user)
    flash(f"Le compte de {user.full_name} est désactivé ; ses sessions sont fermées.", "success")
    return redirect(url_for("auth.admin_users"))
