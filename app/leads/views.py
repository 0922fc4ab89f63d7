import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.enums import Role
from app.auth.models import User
from app.auth.queries import visible_basins
from app.extensions import db, limiter
from app.leads import bp
from app.leads.enums import LeadStatus, RejectionReason, SpotterKind
from app.leads.forms import (
    AcceptLeadForm,
    AttachSpotterForm,
    LeadForm,
    MergeLeadForm,
    OrganisationForm,
    PublicLeadForm,
    RejectLeadForm,
)
from app.leads.models import Lead, SpotterOrganisation
from app.leads.queries import contributions, get_visible_lead, lead_list
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
    submit_lead,
    submit_public_lead,
)
from app.needs.enums import QualificationLevel, TargetPublic
from app.needs.models import RecruitmentNeed
from app.pagination import paginate
from app.referential.models import Basin


def _user() -> User:
    return current_user._get_current_object()


def _status_for(error: LeadError) -> int:
    return 409 if isinstance(error, LeadConflict) else 400


@bp.route("/signalements")
def index():
    if current_user.role is Role.SPOTTER:
        page = paginate(lead_list(current_user), request.args.get("page", type=int))
        return render_template("leads/portal.html", page=page)
    status_value = request.args.get("statut", LeadStatus.NEW.value)
    status = LeadStatus(status_value) if status_value in LeadStatus._value2member_map_ else None
    page = paginate(lead_list(current_user, status), request.args.get("page", type=int))
    return render_template("leads/triage.html", page=page, status=status, statuses=list(LeadStatus))


@bp.route("/signalements/nouveau", methods=["GET", "POST"])
def new():
    form = LeadForm()
    if form.validate_on_submit():
        try:
            lead = submit_lead(_user(), form.data_for_service())
        except LeadError as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("leads/new.html", form=form), _status_for(error)
        db.session.commit()
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
        (need.id, f"{need.title} ({need.positions} poste(s), {need.status.label.lower()})")
        for need in mergeable_needs(lead)
    ]
    return {
        "accept_form": accept or AcceptLeadForm(siret=lead.siret),
        "reject_form": reject or RejectLeadForm(),
        "merge_form": merge,
    }


def _render_detail(lead: Lead, status: int = 200, **forms):
    if current_user.role is Role.SPOTTER:
        return render_template("leads/portal_detail.html", lead=lead), status
    return render_template(
        "leads/detail.html",
        lead=lead,
        duplicates=duplicates_of(lead) if lead.is_open else [],
        look_alikes=look_alike_employers(lead) if lead.is_open else [],
        can_triage=current_user.role in (Role.TASKFORCE_LEAD, Role.ADMIN),
        **_triage_forms(lead, **forms),
    ), status


@bp.route("/signalements/<int:lead_id>")
def detail(lead_id: int):
    return _render_detail(_lead_or_404(lead_id))


def _triage(lead: Lead, action, form_name: str, form):
    """Run one triage decision; a lead triaged by someone else meanwhile is a 409, not a 500."""
    try:
        action()
        db.session.commit()
    except LeadError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_detail(_lead_or_404(lead.id), _status_for(error), **{form_name: form})
    except StaleDataError:
        db.session.rollback()
        flash("Ce signalement vient d'être traité par quelqu'un d'autre.", "error")
        return _render_detail(_lead_or_404(lead.id), 409)
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
            target_public=TargetPublic(form.target_public.data),
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
    need = db.session.get(RecruitmentNeed, form.need_id.data)
    refused = _triage(lead, lambda: merge_lead(lead, decided_by=_user(), need=need, note=form.note.data), "merge", form)
    if refused:
        return refused
    flash("Signalement rattaché au besoin existant.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/signalements/contributions")
def contributions_page():
    return render_template("leads/contributions.html", rows=contributions(current_user))


# --- Spotter organisations (admins, managers) --------------------------------------------------


def _organisation_form() -> OrganisationForm:
    form = OrganisationForm()
    form.basin_id.choices = [("", "— Choisir —")] + [(b.id, b.name) for b in visible_basins(current_user)]
    return form


def _organisations_query():
    query = (
        sa.select(SpotterOrganisation)
        .options(selectinload(SpotterOrganisation.members), selectinload(SpotterOrganisation.basin))
        .order_by(SpotterOrganisation.name)
    )
    if not current_user.sees_all_basins:
        query = query.where(SpotterOrganisation.basin_id.in_(current_user.basin_ids))
    return query


def _attach_form() -> AttachSpotterForm:
    form = AttachSpotterForm()
    spotters = db.session.scalars(
        sa.select(User).where(User.role == Role.SPOTTER, User.is_active.is_(True)).order_by(User.full_name)
    )
    form.user_id.choices = [("", "— Choisir —")] + [
        (u.id, u.full_name) for u in spotters if current_user.sees_all_basins or u.basin_ids & current_user.basin_ids
    ]
    return form


def _render_organisations(form=None, status: int = 200):
    page = paginate(_organisations_query(), request.args.get("page", type=int))
    return render_template(
        "leads/organisations.html", page=page, form=form or _organisation_form(), attach_form=_attach_form()
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
            basin=db.session.get(Basin, form.basin_id.data), name=form.name.data, kind=SpotterKind(form.kind.data)
        )
    except LeadError as error:
        form.name.errors.append(str(error))
        return _render_organisations(form, _status_for(error))
    db.session.commit()
    flash("Organisation créée.", "success")
    return redirect(url_for("leads.organisations"))


@bp.route("/repereurs/<int:organisation_id>/membres", methods=["POST"])
def organisation_attach(organisation_id: int):
    organisation = db.session.scalar(_organisations_query().where(SpotterOrganisation.id == organisation_id))
    if organisation is None:
        abort(404)
    form = _attach_form()
    if not form.validate_on_submit():
        flash("Choisissez un repéreur.", "error")
        return _render_organisations(status=400)
    try:
        attach_spotter(organisation, db.session.get(User, form.user_id.data))
    except LeadError as error:
        flash(str(error), "error")
        return _render_organisations(status=400)
    db.session.commit()
    flash("Repéreur rattaché à l'organisation.", "success")
    return redirect(url_for("leads.organisations"))


# --- The public form (no account) --------------------------------------------------------------


@bp.route("/deposer-un-besoin", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def public_form():
    form = PublicLeadForm()
    if form.validate_on_submit():
        if form.website.data:
            # A robot filled the trap: answer as if all went well, keep nothing.
            return redirect(url_for("leads.public_thanks"))
        try:
            submit_public_lead(form.data_for_service())
        except LeadError as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("leads/public_form.html", form=form), _status_for(error)
        db.session.commit()
        return redirect(url_for("leads.public_thanks"))
    return render_template("leads/public_form.html", form=form), 400 if form.errors else 200


@bp.route("/deposer-un-besoin/merci")
def public_thanks():
    return render_template("leads/public_thanks.html")
