from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.queries import visible_basins
from app.converters import database_int
from app.employers.queries import active_assignment, get_visible_employer
from app.extensions import db
from app.needs import bp
from app.needs.enums import ContractType, NeedStatus
from app.needs.exports import export_rows
from app.needs.forms import (
    CloseForm,
    MoveForm,
    NeedForm,
    PublicHiresForm,
    ReopenForm,
    SatisfactionForm,
    SourcingForm,
    mobilisation_form,
)
from app.needs.inclusion import public_hires_of, record_public_hires
from app.needs.mobilisations import create_mobilisation
from app.needs.queries import (
    TARGET_CHOICES,
    NeedFilters,
    board_columns,
    filtered_needs,
    get_visible_need,
)
from app.needs.services import (
    NeedConflict,
    NeedError,
    close_need,
    create_need,
    move_need,
    privileged_contact_id,
    record_satisfaction,
    reopen_need,
    stage_spans,
    update_need,
)
from app.needs.sourcing import record_sourcing, sourcing_operators, sourcings_of
from app.pagination import paginate
from app.spreadsheets import spreadsheet_response
from app.timeutils import today_paris
from app.transactions import refusal_shown
from app.urls import safe_next_url


def _filters() -> tuple[NeedFilters, list]:
    basins = visible_basins(current_user)
    return NeedFilters.from_args(request.args, basins), basins


def _filter_context(filters: NeedFilters, basins: list) -> dict:
    return {
        "filters": filters,
        "basins": basins,
        "statuses": list(NeedStatus),
        "contracts": list(ContractType),
        "targets": TARGET_CHOICES,
    }


@bp.route("/besoins")
def board():
    filters, basins = _filters()
    if filters.basin is None and basins:
        filters.basin = basins[0].id  # the board is per basin
    columns = board_columns(current_user, filters)
    return render_template(
        "needs/board.html",
        columns=columns,
        move_form=MoveForm(),
        today=today_paris(),
        **_filter_context(filters, basins),
    )


@bp.route("/besoins/liste")
def index():
    filters, basins = _filters()
    page = paginate(
        filtered_needs(current_user, filters), request.args.get("page", type=database_int), scalars=False, counted=True
    )
    return render_template("needs/index.html", page=page, **_filter_context(filters, basins))


@bp.route("/besoins/export.<fmt>")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters, _ = _filters()
    rows = export_rows(current_user, filters)
    return spreadsheet_response(rows, fmt, f"besoins-{today_paris().isoformat()}.{fmt}", "Besoins")


def _need_or_404(need_id: int):
    need = get_visible_need(current_user, need_id)
    if need is None:
        abort(404)
    return need


def _render_detail(need, status: int = 200, **forms):
    version = {"version": need.version}
    forms = {
        "move_form": MoveForm(formdata=None, data={**version, "status": need.status.value}),
        "close_form": CloseForm(formdata=None, data={**version, "positions_filled": need.positions}),
        "reopen_form": ReopenForm(formdata=None, data=version),
        "satisfaction_form": SatisfactionForm(formdata=None),
        "service_form": mobilisation_form(formdata=None),
        "public_hires_form": PublicHiresForm(
            formdata=None, prefix="public-hires", data={p.value: n for p, n in public_hires_of(need).items()}
        ),
        **forms,
    }
    return (
        render_template(
            "needs/detail.html",
            need=need,
            spans=stage_spans(need),
            assignment=active_assignment(need.employer),
            is_privileged_contact=privileged_contact_id(need.employer_id) == current_user.id,
            sourcings=sourcings_of(need),
            public_hires=public_hires_of(need),
            sourcing_operators=sourcing_operators(need, current_user),
            **forms,
        ),
        status,
    )


@bp.route("/besoins/<int:need_id>")
def detail(need_id: int):
    return _render_detail(_need_or_404(need_id))


def _apply(need, form_name: str, form, action, success) -> Response | tuple:
    """Run one change on a need and redirect with its success message (`success()`, read after the
    change), or show the page again with a 4xx."""
    if not form.validate_on_submit():
        return _render_detail(need, 400, **{form_name: form})
    with refusal_shown(form) as outcome:
        action()
    if isinstance(outcome.error, NeedConflict):
        # Someone else changed the need first: show it as it now is, with fresh forms.
        flash(str(outcome.error), "error")
        return _render_detail(need, 409)
    if outcome.refused:
        return _render_detail(need, 400, **{form_name: form})
    flash(success(), "success")
    # The board's plain form sends the reader back to the board it came from.
    return redirect(safe_next_url(request.form.get("next"), url_for("needs.detail", need_id=need.id)))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/besoins/<int:need_id>/etape", methods=["POST"])
def move(need_id: int):
    need = _need_or_404(need_id)
    form = MoveForm()
    if not _wants_json():
        return _apply(
            need,
            "move_form",
            form,
            lambda: move_need(need, form.status.data, author=current_user, expected_version=form.expected_version()),
            lambda: f"Le besoin « {need.title} » est passé à l'étape « {need.status.label} ».",
        )
    # The board's drag and drop: the same rules, answered in JSON.
    if not form.validate_on_submit():
        return jsonify(error="Étape invalide."), 400
    try:
        move_need(need, form.status.data, author=current_user, expected_version=form.expected_version())
    except NeedError as error:
        return jsonify(error=str(error)), 409 if isinstance(error, NeedConflict) else 400
    db.session.flush()  # the version moves on at the flush, and the board sends it with the next move
    return jsonify(status=need.status.value, label=need.status.label, version=need.version)


@bp.route("/besoins/<int:need_id>/cloture", methods=["POST"])
def close(need_id: int):
    need = _need_or_404(need_id)
    form = CloseForm()
    return _apply(
        need,
        "close_form",
        form,
        lambda: close_need(
            need,
            form.outcome.data,
            author=current_user,
            closed_on=form.closed_on.data,
            positions_filled=form.positions_filled.data,
            reason=form.reason.data or "",
            expected_version=form.expected_version(),
        ),
        lambda: f"Le besoin est clôturé : {need.status.label.lower()}.",
    )


@bp.route("/besoins/<int:need_id>/reouverture", methods=["POST"])
def reopen(need_id: int):
    need = _need_or_404(need_id)
    form = ReopenForm()
    return _apply(
        need,
        "reopen_form",
        form,
        lambda: reopen_need(
            need, author=current_user, to_status=form.status.data, expected_version=form.expected_version()
        ),
        lambda: f"Le besoin est rouvert, à l'étape « {need.status.label} ».",
    )


@bp.route("/besoins/<int:need_id>/satisfaction", methods=["POST"])
def satisfaction(need_id: int):
    need = _need_or_404(need_id)
    form = SatisfactionForm()
    return _apply(
        need,
        "satisfaction_form",
        form,
        lambda: record_satisfaction(need, author=current_user, score=form.score.data, comment=form.comment.data or ""),
        lambda: "La satisfaction de l'employeur est enregistrée.",
    )


@bp.route("/besoins/<int:need_id>/services", methods=["POST"])
def add_need_service(need_id: int):
    need = _need_or_404(need_id)
    form = mobilisation_form()
    return _apply(
        need,
        "service_form",
        form,
        lambda: create_mobilisation(need.employer, form.mobilisation_data(), need=need, author=current_user),
        lambda: f"Solution « {form.chosen_type.label} » enregistrée sur le besoin.",
    )


@bp.route("/besoins/<int:need_id>/candidats", methods=["POST"])
def sourcing(need_id: int):
    """One operator's candidates proposed, interviewed and hired on the need (rule 9)."""
    need = _need_or_404(need_id)
    form = SourcingForm()
    operators = {operator.id: operator for operator in sourcing_operators(need, current_user)}
    if form.validate_on_submit() and form.operator_id.data not in operators:
        form.form_errors.append("Vous ne pouvez saisir que les candidats de votre opérateur.")
        return _render_detail(need, 403, sourcing_form=form)
    return _apply(
        need,
        "sourcing_form",
        form,
        lambda: record_sourcing(
            need,
            operators[form.operator_id.data],
            author=current_user,
            proposed=form.proposed.data,
            interviewed=form.interviewed.data,
            hired=form.hired.data,
            expected_version=form.expected_version(),
        ),
        lambda: f"Candidats de {operators[form.operator_id.data].name} enregistrés.",
    )


@bp.route("/besoins/<int:need_id>/embauches-par-public", methods=["POST"])
def public_hires(need_id: int):
    """Of the closed need's hires, how many per public (app/needs/inclusion.py)."""
    need = _need_or_404(need_id)
    form = PublicHiresForm(prefix="public-hires")
    return _apply(
        need,
        "public_hires_form",
        form,
        lambda: record_public_hires(need, form.hires()),
        lambda: "Les embauches par public sont enregistrées.",
    )


@bp.route("/entreprises/<siret>/besoins/nouveau", methods=["GET", "POST"])
def new(siret: str):
    # Like every employer URL, ``siret`` carries the employer's url_key: ``n<id>`` without SIRET.
    employer = get_visible_employer(current_user, siret)
    if employer is None:
        abort(404)
    form = NeedForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            need = create_need(employer=employer, author=current_user, **form.need_fields())
        if not outcome.refused:
            flash("Le besoin est enregistré.", "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    status = 400 if form.is_submitted() else 200
    return render_template("needs/form.html", form=form, employer=employer, need=None), status


@bp.route("/besoins/<int:need_id>/modifier", methods=["GET", "POST"])
def edit(need_id: int):
    need = _need_or_404(need_id)
    form = NeedForm(obj=need, data={"version": need.version} if request.method == "GET" else None)
    conflict = False
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            update_need(need, expected_version=form.expected_version(), **form.need_fields())
        if not outcome.refused:
            flash("Le besoin est modifié.", "success")
            return redirect(url_for("needs.detail", need_id=need.id))
        conflict = isinstance(outcome.error, NeedConflict)
    status = (409 if conflict else 400) if form.is_submitted() else 200
    return render_template("needs/form.html", form=form, employer=need.employer, need=need), status
