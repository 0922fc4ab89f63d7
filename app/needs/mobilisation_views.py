"""Services mobilised for an employer: from its page (on one of its needs or not), and their edit page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.converters import database_int
from app.employers.queries import get_visible_employer
from app.needs import bp
from app.needs.forms import mobilisation_form
from app.needs.mobilisations import create_mobilisation, update_mobilisation
from app.needs.queries import employer_needs, get_visible_mobilisation
from app.needs.services import NeedConflict
from app.timeutils import today_paris
from app.transactions import refusal_shown


@bp.route("/entreprises/<siret>/solutions/nouvelle", methods=["GET", "POST"])
def mobilisation_new(siret: str):
    employer = get_visible_employer(current_user, siret)
    if employer is None:
        abort(404)
    needs = employer_needs(employer)
    wanted_need = request.args.get("besoin", type=database_int)
    data = {"proposed_on": today_paris(), "need": wanted_need} if request.method == "GET" else None
    form = mobilisation_form(needs=needs, data=data)
    if form.validate_on_submit():
        need = next((need for need in needs if need.id == form.need.data), None)
        with refusal_shown(form) as outcome:
            create_mobilisation(employer, form.mobilisation_data(), need=need, author=current_user)
        if not outcome.refused:
            flash(f"Solution « {form.chosen_type.label} » enregistrée pour l'entreprise.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key) + "#solutions")
    status = 400 if form.is_submitted() else 200
    return render_template("needs/mobilisation_form.html", form=form, employer=employer, mobilisation=None), status


@bp.route("/solutions/<int:mobilisation_id>/modifier", methods=["GET", "POST"])
def mobilisation_edit(mobilisation_id: int):
    mobilisation = get_visible_mobilisation(current_user, mobilisation_id)
    if mobilisation is None:
        abort(404)
    employer = mobilisation.employer
    data = None
    if request.method == "GET":
        data = {
            "version": mobilisation.version,
            "service_type": mobilisation.service_type_id,
            **{name: getattr(mobilisation, name) for name in ("status", "proposed_on", "starts_on", "ends_on")},
            **{name: getattr(mobilisation, name) for name in ("delivered_on", "people", "hires", "funder", "note")},
        }
    form = mobilisation_form(current=mobilisation, data=data)
    conflict = False
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            update_mobilisation(mobilisation, form.mobilisation_data(), expected_version=form.expected_version())
        if not outcome.refused:
            flash(f"Solution « {mobilisation.service_type.label} » modifiée.", "success")
            if mobilisation.need_id:
                return redirect(url_for("needs.detail", need_id=mobilisation.need_id))
            return redirect(url_for("employers.detail", siret=employer.url_key) + "#solutions")
        conflict = isinstance(outcome.error, NeedConflict)
    status = (409 if conflict else 400) if form.is_submitted() else 200
    return render_template(
        "needs/mobilisation_form.html", form=form, employer=employer, mobilisation=mobilisation
    ), status
