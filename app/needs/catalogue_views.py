"""The services catalogue's admin: the list with each service's uses, creation, renaming, deactivation."""

from flask import abort, flash, redirect, render_template, request, url_for

from app.converters import database_int
from app.extensions import db
from app.needs import bp
from app.needs.catalogue import (
    create_service_type,
    service_types_with_counts,
    set_service_type_active,
    update_service_type,
)
from app.needs.forms import ServiceTypeForm, ServiceTypeStatusForm
from app.needs.models import ServiceType
from app.pagination import paginate
from app.transactions import refusal_shown

SERVICES_PER_PAGE = 50


def _catalogue_page(form: ServiceTypeForm, status: int = 200):
    page = paginate(service_types_with_counts(), request.args.get("page", type=database_int), SERVICES_PER_PAGE, False)
    return render_template(
        "needs/catalogue.html", page=page, form=form, status_form=ServiceTypeStatusForm(formdata=None)
    ), status


@bp.route("/administration/services", methods=["GET", "POST"])
def catalogue():
    if request.method == "GET":
        return _catalogue_page(ServiceTypeForm(formdata=None))
    form = ServiceTypeForm()
    if form.validate():
        with refusal_shown(form) as outcome:
            service_type = create_service_type(form.label.data, form.family.data)
        if not outcome.refused:
            flash(f"Service « {service_type.label} » ajouté au catalogue (code {service_type.code}).", "success")
            return redirect(url_for("needs.catalogue"))
    return _catalogue_page(form, 400)


def _service_type_or_404(service_type_id: int) -> ServiceType:
    return db.session.get(ServiceType, service_type_id) or abort(404)


@bp.route("/administration/services/<int:service_type_id>", methods=["GET", "POST"])
def service_type_edit(service_type_id: int):
    service_type = _service_type_or_404(service_type_id)
    form = ServiceTypeForm(obj=service_type)
    if request.method == "POST":
        if form.validate():
            with refusal_shown(form) as outcome:
                update_service_type(service_type, form.label.data, form.family.data)
            if not outcome.refused:
                flash(f"Service « {service_type.label} » modifié.", "success")
                return redirect(url_for("needs.catalogue"))
        return render_template("needs/service_type_form.html", form=form, service_type=service_type), 400
    return render_template("needs/service_type_form.html", form=form, service_type=service_type)


@bp.route("/administration/services/<int:service_type_id>/etat", methods=["POST"])
def service_type_status(service_type_id: int):
    service_type = _service_type_or_404(service_type_id)
    form = ServiceTypeStatusForm()
    if not form.validate():
        flash("Action inconnue : le service n'a pas changé.", "error")
        return _catalogue_page(ServiceTypeForm(formdata=None), 400)
    active = form.active.data == "1"
    set_service_type_active(service_type, active)
    if active:
        flash(f"Le service « {service_type.label} » est de nouveau proposé.", "success")
    else:
        flash(
            f"Le service « {service_type.label} » est désactivé : ses mobilisations le gardent, il n'est plus proposé.",
            "success",
        )
    return redirect(url_for("needs.catalogue"))
