from dataclasses import replace

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.activity.forms import InteractionForm
from app.auth.access import is_allowed
from app.confirmation import ask_confirmation, confirmed
from app.converters import database_int
from app.employers import bp
from app.employers.engagement_forms import EndEngagementForm, EngagementForm
from app.employers.engagements import EmployerEngagement, add_engagement, end_engagement
from app.employers.enums import EmployerSort
from app.employers.exports import EXPORT_LIMIT, export_rows
from app.employers.forms import (
    SHORTAGE_NEED,
    BulkTagForm,
    ContactPersonForm,
    EmployerForm,
    EmployerSearchForm,
    MergeForm,
    SpreadsheetImportForm,
)
from app.employers.import_runs import (
    queue_import,
    recent_import_runs,
    visible_import_run,
)
from app.employers.queries import (
    EmployerFilters,
    corrected_text,
    described_filters,
    get_employer_contact,
    get_tag,
    get_visible_employer,
    matching_employer_ids,
    only_text_searched,
    parse_identifier,
    row_facts,
    search_employers,
    search_page,
    visible_employer_ids,
)
from app.employers.readers import ImportFileError
from app.employers.services import (
    ContactData,
    EditConflict,
    EmployerData,
    EmployerError,
    ExistingEmployer,
    PossibleDuplicates,
    add_contact,
    create_employer,
    merge_employers,
    probable_duplicates,
    set_contact_opposition,
    update_contact,
    update_employer,
)
from app.employers.tags import add_tag_to_employers, remove_tag_from_employers
from app.extensions import db
from app.formatting import of, plural
from app.main.pages import render_employer_page
from app.privacy.erasure import erase_contact
from app.privacy.export import export_contact
from app.privacy.forms import ErasureForm
from app.referential.enums import HeadcountBand
from app.replica import replica_reads
from app.search.services import record_employer_opened
from app.spreadsheets import spreadsheet_response
from app.timeutils import today_paris, utcnow
from app.transactions import refusal_shown


def _search_form() -> tuple[EmployerSearchForm, EmployerFilters | None]:
    form = EmployerSearchForm(formdata=request.args)
    form.set_choices(current_user)
    if request.args and not form.validate():
        return form, None
    return form, EmployerFilters(
        text=(form.q.data or "").strip(),
        basin_id=form.bassin.data or None,
        naf=form.naf.data or None,
        headcount_band=HeadcountBand(form.headcount.data) if form.headcount.data else None,
        shortage_need=form.shortage.data == SHORTAGE_NEED,
        tag_ids=form.tag.data or [],
        privileged_contact=form.contact.data or None,
        idle_months=form.idle.data,
        has_open_need=form.open_need.data,
        sort=EmployerSort(form.tri.data) if form.tri.data else EmployerSort.NAME,
        engaged=form.engagee.data,
    )


def _bulk_tag_form(formdata=None) -> BulkTagForm | None:
    """The bulk tagging form, for the roles that may tag (its controls are not shown to the others)."""
    if not is_allowed("employers.bulk_tag", current_user.role):
        return None
    form = BulkTagForm() if formdata is None else BulkTagForm(formdata=formdata)
    form.set_choices()
    return form


@bp.route("/entreprises")
@replica_reads
def index():
    form, filters = _search_form()
    return _index_page(form, filters, _bulk_tag_form(formdata=None))


def _index_page(form: EmployerSearchForm, filters: EmployerFilters | None, bulk_form: BulkTagForm | None, status=200):
    if filters is None:
        return render_template(
            "employers/index.html",
            form=form,
            page=None,
            facts={},
            near_matches=False,
            unknown_identifier=None,
            bulk_form=bulk_form,
        ), 400
    page_number = request.args.get("page", type=database_int)
    page = search_page(current_user, filters, today_paris(), page_number, current_app.config["ITEMS_PER_PAGE"])
    identifier = parse_identifier(filters.text)
    near_matches = False
    # A SIRET or SIREN names one establishment or company: names "close" to its digits mean
    # nothing, and ordering the whole register by that distance took seconds.
    # A typo: the nearest words of the register's names, searched as if typed (the same fast
    # page as any search, where ordering every near name by its distance took seconds).
    corrected = None
    if not page.items and filters.text and not identifier:
        corrected = corrected_text(filters.text)
    if corrected:
        near_filters = replace(filters, text=corrected)
        per_page = current_app.config["ITEMS_PER_PAGE"]
        page = search_page(current_user, near_filters, today_paris(), page_number, per_page)
        near_matches = bool(page.items)
    unknown_identifier = identifier if not page.items and page.number == 1 and only_text_searched(filters) else None
    facts = row_facts([employer.id for employer in page.items])
    return render_template(
        "employers/index.html",
        form=form,
        page=page,
        facts=facts,
        near_matches=near_matches,
        unknown_identifier=unknown_identifier,
        bulk_form=bulk_form,
    ), status


@bp.route("/entreprises/etiquetage", methods=["POST"])
def bulk_tag():
    """Tag (or untag) the ticked employers, or every result of the search the URL carries."""
    form, filters = _search_form()
    bulk_form = _bulk_tag_form()
    if filters is None:
        bulk_form.form_errors.append("Les filtres de la recherche sont invalides : rien n'a été étiqueté.")
        return _index_page(form, filters, bulk_form, 400)
    if not bulk_form.validate():
        return _index_page(form, filters, bulk_form, 400)
    tag = get_tag(bulk_form.etiquette.data)
    action = bulk_form.action.data
    if action.endswith("_tout"):
        employer_ids = matching_employer_ids(current_user, filters, today_paris())
        described = {"scope": "search", "filters": described_filters(filters)}
    else:
        employer_ids = visible_employer_ids(current_user, bulk_form.entreprises.data)
        described = {"scope": "selection", "selected": len(set(bulk_form.entreprises.data))}
    with refusal_shown(bulk_form) as outcome:
        if action.startswith("ajouter"):
            count = add_tag_to_employers(tag, employer_ids, described)
        else:
            count = remove_tag_from_employers(tag, employer_ids, described)
    if outcome.refused:
        return _index_page(form, filters, bulk_form, 409)
    if action.startswith("ajouter"):
        flash(f"Étiquette « {tag.label} » posée sur {plural(count, 'entreprise', 'entreprises')} de plus.", "success")
    else:
        flash(f"Étiquette « {tag.label} » retirée de {plural(count, 'entreprise', 'entreprises')}.", "success")
    return redirect(url_for("employers.index", **request.args.to_dict(flat=False)))


@bp.route("/entreprises/export")
def export():
    form, filters = _search_form()
    if filters is None:
        flash("Les filtres de la recherche sont invalides : corrigez-les avant d'exporter.", "error")
        return redirect(url_for("employers.index", **request.args))
    query = search_employers(current_user, filters, today_paris()).limit(EXPORT_LIMIT)
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    filename = f"entreprises-{today_paris().isoformat()}.{fmt}"
    return spreadsheet_response(export_rows(query), fmt, filename, "Entreprises")


def _employer_data(form: EmployerForm) -> EmployerData:
    return EmployerData(
        siret=(form.siret.data or "").strip() or None,
        name=form.name.data or "",
        enseigne=form.enseigne.data,
        naf_code=form.naf_code.data or None,
        headcount_band=HeadcountBand(form.headcount_band.data) if form.headcount_band.data else None,
        street=form.street.data,
        postcode=form.postcode.data,
        commune_insee=form.commune_insee.data or "",
        tag_ids=form.tag_ids.data or [],
    )


@bp.route("/entreprises/nouvelle", methods=["GET", "POST"])
def new():
    form = EmployerForm()
    form.set_choices(current_user)
    duplicates = []
    if request.method == "GET":
        form.siret.data = request.args.get("siret", "")[:20]
        return render_template("employers/form.html", form=form, employer=None, duplicates=[])
    if form.validate():
        try:
            employer = create_employer(current_user, _employer_data(form), form.confirm_duplicate.data)
        except ExistingEmployer as error:
            if error.visible:
                flash(f"{error} Voici sa fiche.", "warning")
                return redirect(url_for("employers.detail", siret=error.employer.url_key))
            form.siret.errors.append(str(error))
            return render_template("employers/form.html", form=form, employer=None, duplicates=[]), 409
        except PossibleDuplicates as error:
            form.form_errors.append(str(error))
            duplicates = error.employers
            return render_template("employers/form.html", form=form, employer=None, duplicates=duplicates), 409
        except EmployerError as error:
            form.form_errors.append(str(error))
        else:
            flash("L'entreprise a été créée.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key))
    return render_template("employers/form.html", form=form, employer=None, duplicates=duplicates), 400


def _visible_or_404(siret: str):
    employer = get_visible_employer(current_user, siret)
    if employer is None:
        abort(404)
    return employer


@bp.route("/entreprises/<siret>")
def detail(siret: str):
    employer = _visible_or_404(siret)
    record_employer_opened(current_user, employer, utcnow())
    interaction_form = InteractionForm(formdata=None)
    interaction_form.prepare(employer, today_paris())
    return render_employer_page(employer, interaction_form)


@bp.route("/entreprises/<siret>/modifier", methods=["GET", "POST"])
def edit(siret: str):
    employer = _visible_or_404(siret)
    form = EmployerForm()
    form.set_choices(current_user, employer)
    if request.method == "GET":
        form.fill_from(employer)
        return render_template("employers/form.html", form=form, employer=employer, duplicates=[])
    conflict = None
    if form.validate():
        try:
            expected_version = int(form.version.data or "0")
        except ValueError:
            expected_version = 0
        try:
            update_employer(current_user, employer, _employer_data(form), expected_version)
        except (EditConflict, StaleDataError) as error:
            # Reread the stored record to show what changed: undo this request's attempt first.
            db.session.rollback()
            conflict = error if isinstance(error, EditConflict) else EditConflict([], None)
            employer = _visible_or_404(siret)
            form.version.data = str(employer.version)
            return render_template(
                "employers/form.html", form=form, employer=employer, duplicates=[], conflict=conflict
            ), 409
        except ExistingEmployer as error:
            form.siret.errors.append(str(error))
            return render_template("employers/form.html", form=form, employer=employer, duplicates=[]), 409
        except EmployerError as error:
            form.form_errors.append(str(error))
        else:
            flash("Les modifications ont été enregistrées.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key))
    return render_template("employers/form.html", form=form, employer=employer, duplicates=[]), 400


def _contact_data(form: ContactPersonForm) -> ContactData:
    return ContactData(
        last_name=form.last_name.data or "",
        first_name=form.first_name.data,
        job_title=form.job_title.data,
        phone=form.phone.data,
        email=form.email.data,
        is_opposed_to_contact=form.is_opposed_to_contact.data,
    )


@bp.route("/entreprises/<siret>/interlocuteurs/nouveau", methods=["GET", "POST"])
def contact_new(siret: str):
    employer = _visible_or_404(siret)
    form = ContactPersonForm()
    if request.method == "POST":
        if form.validate():
            with refusal_shown(form) as outcome:
                add_contact(employer, _contact_data(form))
            if not outcome.refused:
                flash("L'interlocuteur a été ajouté.", "success")
                return redirect(url_for("employers.detail", siret=employer.url_key) + "#interlocuteurs")
        return render_template("employers/contact_form.html", form=form, employer=employer, contact=None), 400
    return render_template("employers/contact_form.html", form=form, employer=employer, contact=None)


def _contact_or_404(employer, contact_id: int):
    contact = get_employer_contact(employer, contact_id)
    if contact is None:
        abort(404)
    return contact


@bp.route("/entreprises/<siret>/interlocuteurs/<int:contact_id>", methods=["GET", "POST"])
def contact_edit(siret: str, contact_id: int):
    employer = _visible_or_404(siret)
    contact = _contact_or_404(employer, contact_id)
    form = ContactPersonForm(obj=contact)
    if request.method == "POST":
        if form.validate():
            with refusal_shown(form) as outcome:
                update_contact(contact, _contact_data(form))
            if not outcome.refused:
                flash("L'interlocuteur a été modifié.", "success")
                return redirect(url_for("employers.detail", siret=employer.url_key) + "#interlocuteurs")
        return render_template("employers/contact_form.html", form=form, employer=employer, contact=contact), 400
    return render_template("employers/contact_form.html", form=form, employer=employer, contact=contact)


@bp.route("/entreprises/<siret>/interlocuteurs/<int:contact_id>/opposition", methods=["POST"])
def contact_opposition(siret: str, contact_id: int):
    employer = _visible_or_404(siret)
    contact = _contact_or_404(employer, contact_id)
    opposed = request.form.get("opposed") == "1"
    set_contact_opposition(contact, opposed)
    if opposed:
        flash(f"{contact.full_name} ne sera plus proposé(e) dans les relances ni les exports.", "success")
    else:
        flash(f"L'opposition {of(contact.full_name)} a été levée.", "success")
    return redirect(url_for("employers.detail", siret=employer.url_key) + "#interlocuteurs")


@bp.route("/entreprises/<siret>/interlocuteurs/<int:contact_id>/donnees.<fmt>")
def contact_export(siret: str, contact_id: int, fmt: str):
    employer = _visible_or_404(siret)
    contact = _contact_or_404(employer, contact_id)
    if fmt not in ("json", "pdf"):
        abort(404)
    response = current_app.response_class(
        export_contact(contact, fmt), mimetype="application/json" if fmt == "json" else "application/pdf"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="donnees-interlocuteur-{contact.id}.{fmt}"'
    return response


@bp.route("/entreprises/<siret>/interlocuteurs/<int:contact_id>/effacer", methods=["GET", "POST"])
def contact_erase(siret: str, contact_id: int):
    employer = _visible_or_404(siret)
    contact = _contact_or_404(employer, contact_id)
    form = ErasureForm()
    if request.method == "POST":
        if form.validate():
            erase_contact(contact)
            flash("L'interlocuteur a été effacé : son historique est conservé sans son identité.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key) + "#interlocuteurs")
        return render_template("employers/contact_erase.html", form=form, employer=employer, contact=contact), 400
    return render_template("employers/contact_erase.html", form=form, employer=employer, contact=contact)


@bp.route("/entreprises/doublons")
def duplicates():
    return render_template(
        "employers/duplicates.html", pairs=probable_duplicates(current_user), form=MergeForm(formdata=None)
    )


@bp.route("/entreprises/fusion", methods=["POST"])
def merge():
    form = MergeForm()
    if not form.validate():
        flash("Indiquez les deux fiches et le motif de la fusion.", "error")
        return render_template("employers/duplicates.html", pairs=probable_duplicates(current_user), form=form), 400
    kept = _visible_or_404(form.kept.data)
    merged = _visible_or_404(form.merged.data)
    if not confirmed():
        return ask_confirmation(
            title=f"Fusionner « {merged.display_name} » dans « {kept.display_name} »",
            consequences=(
                f"La fiche « {merged.display_name} » disparaîtra : ses échanges, interlocuteurs et besoins"
                f" passeront sur « {kept.display_name} ». La fusion ne peut pas être annulée."
            ),
            action_label="Fusionner les deux fiches",
            cancel_url=url_for("employers.duplicates"),
        )
    try:
        kept = merge_employers(current_user, kept, merged, form.reason.data)
    except EmployerError as error:
        form.form_errors.append(str(error))
        return render_template("employers/duplicates.html", pairs=probable_duplicates(current_user), form=form), 409
    flash("Les deux fiches ont été fusionnées : tout l'historique est sur celle-ci.", "success")
    return redirect(url_for("employers.detail", siret=kept.url_key))


@bp.route("/entreprises/import", methods=["GET", "POST"])
def import_file():
    form = SpreadsheetImportForm()
    form.set_choices()
    if request.method == "GET":
        return render_template("employers/import.html", form=form, runs=recent_import_runs(current_user))
    if not form.validate():
        return render_template("employers/import.html", form=form, runs=recent_import_runs(current_user)), 400
    try:
        run = queue_import(current_user, form.file.data, get_tag(form.tag.data) if form.tag.data else None)
    except ImportFileError as error:
        form.file.errors = [str(error)]
        return render_template("employers/import.html", form=form, runs=recent_import_runs(current_user)), 400
    return redirect(url_for("employers.import_run", run_id=run.id))


@bp.route("/entreprises/import/<int:run_id>")
def import_run(run_id: int):
    run = visible_import_run(current_user, run_id)
    if run is None:
        abort(404)
    return render_template("employers/import_run.html", run=run)


# --- Engagements for inclusive hiring (app/employers/engagements.py) ----------------------------


def _engagement_refused(employer, **forms):
    interaction_form = InteractionForm(formdata=None)
    interaction_form.prepare(employer, today_paris())
    return render_employer_page(employer, interaction_form, **forms), 400


@bp.route("/entreprises/<siret>/engagements", methods=["POST"])
def engagement_add(siret: str):
    employer = _visible_or_404(siret)
    form = EngagementForm()
    if not form.validate_on_submit():
        return _engagement_refused(employer, engagement_form=form)
    with refusal_shown(form) as outcome:
        add_engagement(
            employer, form.kind.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data, author=current_user
        )
    if outcome.refused:
        return _engagement_refused(employer, engagement_form=form)
    flash(f"Engagement enregistré : {form.kind.data.label}.", "success")
    return redirect(url_for("employers.detail", siret=employer.url_key, _anchor="engagements"))


@bp.route("/entreprises/<siret>/engagements/<int:engagement_id>/fin", methods=["POST"])
def engagement_end(siret: str, engagement_id: int):
    employer = _visible_or_404(siret)
    engagement = db.session.get(EmployerEngagement, engagement_id)
    if engagement is None or engagement.employer_id != employer.id:
        abort(404)
    form = EndEngagementForm()
    if not form.validate_on_submit():
        return _engagement_refused(employer, end_engagement_form=form)
    with refusal_shown(form) as outcome:
        end_engagement(engagement, ends_on=form.ends_on.data)
    if outcome.refused:
        return _engagement_refused(employer, end_engagement_form=form)
    flash(f"Fin d'engagement enregistrée : {engagement.kind.label}.", "success")
    return redirect(url_for("employers.detail", siret=employer.url_key, _anchor="engagements"))
