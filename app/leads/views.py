from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.auth.access import is_allowed
from app.auth.enums import Role
from app.auth.models import User
from app.auth.queries import active_users, get_visible_basin, visible_basins
from app.converters import database_int
from app.extensions import limiter
from app.formatting import plural
from app.forms import Refusal
from app.leads import bp
from app.leads.enums import LeadStatus, RejectionReason, SpotterKind
from app.leads.forms import (
    AcceptLeadForm,
    AttachSpotterForm,
    LeadForm,
    MergeLeadForm,
    OrganisationEditForm,
    OrganisationForm,
    PublicLeadForm,
    RejectLeadForm,
    RouteLeadForm,
)
from app.leads.models import Lead
from app.leads.queries import (
    contributions,
    get_outside_basin_lead,
    get_visible_lead,
    get_visible_organisation,
    lead_list,
    open_basins,
    outside_basin_leads,
    suggested_basins,
    visible_organisations,
)
from app.leads.services import (
    LeadConflict,
    LeadError,
    accept_lead,
    attach_spotter,
    create_organisation,
    duplicates_of,
    look_alike_employers,
    merge_lead,
    mergeable_needs,
    reject_lead,
    route_lead,
    submit_lead,
    submit_public_lead,
    update_organisation,
)
from app.needs.enums import QualificationLevel
from app.needs.queries import get_visible_need
from app.pagination import paginate
from app.transactions import refusal_shown


def _user() -> User:
    return current_user._get_current_object()


def _status_for(error: LeadError) -> int:
    return 409 if isinstance(error, LeadConflict) else 400


def _sees_own_reports() -> bool:
    """Those who report leads get the reporter's portal (their own leads); the others, the triage pages."""
    return is_allowed("leads.new", current_user.role)


@bp.route("/signalements")
def index():
    if _sees_own_reports():
        page = paginate(lead_list(current_user), request.args.get("page", type=database_int))
        return render_template("leads/portal.html", page=page)
    status_value = request.args.get("statut", LeadStatus.NEW.value)
    status = LeadStatus(status_value) if status_value in LeadStatus._value2member_map_ else None
    page = paginate(lead_list(current_user, status), request.args.get("page", type=database_int), counted=True)
    return render_template("leads/triage.html", page=page, status=status, statuses=list(LeadStatus))


@bp.route("/signalements/nouveau", methods=["GET", "POST"])
def new():
    form = LeadForm()
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            lead = submit_lead(_user(), form.data_for_service())
        if outcome.refused:
            return render_template("leads/new.html", form=form), _status_for(outcome.error)
        flash("Signalement envoyé : la task force du bassin va le traiter.", "success")
        return redirect(url_for("leads.detail", lead_id=lead.id))
    return render_template("leads/new.html", form=form), 400 if form.errors else 200


def _lead_or_404(lead_id: int) -> Lead:
    lead = get_visible_lead(current_user, lead_id)
    if lead is None:
        abort(404)
    return lead


def _triage_forms(lead: Lead, accept=None, reject=None, merge=None) -> dict:
    merge = merge or MergeLeadForm()
    merge.need_id.choices = [("", "— Choisir —")] + [
        (need.id, f"{need.title} ({plural(need.positions, 'poste', 'postes')}, {need.status.label.lower()})")
        for need in mergeable_needs(lead)
    ]
    return {
        "accept_form": accept or AcceptLeadForm(siret=lead.siret),
        "reject_form": reject or RejectLeadForm(),
        "merge_form": merge,
    }


def _render_detail(lead: Lead, status: int = 200, **forms):
    if _sees_own_reports():
        return render_template("leads/portal_detail.html", lead=lead), status
    return render_template(
        "leads/detail.html",
        lead=lead,
        duplicates=duplicates_of(lead) if lead.is_open else [],
        look_alikes=look_alike_employers(lead) if lead.is_open else [],
        can_triage=is_allowed("leads.accept", current_user.role),
        **_triage_forms(lead, **forms),
    ), status


@bp.route("/signalements/<int:lead_id>")
def detail(lead_id: int):
    return _render_detail(_lead_or_404(lead_id))


def _triage(lead: Lead, action, form_name: str, form):
    """Run one triage decision; a lead triaged by someone else meanwhile is a 409, not a 500."""
    try:
        with refusal_shown() as outcome:
            action()
    except StaleDataError:
        flash("Ce signalement vient d'être traité par quelqu'un d'autre.", "error")
        return _render_detail(_lead_or_404(lead.id), 409)
    if outcome.refused:
        return _render_detail(_lead_or_404(lead.id), _status_for(outcome.error), **{form_name: form})
    return None


@bp.route("/signalements/<int:lead_id>/accepter", methods=["POST"])
def accept(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = AcceptLeadForm()
    if not form.validate_on_submit():
        return _render_detail(lead, 400, accept=form)

    def action():
        accept_lead(
            lead,
            decided_by=_user(),
            siret=form.siret.data or "",
            publics=form.publics.data,
            qualification_level=QualificationLevel(form.qualification_level.data)
            if form.qualification_level.data
            else None,
            rome_code=(form.rome_code.data or "").strip().upper() or None,
            duplicates_confirmed=form.duplicates_confirmed.data,
            note=form.note.data,
        )

    refused = _triage(lead, action, "accept", form)
    if refused:
        return refused
    flash("Signalement accepté : le besoin est créé et l'entreprise est orientée.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/signalements/<int:lead_id>/refuser", methods=["POST"])
def reject(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = RejectLeadForm()
    if not form.validate_on_submit():
        return _render_detail(lead, 400, reject=form)
    refused = _triage(
        lead,
        lambda: reject_lead(lead, decided_by=_user(), reason=RejectionReason(form.reason.data), note=form.note.data),
        "reject",
        form,
    )
    if refused:
        return refused
    flash("Signalement refusé ; le repéreur voit le motif.", "success")
    return redirect(url_for("leads.index"))


@bp.route("/signalements/<int:lead_id>/rattacher", methods=["POST"])
def merge(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = _triage_forms(lead)["merge_form"]
    if not form.validate_on_submit():
        return _render_detail(lead, 400, merge=form)
    need = get_visible_need(current_user, form.need_id.data)
    refused = _triage(lead, lambda: merge_lead(lead, decided_by=_user(), need=need, note=form.note.data), "merge", form)
    if refused:
        return refused
    flash("Signalement rattaché au besoin existant.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/signalements/contributions")
def contributions_page():
    return render_template("leads/contributions.html", rows=contributions(current_user))


# --- Needs of no basin (admins) ---------------------------------------------------------------


def _route_form() -> RouteLeadForm:
    form = RouteLeadForm()
    form.basin_id.choices = [("", "— Choisir —")] + [(basin.id, basin.name) for basin in open_basins()]
    return form


def _render_outside_basins(status: int = 200, refused: Refusal | None = None):
    page = paginate(outside_basin_leads(), request.args.get("page", type=database_int))
    suggestions = suggested_basins([lead.commune for lead in page.items if lead.commune is not None])
    return render_template(
        "leads/outside_basins.html", page=page, route_form=_route_form(), suggestions=suggestions, refused=refused
    ), status


@bp.route("/signalements/hors-bassin")
def outside_basins():
    return _render_outside_basins()


@bp.route("/signalements/hors-bassin/<int:lead_id>/router", methods=["POST"])
def route(lead_id: int):
    lead = get_outside_basin_lead(lead_id) or abort(404)
    form = _route_form()
    if not form.validate_on_submit():
        return _render_outside_basins(400, Refusal("Choisissez le bassin vers lequel router ce besoin."))
    refused = Refusal()
    try:
        with refusal_shown(refused) as outcome:
            route_lead(lead, get_visible_basin(current_user, form.basin_id.data), routed_by=_user())
    except StaleDataError:
        return _render_outside_basins(409, Refusal("Ce besoin vient d'être routé par quelqu'un d'autre."))
    if outcome.refused:
        return _render_outside_basins(_status_for(outcome.error), refused)
    flash(f"Besoin routé vers le bassin {lead.basin.name} : il attend son tri dans les signalements.", "success")
    return redirect(url_for("leads.outside_basins"))


# --- Spotter organisations (admins, managers) --------------------------------------------------


def _organisation_form() -> OrganisationForm:
    form = OrganisationForm()
    form.basin_id.choices = [("", "— Choisir —")] + [(b.id, b.name) for b in visible_basins(current_user)]
    return form


def _attachable_spotters() -> list[User]:
    """The active spotters who work on one of the user's basins (any of them for an admin)."""
    return active_users(Role.SPOTTER, None if current_user.sees_all_basins else current_user.basin_ids)


def _attach_form(spotters: list[User]) -> AttachSpotterForm:
    form = AttachSpotterForm()
    form.user_id.choices = [("", "— Choisir —")] + [(u.id, u.full_name) for u in spotters]
    return form


def _render_organisations(form=None, status: int = 200, refused: Refusal | None = None):
    page = paginate(visible_organisations(current_user), request.args.get("page", type=database_int))
    return render_template(
        "leads/organisations.html",
        page=page,
        form=form or _organisation_form(),
        attach_form=_attach_form(_attachable_spotters()),
        refused=refused,
    ), status


@bp.route("/repereurs")
def organisations():
    return _render_organisations()


@bp.route("/repereurs", methods=["POST"])
def organisation_create():
    form = _organisation_form()
    if not form.validate_on_submit():
        return _render_organisations(form, 400)
    try:
        create_organisation(
            basin=get_visible_basin(current_user, form.basin_id.data),
            name=form.name.data,
            kind=SpotterKind(form.kind.data),
        )
    except LeadError as error:
        # On the name field: once the form is valid, the refusal left is a name already used on the basin.
        form.name.errors.append(str(error))
        return _render_organisations(form, _status_for(error))
    flash("Organisation créée.", "success")
    return redirect(url_for("leads.organisations"))


@bp.route("/repereurs/<int:organisation_id>/membres", methods=["POST"])
def organisation_attach(organisation_id: int):
    organisation = get_visible_organisation(current_user, organisation_id) or abort(404)
    spotters = _attachable_spotters()
    form = _attach_form(spotters)
    if not form.validate_on_submit():
        return _render_organisations(status=400, refused=Refusal("Choisissez un repéreur."))
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        attach_spotter(organisation, next((u for u in spotters if u.id == form.user_id.data), None))
    if outcome.refused:
        return _render_organisations(status=400, refused=refused)
    flash("Repéreur rattaché à l'organisation.", "success")
    return redirect(url_for("leads.organisations"))


@bp.route("/repereurs/<int:organisation_id>", methods=["GET", "POST"])
def organisation_edit(organisation_id: int):
    organisation = get_visible_organisation(current_user, organisation_id) or abort(404)
    form = OrganisationEditForm(obj=organisation)
    if request.method == "GET":
        form.kind.data = organisation.kind.value
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            update_organisation(
                organisation, name=form.name.data, kind=SpotterKind(form.kind.data), is_active=form.is_active.data
            )
        except LeadError as error:
            # Each refusal left once the form is valid is about the name (blank, taken on the basin).
            form.name.errors.append(str(error))
            status = _status_for(error)
        else:
            flash(f"Organisation « {organisation.name} » modifiée.", "success")
            return redirect(url_for("leads.organisations"))
    return render_template("leads/organisation_form.html", form=form, organisation=organisation), status


# --- The public form (no account) --------------------------------------------------------------


@bp.route("/deposer-un-besoin", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def public_form():
    form = PublicLeadForm()
    if form.validate_on_submit():
        if form.website.data:
            # A robot filled the trap: answer as if all went well, keep nothing.
            return redirect(url_for("leads.public_thanks"))
        with refusal_shown() as outcome:
            submit_public_lead(form.data_for_service())
        if outcome.refused:
            return render_template("leads/public_form.html", form=form), _status_for(outcome.error)
        return redirect(url_for("leads.public_thanks"))
    return render_template("leads/public_form.html", form=form), 400 if form.errors else 200


@bp.route("/deposer-un-besoin/merci")
def public_thanks():
    return render_template("leads/public_thanks.html")
