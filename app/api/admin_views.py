"""The admins' page for API clients (/administration/api): list, create (the secret shown once),
rotate a secret, revoke a client; the same services as `flask api clients`."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.api.admin_forms import ApiClientForm
from app.api.enums import ApiScope
from app.api.models import ApiClient
from app.api.services import Credentials, create_client, revoke_client, rotate_secret
from app.auth.models import User
from app.confirmation import ask_confirmation, confirmed
from app.converters import database_int
from app.extensions import db
from app.formatting import of
from app.leads.models import SpotterOrganisation
from app.pagination import paginate
from app.referential.models import Basin, Operator
from app.referential.queries import all_basins
from app.transactions import refusal_shown

admin_bp = Blueprint("api_admin", __name__, url_prefix="/administration/api", template_folder="templates")


def _form() -> ApiClientForm:
    form = ApiClientForm()
    operators = db.session.scalars(sa.select(Operator).where(Operator.is_active).order_by(Operator.name))
    organisations = db.session.scalars(
        sa.select(SpotterOrganisation)
        .where(SpotterOrganisation.is_active)
        .options(joinedload(SpotterOrganisation.basin))
        .order_by(SpotterOrganisation.name)
    )
    form.set_choices(list(operators), list(organisations), all_basins())
    return form


def _page(form: ApiClientForm, credentials: Credentials | None = None, status: int = 200):
    clients = (
        sa.select(ApiClient)
        .options(
            joinedload(ApiClient.operator),
            joinedload(ApiClient.principal).selectinload(User.basins),
        )
        .order_by(ApiClient.is_active.desc(), ApiClient.name)
    )
    page = paginate(clients, request.args.get("page", type=database_int))
    organisation_ids = {client.principal.spotter_organisation_id for client in page.items} - {None}
    organisations = dict(
        db.session.execute(
            sa.select(SpotterOrganisation.id, SpotterOrganisation.name).where(
                SpotterOrganisation.id.in_(organisation_ids)
            )
        ).all()
    )
    html = render_template(
        "api/admin_clients.html", page=page, form=form, credentials=credentials, organisations=organisations
    )
    # A page that shows a secret is kept by no cache.
    return html, status, {"Cache-Control": "no-store"} if credentials else {}


@admin_bp.route("", methods=["GET", "POST"])
def clients():
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.is_submitted() else 200)
    organisation = (
        db.session.get(SpotterOrganisation, form.spotter_organisation_id.data)
        if form.spotter_organisation_id.data
        else None
    )
    operator = db.session.get(Operator, form.operator_id.data) if form.operator_id.data else None
    basins = list(db.session.scalars(sa.select(Basin).where(Basin.id.in_(form.basin_ids.data or []))))
    with refusal_shown(form) as outcome:
        credentials = create_client(
            form.name.data,
            operator,
            basins,
            ApiScope(form.scope.data),
            created_by=current_user,
            lead=form.lead.data,
            spotter_organisation=organisation,
        )
    if outcome.refused:
        return _page(form, status=400)
    flash(f"Le client « {credentials.client.name} » est créé.", "success")
    return _page(_form(), credentials)


def _client_or_404(client_id: int) -> ApiClient:
    return db.session.get(ApiClient, client_id) or abort(404)


@admin_bp.post("/<int:client_id>/secret")
def rotate(client_id: int):
    client = _client_or_404(client_id)
    if not confirmed():
        return ask_confirmation(
            title=f"Changer le secret du client {of(client.name)}",
            consequences=(
                "Le secret actuel et les jetons obtenus avec lui cessent aussitôt de fonctionner : "
                "le système appelant devra utiliser le nouveau secret, affiché une seule fois."
            ),
            action_label="Changer le secret",
            cancel_url=url_for("api_admin.clients"),
        )
    with refusal_shown() as outcome:
        credentials = rotate_secret(client)
    if outcome.refused:
        return redirect(url_for("api_admin.clients"))
    flash(f"Le secret du client « {client.name} » est changé.", "success")
    return _page(_form(), credentials)


@admin_bp.post("/<int:client_id>/revocation")
def revoke(client_id: int):
    client = _client_or_404(client_id)
    if not confirmed():
        return ask_confirmation(
            title=f"Révoquer le client {of(client.name)}",
            consequences="Ses jetons cessent aussitôt de fonctionner et il ne pourra plus en obtenir. C'est définitif.",
            action_label="Révoquer le client",
            cancel_url=url_for("api_admin.clients"),
        )
    with refusal_shown() as outcome:
        revoke_client(client)
    if not outcome.refused:
        flash(f"Le client « {client.name} » est révoqué.", "success")
    return redirect(url_for("api_admin.clients"))
