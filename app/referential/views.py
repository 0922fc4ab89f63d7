"""Reference lists in the pages: the job titles' search, each basin's métiers en tension
(seen by its staff, kept by its task-force lead or an admin), the network's operators and the basins'
administration (admins)."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.queries import get_visible_basin
from app.converters import database_int
from app.employers.readers import spreadsheet_rows
from app.formatting import plural
from app.forms import FrenchForm
from app.pagination import paginate
from app.referential import bp
from app.referential.basins import (
    add_communes,
    close_basin,
    create_basin,
    departement_communes,
    epci_communes,
    find_commune,
    import_zones,
    remove_commune,
    rename_basin,
    reopen_basin,
)
from app.referential.enums import OperatorKind
from app.referential.forms import (
    BasinCommunesForm,
    BasinCreateForm,
    BasinRenameForm,
    CommuneRemoveForm,
    OperatorForm,
    ShortageImportForm,
    ShortageJobForm,
    ShortageRemoveForm,
    ZoneImportForm,
)
from app.referential.job_titles import search_job_titles
from app.referential.models import Basin, Operator
from app.referential.queries import (
    all_basins,
    basin_communes,
    basin_counts,
    basins_list,
    basins_with_ids,
    departement_choices,
    employers_by_commune,
    epci_names,
    get_operator,
    operator_list,
    search_communes,
    shortage_list,
    shortage_sources,
)
from app.referential.services import OperatorNameTaken, create_operator, update_operator
from app.referential.shortage import add_shortage_job, import_shortage_list, remove_shortage_job
from app.timeutils import today_paris
from app.transactions import refusal_shown

# The page holds both forms: prefixes keep their fields (source, date) apart.
ADD, IMPORT = "ajout", "import"


def _basin_or_404(basin_id: int) -> Basin:
    # A lead keeps the lists of their own basins only: another basin is not found, as everywhere.
    return get_visible_basin(current_user, basin_id) or abort(404)


def _page(basin: Basin, add_form=None, import_form=None, status: int = 200):
    if add_form is None:
        add_form = ShortageJobForm(formdata=None, prefix=ADD, as_of=today_paris())
    if import_form is None:
        import_form = ShortageImportForm(formdata=None, prefix=IMPORT, as_of=today_paris())
    return render_template(
        "referential/shortage_list.html",
        basin=basin,
        jobs=shortage_list(basin.id),
        source=shortage_sources([basin.id]).get(basin.id),
        add_form=add_form,
        import_form=import_form,
        remove_form=ShortageRemoveForm(formdata=None),
    ), status


@bp.route("/plans/bassins/<int:basin_id>/metiers-en-tension")
def shortage_jobs(basin_id: int):
    return _page(_basin_or_404(basin_id))


@bp.route("/plans/bassins/<int:basin_id>/metiers-en-tension/ajouter", methods=["POST"])
def shortage_job_add(basin_id: int):
    basin = _basin_or_404(basin_id)
    form = ShortageJobForm(prefix=ADD)
    if form.validate():
        with refusal_shown(form) as outcome:
            job = add_shortage_job(
                basin,
                form.rome_code.data,
                share=form.share.data,
                source=form.source.data,
                as_of=form.as_of.data,
                author_id=current_user.id,
            )
        if not outcome.refused:
            flash(f"{job.rome_code} est dans la liste des métiers en tension du bassin.", "success")
            return redirect(url_for("referential.shortage_jobs", basin_id=basin.id))
    return _page(basin, add_form=form, status=400)


@bp.route("/plans/bassins/<int:basin_id>/metiers-en-tension/retirer", methods=["POST"])
def shortage_job_remove(basin_id: int):
    basin = _basin_or_404(basin_id)
    form = ShortageRemoveForm()
    if not form.validate():
        abort(400)
    with refusal_shown() as outcome:
        remove_shortage_job(basin, form.rome_code.data)
    if outcome.refused:
        return _page(basin, status=400)
    flash(f"{form.rome_code.data} est retiré de la liste.", "success")
    return redirect(url_for("referential.shortage_jobs", basin_id=basin.id))


@bp.route("/plans/bassins/<int:basin_id>/metiers-en-tension/importer", methods=["POST"])
def shortage_import(basin_id: int):
    basin = _basin_or_404(basin_id)
    form = ShortageImportForm(prefix=IMPORT)
    if form.validate():
        upload = form.file.data
        with refusal_shown(form) as outcome:
            report = import_shortage_list(
                basin,
                spreadsheet_rows(upload.stream, upload.filename or ""),
                source=form.source.data,
                as_of=form.as_of.data,
                author_id=current_user.id,
                replace=form.replace.data,
            )
        if not outcome.refused:
            removed = f", {plural(report.removed, 'retiré', 'retirés')}" if report.removed else ""
            flash(f"Liste importée : {plural(report.imported, 'métier', 'métiers')} en tension{removed}.", "success")
            return redirect(url_for("referential.shortage_jobs", basin_id=basin.id))
    return _page(basin, import_form=form, status=400)


@bp.route("/referentiel/metiers")
def job_titles():
    """The job titles matching ?q=, for the need form's combobox (app/static/js/job-combobox.js)."""
    titles = search_job_titles(request.args.get("q", ""))
    return jsonify(
        {"results": [{"code": title.code, "label": title.label, "rome_code": title.rome_code} for title in titles]}
    )


# --- The network's operators (admins) ---------------------------------------------------------


@bp.route("/administration/operateurs")
def operators():
    page = paginate(operator_list(), request.args.get("page", type=database_int))
    return render_template("referential/operators.html", page=page)


def _operator_form(operator: Operator | None = None) -> OperatorForm:
    form = OperatorForm(obj=operator)
    form.set_basin_choices(all_basins())
    if operator is not None and request.method == "GET":
        form.kind.data = operator.kind.value
        form.basin_ids.data = [basin.id for basin in operator.basins]
    return form


def _save_operator(form: OperatorForm, operator: Operator | None):
    """Create or change the operator from a valid form; None when a rule refused it (shown on the form)."""
    fields = {
        "name": form.name.data,
        "kind": OperatorKind(form.kind.data),
        "basins": basins_with_ids(form.basin_ids.data or []),
        "is_active": form.is_active.data,
    }
    with refusal_shown(form) as outcome:
        if operator is None:
            operator = create_operator(**fields)
        else:
            update_operator(operator, **fields)
    if not outcome.refused:
        return operator
    if isinstance(outcome.error, OperatorNameTaken):
        # A name already taken is said on its field, not above the form.
        form.form_errors.remove(str(outcome.error))
        form.name.errors = [*form.name.errors, str(outcome.error)]
    return None


def _operator_page(form: OperatorForm, operator: Operator | None):
    status = 400 if form.errors or form.form_errors else 200
    return render_template("referential/operator_form.html", form=form, operator=operator), status


@bp.route("/administration/operateurs/nouveau", methods=["GET", "POST"])
def operator_new():
    form = _operator_form()
    if form.validate_on_submit():
        operator = _save_operator(form, None)
        if operator is not None:
            flash(f"L'opérateur « {operator.name} » est créé.", "success")
            return redirect(url_for("referential.operators"))
    return _operator_page(form, None)


@bp.route("/administration/operateurs/<int:operator_id>", methods=["GET", "POST"])
def operator_edit(operator_id: int):
    operator = get_operator(operator_id) or abort(404)
    form = _operator_form(operator)
    if form.validate_on_submit() and _save_operator(form, operator) is not None:
        flash(f"L'opérateur « {operator.name} » est modifié.", "success")
        return redirect(url_for("referential.operators"))
    return _operator_page(form, operator)


# --- Basins administration (admins) ----------------------------------------------------------------

ADD_MODES = {
    "epci": ("Par EPCI", "EPCI (nom ou numéro SIREN)"),
    "departement": ("Par département", "Département (numéro ou nom)"),
    "commune": ("Une commune", "Commune (code INSEE ou nom)"),
}
BASINS_PER_PAGE = 50


def _admin_basin_or_404(basin_id: int) -> Basin:
    return get_visible_basin(current_user, basin_id) or abort(404)


def _basins_page(create_form=None, import_form=None, status: int = 200):
    if create_form is None:
        create_form = BasinCreateForm(formdata=None)
    create_form.departement.choices = [("", "Choisir un département"), *departement_choices()]
    page = paginate(basins_list(), request.args.get("page", type=database_int), per_page=BASINS_PER_PAGE)
    return render_template(
        "referential/admin_basins.html",
        page=page,
        counts=basin_counts([basin.id for basin in page.items]),
        create_form=create_form,
        import_form=import_form or ZoneImportForm(formdata=None),
    ), status


@bp.route("/administration/bassins")
def admin_basins():
    return _basins_page()


@bp.route("/administration/bassins/nouveau", methods=["POST"])
def admin_basin_create():
    form = BasinCreateForm()
    form.departement.choices = departement_choices()
    if form.validate():
        with refusal_shown(form) as outcome:
            basin = create_basin(form.code.data, form.name.data, form.departement.data)
        if not outcome.refused:
            flash(f"Bassin {basin.name} créé : ajoutez-lui ses communes.", "success")
            return redirect(url_for("referential.admin_basin", basin_id=basin.id))
    return _basins_page(create_form=form, status=400)


@bp.route("/administration/bassins/importer", methods=["POST"])
def admin_basins_import():
    form = ZoneImportForm()
    if form.validate():
        upload = form.file.data
        with refusal_shown(form) as outcome:
            report = import_zones(spreadsheet_rows(upload.stream, upload.filename or ""))
        if not outcome.refused:
            flash(report.message(), "success")
            return redirect(url_for("referential.admin_basins"))
    return _basins_page(import_form=form, status=400)


def _add_forms(mode: str | None = None, form=None) -> dict:
    forms = {}
    for key, (_title, label) in ADD_MODES.items():
        forms[key] = form if key == mode else BasinCommunesForm(formdata=None, prefix=key)
        forms[key].value.label.text = label
    return forms


def _basin_page(basin: Basin, rename_form=None, add_mode=None, add_form=None, status: int = 200):
    page = paginate(basin_communes(basin.id), request.args.get("page", type=database_int))
    return render_template(
        "referential/admin_basin.html",
        basin=basin,
        page=page,
        employers=employers_by_commune([commune.insee_code for commune in page.items]),
        counts=basin_counts([basin.id])[basin.id],
        rename_form=rename_form or BasinRenameForm(formdata=None, name=basin.name),
        add_forms=_add_forms(add_mode, add_form),
        add_modes=ADD_MODES,
        epci_suggestions=epci_names(basin.departement_code),
        remove_form=CommuneRemoveForm(formdata=None),
    ), status


@bp.route("/administration/bassins/<int:basin_id>")
def admin_basin(basin_id: int):
    return _basin_page(_admin_basin_or_404(basin_id))


@bp.route("/administration/bassins/<int:basin_id>/renommer", methods=["POST"])
def admin_basin_rename(basin_id: int):
    basin = _admin_basin_or_404(basin_id)
    form = BasinRenameForm()
    if form.validate():
        with refusal_shown(form) as outcome:
            rename_basin(basin, form.name.data)
        if not outcome.refused:
            flash(f"Le bassin s'appelle désormais {basin.name}.", "success")
            return redirect(url_for("referential.admin_basin", basin_id=basin.id))
    return _basin_page(basin, rename_form=form, status=400)


@bp.route("/administration/bassins/<int:basin_id>/<any(fermer, rouvrir):action>", methods=["POST"])
def admin_basin_open_close(basin_id: int, action: str):
    basin = _admin_basin_or_404(basin_id)
    if not FrenchForm().validate():
        abort(400)
    with refusal_shown() as outcome:
        if action == "fermer":
            close_basin(basin, today_paris())
        else:
            reopen_basin(basin)
    if outcome.refused:
        return _basin_page(basin, status=400)
    flash(f"Le bassin {basin.name} est {'fermé' if action == 'fermer' else 'rouvert'}.", "success")
    return redirect(url_for("referential.admin_basin", basin_id=basin.id))


@bp.route("/administration/bassins/<int:basin_id>/communes/<any(epci, departement, commune):mode>", methods=["POST"])
def admin_basin_add_communes(basin_id: int, mode: str):
    basin = _admin_basin_or_404(basin_id)
    form = BasinCommunesForm(prefix=mode)
    form.value.label.text = ADD_MODES[mode][1]
    if form.validate():
        with refusal_shown(form) as outcome:
            if mode == "epci":
                _epci, codes = epci_communes(form.value.data)
            elif mode == "departement":
                _departement, codes = departement_communes(form.value.data)
            else:
                codes = [find_commune(form.value.data, form.postcode.data).insee_code]
            report = add_communes(basin, codes, move_others=form.move_others.data)
        if not outcome.refused:
            flash(report.message(), "success")
            return redirect(url_for("referential.admin_basin", basin_id=basin.id))
    return _basin_page(basin, add_mode=mode, add_form=form, status=400)


@bp.route("/administration/bassins/<int:basin_id>/communes/retirer", methods=["POST"])
def admin_basin_remove_commune(basin_id: int):
    basin = _admin_basin_or_404(basin_id)
    form = CommuneRemoveForm()
    if not form.validate():
        abort(400)
    with refusal_shown() as outcome:
        commune = remove_commune(basin, form.insee_code.data)
    if outcome.refused:
        return _basin_page(basin, status=400)
    flash(f"La commune {commune.name} n'est plus dans le bassin {basin.name}.", "success")
    return redirect(url_for("referential.admin_basin", basin_id=basin.id))


@bp.route("/administration/communes")
def admin_communes():
    search = request.args.get("q", "").strip()[:120]
    page = paginate(search_communes(search), request.args.get("page", type=database_int)) if search else None
    return render_template("referential/admin_communes.html", page=page, search=search)
