"""The committees' pages: a basin's meetings, one meeting (its frozen figures, its actions, the
previous meeting's open actions, the needs it escalated), the département's escalated needs, and the
monthly report's recipients of the basin. Steering accounts read; the access table says who writes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import is_allowed
from app.auth.enums import Role
from app.auth.models import User
from app.auth.queries import get_visible_basin, visible_basins
from app.committees import bp
from app.committees.enums import ActionStatus
from app.committees.forms import ActionForm, ActionStatusForm, EscalationForm, MeetingForm, RecipientForm
from app.committees.queries import (
    basin_people,
    basins_by_territory,
    escalated_needs,
    get_visible_action,
    get_visible_meeting,
    meeting_escalations,
    meetings_of,
    open_actions,
    previous_meeting,
    unmet_needs,
)
from app.committees.services import (
    UNMET_STATUSES,
    add_action,
    attendee_list,
    escalate_need,
    record_meeting,
    set_action_status,
)
from app.committees.snapshots import snapshot_dates, snapshot_rows
from app.confirmation import ask_confirmation, confirmed
from app.converters import database_int
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.notifications.report_recipients import ReportRecipient, add_recipient, basin_recipients, remove_recipient
from app.pagination import paginate
from app.timeutils import today_paris
from app.transactions import refusal_shown


def _basin_or_404(basin_id: int):
    return get_visible_basin(current_user, basin_id) or abort(404)


def _meeting_or_404(meeting_id: int):
    return get_visible_meeting(current_user, meeting_id) or abort(404)


def _keeps_recipients() -> bool:
    # The co-chairs' names and addresses are personal data: their basin's managers and admins only.
    return current_user.role in (Role.MANAGER, Role.ADMIN)


@bp.route("/comites")
def index():
    basins = visible_basins(current_user)
    page = paginate(meetings_of([basin.id for basin in basins]), request.args.get("page", type=database_int))
    return render_template("committees/index.html", groups=basins_by_territory(basins), page=page)


def _basin_page(basin, meeting_form=None, recipient_form=None, status: int = 200):
    page = paginate(meetings_of([basin.id]), request.args.get("page", type=database_int))
    keeps_recipients = _keeps_recipients()
    return render_template(
        "committees/basin.html",
        basin=basin,
        page=page,
        meeting_form=meeting_form or MeetingForm(formdata=None, held_on=today_paris()),
        recipients=basin_recipients(basin.id) if keeps_recipients else [],
        keeps_recipients=keeps_recipients,
        recipient_form=recipient_form or RecipientForm(formdata=None),
    ), status


@bp.route("/comites/bassins/<int:basin_id>")
def basin(basin_id: int):
    return _basin_page(_basin_or_404(basin_id))


@bp.route("/comites/bassins/<int:basin_id>/reunions", methods=["POST"])
def meeting_new(basin_id: int):
    basin = _basin_or_404(basin_id)
    form = MeetingForm()
    if form.validate():
        with refusal_shown(form) as outcome:
            meeting = record_meeting(
                basin,
                form.held_on.data,
                attendee_list(form.attendees.data),
                by=current_user._get_current_object(),
                today=today_paris(),
            )
            db.session.flush()
        if not outcome.refused:
            flash("Réunion enregistrée, avec les chiffres du bassin à sa date.", "success")
            return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    return _basin_page(basin, meeting_form=form, status=400)


def _meeting_page(meeting, action_form=None, escalation_form=None, status: int = 200):
    writes = is_allowed("committees.action_new", current_user.role)
    previous = previous_meeting(meeting)
    if action_form is None:
        action_form = ActionForm(formdata=None)
    if escalation_form is None:
        escalation_form = EscalationForm(formdata=None)
    if writes:
        action_form.set_people(basin_people(meeting.basin_id))
        escalation_form.set_needs(unmet_needs(meeting.basin_id, UNMET_STATUSES))
    return render_template(
        "committees/meeting.html",
        meeting=meeting,
        figures=snapshot_rows(meeting.snapshot),
        period=snapshot_dates(meeting.snapshot),
        previous=previous,
        previous_open=open_actions(previous) if previous is not None else [],
        escalations=meeting_escalations(meeting),
        writes=writes,
        action_form=action_form,
        escalation_form=escalation_form,
        status_form=ActionStatusForm(formdata=None),
        statuses=list(ActionStatus),
    ), status


@bp.route("/comites/reunions/<int:meeting_id>")
def meeting(meeting_id: int):
    return _meeting_page(_meeting_or_404(meeting_id))


@bp.route("/comites/reunions/<int:meeting_id>/actions", methods=["POST"])
def action_new(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = ActionForm()
    form.set_people(basin_people(meeting.basin_id))
    if form.validate():
        owner = db.session.get(User, form.owner_user_id.data) if form.owner_user_id.data else None
        with refusal_shown(form) as outcome:
            add_action(
                meeting,
                form.decision.data,
                owner_user=owner,
                owner_organisation=form.owner_organisation.data,
                due_on=form.due_on.data,
            )
        if not outcome.refused:
            flash("Action enregistrée.", "success")
            return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, action_form=form, status=400)


@bp.route("/comites/actions/<int:action_id>/avancement", methods=["POST"])
def action_status(action_id: int):
    action = get_visible_action(current_user, action_id) or abort(404)
    form = ActionStatusForm()
    if not form.validate():
        flash("Avancement inconnu : l'action est inchangée.", "error")
        return _meeting_page(_meeting_or_404(action.meeting_id), status=400)
    set_action_status(action, ActionStatus(form.status.data))
    flash(f"Action « {action.decision} » : {action.status.label.lower()}.", "success")
    # Reviewed from the next meeting's page, the user goes back there.
    shown_on = get_visible_meeting(current_user, request.form.get("reunion", type=database_int) or action.meeting_id)
    return redirect(url_for("committees.meeting", meeting_id=(shown_on or action.meeting).id))


@bp.route("/comites/reunions/<int:meeting_id>/remontees", methods=["POST"])
def escalate(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = EscalationForm()
    form.set_needs(unmet_needs(meeting.basin_id, UNMET_STATUSES))
    if form.validate():
        need = db.session.get(RecruitmentNeed, form.need_id.data) if form.need_id.data else None
        if need is None:
            form.need_id.errors.append("Choisissez un besoin.")
        else:
            with refusal_shown(form) as outcome:
                escalate_need(meeting, need, form.reason.data)
            if not outcome.refused:
                flash("Besoin remonté au département.", "success")
                return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, escalation_form=form, status=400)


@bp.route("/comites/remontees")
def escalations():
    basins = visible_basins(current_user)
    page = paginate(escalated_needs([basin.id for basin in basins]), request.args.get("page", type=database_int))
    return render_template("committees/escalations.html", page=page, basins=basins)


@bp.route("/comites/bassins/<int:basin_id>/destinataires", methods=["POST"])
def recipient_add(basin_id: int):
    basin = _basin_or_404(basin_id)
    form = RecipientForm()
    if form.validate():
        with refusal_shown(form) as outcome:
            add_recipient(basin, form.full_name.data, form.email.data)
        if not outcome.refused:
            flash("Destinataire ajouté : il recevra le point mensuel du bassin.", "success")
            return redirect(url_for("committees.basin", basin_id=basin.id))
    return _basin_page(basin, recipient_form=form, status=400)


@bp.route("/comites/destinataires/<int:recipient_id>/retirer", methods=["POST"])
def recipient_remove(recipient_id: int):
    recipient = db.session.get(ReportRecipient, recipient_id)
    if recipient is None or get_visible_basin(current_user, recipient.basin_id) is None:
        abort(404)
    cancel_url = url_for("committees.basin", basin_id=recipient.basin_id)
    if not confirmed():
        return ask_confirmation(
            title="Retirer ce destinataire ?",
            consequences=f"{recipient.full_name} ne recevra plus le point mensuel du bassin ; son nom et son adresse sont effacés.",
            action_label="Retirer",
            cancel_url=cancel_url,
        )
    remove_recipient(recipient)
    flash("Destinataire retiré.", "success")
    return redirect(cancel_url)
