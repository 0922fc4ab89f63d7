from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.assignments import bp
from app.assignments.enums import QueueReason
from app.assignments.forms import (
    AddMemberForm,
    AssignEmployerForm,
    HandoverDecisionForm,
    HandoverRequestForm,
    MemberForm,
    TaskForceForm,
    TaskForceNameForm,
)
from app.assignments.models import HandoverRequest, TaskForce, TaskForceMember
from app.assignments.queries import (
    QueueFilters,
    get_pending_handover,
    get_visible_member,
    get_visible_task_force,
    member_loads,
    pending_handover_for,
    pending_handovers,
    queue_page,
    queue_row_for,
    task_force_candidates,
    task_force_members,
    visible_task_forces,
)
from app.assignments.services import (
    AssignmentChoice,
    AssignmentConflict,
    AssignmentError,
    active_assignment_of,
    add_member,
    assign_in_bulk,
    assign_privileged_contact,
    create_task_force,
    decide_handover,
    remove_member,
    rename_task_force,
    request_handover,
    update_member,
)
from app.auth.models import User
from app.auth.queries import get_visible_basin, visible_basins
from app.converters import database_int
from app.employers.models import Employer
from app.employers.queries import get_visible_employer_by_id, get_visible_employers_by_id
from app.extensions import db
from app.formatting import of, plural
from app.pagination import paginate
from app.referential.enums import OperatorKind
from app.timeutils import today_paris
from app.transactions import keep_changes, refusal_shown


def _user() -> User:
    return current_user._get_current_object()


def _status_for(error: AssignmentError) -> int:
    return 409 if isinstance(error, AssignmentConflict) else 400


# --- The lead's queue -------------------------------------------------------------------------


def _render_queue(status: int = 200):
    filters = QueueFilters.from_args(request.args)
    page = queue_page(current_user, today_paris(), request.args.get("page", type=database_int), filters)
    return render_template(
        "assignments/queue.html",
        page=page,
        basins=visible_basins(current_user),
        filters=filters,
        operator_kinds=list(OperatorKind),
        queue_reasons=list(QueueReason),
        today=today_paris(),
    ), status


@bp.route("/affectations")
def queue():
    return _render_queue()


@bp.route("/affectations", methods=["POST"])
def assign():
    form = request.form
    only = form.get("only", type=database_int)
    selected = [only] if only else form.getlist("employer_id", type=database_int)
    employers = get_visible_employers_by_id(current_user, selected)
    if len(employers) != len(set(selected)):
        abort(404)
    choices = [
        AssignmentChoice(
            employer=employers[employer_id],
            adviser=db.session.get(User, form.get(f"adviser_{employer_id}", type=database_int) or 0),
            suggested_adviser_id=form.get(f"suggested_{employer_id}", type=database_int),
            reason=form.get(f"reason_{employer_id}", "")[:500],
        )
        for employer_id in selected
    ]
    outcome = assign_in_bulk(choices, assigned_by=_user())
    # Each employer is assigned on its own: those assigned stay so even when others are refused.
    keep_changes()
    if outcome.assigned:
        flash(
            f"{plural(len(outcome.assigned), 'entreprise affectée', 'entreprises affectées')} ; chaque interlocuteur est prévenu.",
            "success",
        )
    if not outcome.refused:
        return redirect(url_for("assignments.queue", **request.args))
    for message in outcome.refused:
        flash(message, "error")
    return _render_queue(409 if outcome.conflicts else 400)


@bp.route("/affectations/entreprises/<int:employer_id>", methods=["GET", "POST"])
def assign_employer(employer_id: int):
    """One employer's row of the queue, reached from its page: no hunting through the queue's pages."""
    employer = _employer_or_404(employer_id)
    today = today_paris()
    current = active_assignment_of(employer)
    row = queue_row_for(employer, today)
    form = AssignEmployerForm()
    form.adviser_id.choices = [("", "— Choisir —")] + [
        (member.user.id, member.label_on(today)) for member in row.choices
    ]
    if request.method == "GET" and row.adviser is not None:
        form.adviser_id.data = row.adviser.user.id
    status = 200
    if current is None and form.validate_on_submit():
        with refusal_shown(form) as outcome:
            assign_privileged_contact(
                employer=employer,
                adviser=db.session.get(User, form.adviser_id.data),
                assigned_by=_user(),
                reason=form.reason.data or "",
                suggested_adviser_id=row.adviser.user.id if row.adviser else None,
            )
        if not outcome.refused:
            flash(f"{employer.display_name} est affectée ; son interlocuteur est prévenu.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key))
        status = _status_for(outcome.error)
    elif request.method == "POST":
        status = 409 if current is not None else 400
    return render_template(
        "assignments/assign_employer.html", employer=employer, row=row, form=form, current=current, today=today
    ), status


# --- Task forces -------------------------------------------------------------------------------


def _task_force_or_404(task_force_id: int) -> TaskForce:
    task_force = get_visible_task_force(current_user, task_force_id)
    if task_force is None:
        abort(404)
    return task_force


def _member_or_404(member_id: int) -> TaskForceMember:
    member = get_visible_member(current_user, member_id)
    if member is None:
        abort(404)
    return member


def _task_force_form() -> TaskForceForm:
    form = TaskForceForm()
    form.basin_id.choices = [("", "— Choisir —")] + [(b.id, b.name) for b in visible_basins(current_user)]
    return form


@bp.route("/task-forces")
def task_forces():
    page = paginate(visible_task_forces(current_user), request.args.get("page", type=database_int))
    return render_template("assignments/task_forces.html", page=page, form=_task_force_form())


@bp.route("/task-forces", methods=["POST"])
def task_force_create():
    form = _task_force_form()
    status = 400
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            task_force = create_task_force(
                basin=get_visible_basin(current_user, form.basin_id.data), name=form.name.data
            )
        if not outcome.refused:
            flash("Task force créée : ajoutez-y ses membres.", "success")
            return redirect(url_for("assignments.task_force", task_force_id=task_force.id))
        status = _status_for(outcome.error)
    page = paginate(visible_task_forces(current_user), 1)
    return render_template("assignments/task_forces.html", page=page, form=form), status


def _add_member_form(task_force: TaskForce) -> AddMemberForm:
    form = AddMemberForm()
    form.user_id.choices = [("", "— Choisir —")] + [
        (u.id, f"{u.full_name} — {u.operator.name if u.operator else ''}") for u in task_force_candidates(task_force)
    ]
    return form


def _render_task_force(
    task_force: TaskForce,
    add_form: AddMemberForm | None = None,
    status: int = 200,
    name_form: TaskForceNameForm | None = None,
):
    today = today_paris()
    rows = task_force_members(task_force, today)
    return render_template(
        "assignments/task_force.html",
        task_force=task_force,
        rows=rows,
        today=today,
        add_form=add_form or _add_member_form(task_force),
        name_form=name_form or TaskForceNameForm(formdata=None, obj=task_force),
        member_forms={row.member.id: MemberForm(obj=row.member, prefix=f"m{row.member.id}") for row in rows},
    ), status


@bp.route("/task-forces/<int:task_force_id>")
def task_force(task_force_id: int):
    return _render_task_force(_task_force_or_404(task_force_id))


@bp.route("/task-forces/<int:task_force_id>/nom", methods=["POST"])
def task_force_rename(task_force_id: int):
    task_force = _task_force_or_404(task_force_id)
    form = TaskForceNameForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            rename_task_force(task_force, form.name.data)
        if not outcome.refused:
            flash(f"La task force s'appelle désormais « {task_force.name} ».", "success")
            return redirect(url_for("assignments.task_force", task_force_id=task_force.id))
    return _render_task_force(task_force, status=400, name_form=form)


@bp.route("/task-forces/<int:task_force_id>/membres", methods=["POST"])
def member_add(task_force_id: int):
    task_force = _task_force_or_404(task_force_id)
    form = _add_member_form(task_force)
    if not form.validate_on_submit():
        return _render_task_force(task_force, form, 400)
    try:
        add_member(task_force, db.session.get(User, form.user_id.data), is_lead=form.is_lead.data)
    except AssignmentError as error:
        form.user_id.errors.append(str(error))
        return _render_task_force(task_force, form, _status_for(error))
    flash("Membre ajouté à la task force.", "success")
    return redirect(url_for("assignments.task_force", task_force_id=task_force.id))


@bp.route("/task-forces/membres/<int:member_id>", methods=["POST"])
def member_update(member_id: int):
    member = _member_or_404(member_id)
    form = MemberForm(prefix=f"m{member.id}")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _render_task_force(member.task_force, status=400)
    with refusal_shown() as outcome:
        update_member(member, capacity=form.capacity.data, absent_until=form.absent_until.data)
    if outcome.refused:
        return _render_task_force(member.task_force, status=_status_for(outcome.error))
    flash(f"Disponibilité {of(member.user.full_name)} enregistrée.", "success")
    return redirect(url_for("assignments.task_force", task_force_id=member.task_force_id))


@bp.route("/task-forces/membres/<int:member_id>/retirer", methods=["POST"])
def member_remove(member_id: int):
    member = _member_or_404(member_id)
    task_force_id = member.task_force_id
    remove_member(member)
    flash("Membre retiré de la task force.", "success")
    return redirect(url_for("assignments.task_force", task_force_id=task_force_id))


# --- Handovers ---------------------------------------------------------------------------------


def _employer_or_404(employer_id: int) -> Employer:
    employer = get_visible_employer_by_id(current_user, employer_id)
    if employer is None:
        abort(404)
    return employer


@bp.route("/entreprises/<int:employer_id>/passation", methods=["GET", "POST"])
def handover_request(employer_id: int):
    employer = _employer_or_404(employer_id)
    form = HandoverRequestForm()
    status = 200
    if form.validate_on_submit():
        try:
            request_handover(employer=employer, requested_by=_user(), reason=form.reason.data)
        except AssignmentError as error:
            form.reason.errors.append(str(error))
            status = _status_for(error)
        else:
            flash("Demande de passation envoyée au pilote de la task force.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key))
    elif form.errors:
        status = 400
    return render_template(
        "assignments/handover_request.html",
        employer=employer,
        form=form,
        current=active_assignment_of(employer),
        pending=pending_handover_for(employer.id),
    ), status


def _decision_forms(requests: list[HandoverRequest]) -> dict[int, HandoverDecisionForm]:
    loads = member_loads(sorted({r.employer.basin_id for r in requests}))
    forms = {}
    for handover in requests:
        form = HandoverDecisionForm(prefix=f"h{handover.id}")
        form.new_adviser_id.choices = [("", "— Remettre dans la file d'affectation —")] + [
            (
                m.user.id,
                f"{m.user.full_name} — {m.user.operator.name if m.user.operator else ''} ({m.load}/{m.capacity})",
            )
            for m in loads.get(handover.employer.basin_id, [])
            if m.user.is_active and m.user.id != handover.assignment.adviser_id
        ]
        forms[handover.id] = form
    return forms


def _render_handovers(status: int = 200, refused: tuple[int, HandoverDecisionForm] | None = None):
    """The pending handovers; `refused`, a request's form that failed, is shown with its errors."""
    page = paginate(pending_handovers(current_user), request.args.get("page", type=database_int))
    forms = _decision_forms(page.items)
    if refused is not None and refused[0] in forms:
        forms[refused[0]] = refused[1]
    return render_template("assignments/handovers.html", page=page, forms=forms), status


@bp.route("/passations")
def handovers():
    return _render_handovers()


@bp.route("/passations/<int:request_id>/decision", methods=["POST"])
def handover_decide(request_id: int):
    handover = get_pending_handover(current_user, request_id)
    if handover is None:
        abort(404)
    form = _decision_forms([handover])[handover.id]
    if not form.validate_on_submit():
        flash("Décision invalide : choisissez d'accepter ou de refuser.", "error")
        return _render_handovers(400, refused=(handover.id, form))
    with refusal_shown() as outcome:
        decide_handover(
            handover,
            decided_by=_user(),
            approve=form.decision.data == "approve",
            note=form.note.data,
            new_adviser=db.session.get(User, form.new_adviser_id.data) if form.new_adviser_id.data else None,
        )
    if outcome.refused:
        return _render_handovers(_status_for(outcome.error))
    flash("Décision enregistrée ; le demandeur et l'interlocuteur sont prévenus.", "success")
    return redirect(url_for("assignments.handovers"))
