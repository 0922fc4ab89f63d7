from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.enums import Role
from app.auth.models import User
from app.auth.queries import active_users, get_visible_basin, visible_basins
from app.confirmation import ask_confirmation, confirmed
from app.converters import database_int
from app.employers.queries import get_visible_employer
from app.formatting import plural
from app.forms import Refusal
from app.pagination import paginate
from app.plans import bp
from app.plans.enums import PlanIndicator, SegmentKind
from app.plans.forms import AddEmployerForm, AssignForm, OperatorTargetForm, PlanForm, RelativeTargetForm, ShareOutForm
from app.plans.models import PlanEmployer, ProspectionPlan
from app.plans.queries import (
    contacted_employer_ids,
    get_plan_entry,
    get_plan_target,
    get_visible_plan,
    indicator_drill_down,
    plan_list,
    plan_progress,
    segment_choices,
    segment_labels,
    share_out_loads,
    target_list,
)
from app.plans.services import duplicate_plan, remove_target, save_plan, set_operator_target, set_relative_target
from app.plans.share_out import assign_entry, plan_advisers, share_out
from app.plans.target_list import add_employer, build_target_list, remove_employer
from app.referential.queries import active_operators, get_operator, shortage_sources
from app.timeutils import today_paris
from app.transactions import refusal_shown


def _plan_or_404(plan_id: int) -> ProspectionPlan:
    return get_visible_plan(current_user, plan_id) or abort(404)


def _plan_form(plan: ProspectionPlan | None = None) -> tuple[PlanForm, list[User]]:
    """The plan's form, and the task-force leads it offers as owners."""
    form = PlanForm(obj=plan)
    basins = [plan.basin] if plan else visible_basins(current_user)
    form.basin_id.choices = [(basin.id, basin.name) for basin in basins]
    leads = active_users(Role.TASKFORCE_LEAD, [basin.id for basin in basins])
    form.owner_ids.choices = [(user.id, user.full_name) for user in leads]
    basin_ids = [basin.id for basin in basins]
    choices = segment_choices(basin_ids, plan.segment_values(SegmentKind.TAG) if plan else ())
    form.shortage_sources = shortage_sources(basin_ids)
    for kind, field in _segment_fields(form).items():
        field.choices = choices[kind]
    if request.method == "GET":
        if plan:
            form.owner_ids.data = [owner.id for owner in plan.owners]
            for kind, field in _segment_fields(form).items():
                field.data = sorted(plan.segment_values(kind))
            # A relative target has no absolute value to show (it is set by its own form).
            network = {t.indicator: t.target_value for t in plan.targets if t.operator_id is None and t.factor is None}
            for indicator, field in form.target_fields():
                field.data = network.get(indicator)
        else:
            # The author pilots the new plan, when they are one of the leads it may have.
            if current_user.id in {lead.id for lead in leads}:
                form.owner_ids.data = [current_user.id]
            form.shortage_jobs.data = [code for code, _ in form.shortage_jobs.choices]
    return form, leads


def _segment_fields(form: PlanForm) -> dict:
    return {
        SegmentKind.SHORTAGE_JOB: form.shortage_jobs,
        SegmentKind.NAF_DIVISION: form.naf_divisions,
        SegmentKind.HEADCOUNT_BAND: form.headcount_bands,
        SegmentKind.TAG: form.tags,
    }


def _save(form: PlanForm, plan: ProspectionPlan | None, leads: list[User]) -> ProspectionPlan | None:
    """The plan saved, or None if refused (the reason is then on the form)."""
    basin = plan.basin if plan else get_visible_basin(current_user, form.basin_id.data)
    owner_ids = set(form.owner_ids.data or [])
    with refusal_shown(form) as outcome:
        plan = save_plan(
            plan,
            basin=basin,
            title=form.title.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            owners=[lead for lead in leads if lead.id in owner_ids],
            targets=form.targets(),
            segments={kind: field.data or [] for kind, field in _segment_fields(form).items()},
            target_list_size=form.target_list_size.data,
            author=current_user,
        )
    return None if outcome.refused else plan


@bp.route("/plans")
def index():
    basin_id = request.args.get("bassin", type=database_int)
    page = paginate(plan_list(current_user, basin_id), request.args.get("page", type=database_int))
    return render_template(
        "plans/index.html", page=page, basins=visible_basins(current_user), basin_id=basin_id, today=today_paris()
    )


@bp.route("/plans/nouveau", methods=["GET", "POST"])
def new():
    form, leads = _plan_form()
    if form.validate_on_submit():
        plan = _save(form, None, leads)
        if plan:
            flash("Plan créé. Calculez maintenant sa liste cible à partir des segments.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("plans/form.html", form=form, plan=None), status


@bp.route("/plans/<int:plan_id>/modifier", methods=["GET", "POST"])
def edit(plan_id: int):
    plan = _plan_or_404(plan_id)
    form, leads = _plan_form(plan)
    if form.validate_on_submit() and _save(form, plan, leads):
        flash("Plan enregistré.", "success")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("plans/form.html", form=form, plan=plan), status


def _operator_target_form(plan: ProspectionPlan) -> OperatorTargetForm:
    form = OperatorTargetForm()
    form.operator_id.choices = [(operator.id, operator.name) for operator in active_operators([plan.basin_id])]
    return form


def _render_detail(
    plan: ProspectionPlan,
    target_form: OperatorTargetForm | None = None,
    status: int = 200,
    relative_target_form: RelativeTargetForm | None = None,
):
    return render_template(
        "plans/detail.html",
        plan=plan,
        progress=plan_progress(plan),
        segments=segment_labels(plan),
        loads=share_out_loads(plan),
        target_form=target_form or _operator_target_form(plan),
        relative_target_form=relative_target_form or RelativeTargetForm(formdata=None),
        share_form=ShareOutForm(),
    ), status


@bp.route("/plans/<int:plan_id>")
def detail(plan_id: int):
    return _render_detail(_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>/objectifs", methods=["POST"])
def add_target(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = _operator_target_form(plan)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            set_operator_target(
                plan,
                indicator=PlanIndicator(form.indicator.data),
                operator=get_operator(form.operator_id.data),
                value=form.target_value.data,
            )
        if not outcome.refused:
            flash("Objectif enregistré.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return _render_detail(plan, form, 400)


@bp.route("/plans/<int:plan_id>/objectifs/relatif", methods=["POST"])
def add_relative_target(plan_id: int):
    """A target relative to the value at the plan's start: "doubler en 3 ans"."""
    plan = _plan_or_404(plan_id)
    form = RelativeTargetForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            set_relative_target(plan, indicator=PlanIndicator(form.indicator.data), factor=form.factor.data)
        if not outcome.refused:
            flash("Objectif enregistré.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return _render_detail(plan, status=400, relative_target_form=form)


@bp.route("/plans/<int:plan_id>/objectifs/<int:target_id>/supprimer", methods=["POST"])
def delete_target(plan_id: int, target_id: int):
    plan = _plan_or_404(plan_id)
    target = get_plan_target(plan, target_id) or abort(404)
    if not confirmed():
        return ask_confirmation(
            title="Supprimer un objectif du plan",
            consequences=(
                f"L'objectif « {target.indicator.label} »"
                f" ({target.operator.name if target.operator else 'tout le réseau'}) du plan « {plan.title} »"
                " sera supprimé : l'avancement du plan ne le suivra plus."
            ),
            action_label="Supprimer l'objectif",
            cancel_url=url_for("plans.detail", plan_id=plan.id),
        )
    remove_target(plan, target)
    flash("Objectif supprimé.", "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/avancement/<indicator>")
def drill(plan_id: int, indicator: str):
    plan = _plan_or_404(plan_id)
    try:
        indicator = PlanIndicator(indicator)
    except ValueError:
        abort(404)
    operator_id = request.args.get("operateur", type=database_int)
    operator = get_operator(operator_id) if operator_id else None
    query = indicator_drill_down(plan, indicator, operator.id if operator else None)
    page = paginate(query, request.args.get("page", type=database_int))
    return render_template("plans/drill.html", plan=plan, indicator=indicator, operator=operator, page=page)


def _render_targets(plan: ProspectionPlan, status: int = 200, refused: Refusal | None = None):
    adviser_filter = request.args.get("conseiller", "")
    excluded = request.args.get("retirees") == "1"
    query = target_list(
        plan,
        adviser_id=request.args.get("conseiller", type=database_int),
        unassigned=adviser_filter == "aucun",
        excluded=excluded,
    )
    page = paginate(query, request.args.get("page", type=database_int))
    advisers = plan_advisers(plan)
    assign_form = AssignForm()
    assign_form.adviser_id.choices = [("", "— Personne —")] + [(a.id, a.full_name) for a in advisers]
    return render_template(
        "plans/targets.html",
        plan=plan,
        page=page,
        advisers=advisers,
        adviser_filter=adviser_filter,
        excluded=excluded,
        contacted=contacted_employer_ids(plan, [entry.employer_id for entry in page.items]),
        add_form=AddEmployerForm(),
        share_form=ShareOutForm(),
        assign_form=assign_form,
        refused=refused,
    ), status


@bp.route("/plans/<int:plan_id>/cibles")
def targets(plan_id: int):
    return _render_targets(_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>/cibles/calculer", methods=["POST"])
def build(plan_id: int):
    plan = _plan_or_404(plan_id)
    result = build_target_list(plan)
    flash(
        f"Liste cible calculée : {plural(result.added, 'entreprise ajoutée', 'entreprises ajoutées')}, "
        f"{plural(result.kept, 'conservée', 'conservées')}, {plural(result.removed, 'retirée', 'retirées')}.",
        "success",
    )
    return redirect(url_for("plans.targets", plan_id=plan.id))


def _refused(plan: ProspectionPlan, message: str, status: int = 409):
    return _render_targets(plan, status, Refusal(message))


@bp.route("/plans/<int:plan_id>/cibles/ajouter", methods=["POST"])
def add_target_employer(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = AddEmployerForm()
    if not form.validate_on_submit():
        return _refused(plan, "Indiquez le SIRET de l'entreprise à ajouter, ou la référence de sa fiche.", 400)
    employer = get_visible_employer(current_user, form.employer.data)
    if employer is None:
        return _refused(
            plan, f"Aucune entreprise de vos bassins n'a le SIRET ou la référence « {form.employer.data} ».", 400
        )
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        add_employer(plan, employer)
    if outcome.refused:
        return _render_targets(plan, 409, refused)
    flash(f"{employer.display_name} ajoutée à la liste cible.", "success")
    return redirect(url_for("plans.targets", plan_id=plan.id))


def _entry_or_404(plan: ProspectionPlan, entry_id: int) -> PlanEmployer:
    return get_plan_entry(plan, entry_id) or abort(404)


@bp.route("/plans/<int:plan_id>/cibles/<int:entry_id>/retirer", methods=["POST"])
def remove_target_employer(plan_id: int, entry_id: int):
    plan = _plan_or_404(plan_id)
    entry = _entry_or_404(plan, entry_id)
    if not confirmed():
        return ask_confirmation(
            title="Retirer une entreprise de la liste cible",
            consequences=(
                f"{entry.employer.display_name} sera retirée de la liste cible du plan « {plan.title} »"
                " et n'y reviendra pas quand la liste sera recalculée."
            ),
            action_label="Retirer de la liste cible",
            cancel_url=url_for("plans.targets", plan_id=plan.id),
        )
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        remove_employer(entry)
    if outcome.refused:
        return _render_targets(plan, 409, refused)
    flash(f"{entry.employer.display_name} retirée de la liste cible.", "success")
    return redirect(url_for("plans.targets", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/cibles/<int:entry_id>/attribuer", methods=["POST"])
def assign(plan_id: int, entry_id: int):
    plan = _plan_or_404(plan_id)
    entry = _entry_or_404(plan, entry_id)
    advisers = plan_advisers(plan)
    form = AssignForm()
    form.adviser_id.choices = [("", "")] + [(a.id, a.full_name) for a in advisers]
    if not form.validate_on_submit():
        return _refused(plan, "Choisissez un conseiller du bassin.", 400)
    adviser = next((a for a in advisers if a.id == form.adviser_id.data), None)
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        assign_entry(plan, entry, adviser)
    if outcome.refused:
        return _render_targets(plan, 409, refused)
    flash(f"{entry.employer.display_name} : attribuée à {adviser.full_name if adviser else 'personne'}.", "success")
    return redirect(url_for("plans.targets", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/repartir", methods=["POST"])
def share(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = ShareOutForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal_shown() as outcome:
        count = share_out(plan, rebalance=form.rebalance.data)
    if outcome.refused:
        return _render_detail(plan, status=409)
    flash(f"{plural(count, 'entreprise répartie', 'entreprises réparties')} entre les conseillers.", "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/dupliquer", methods=["POST"])
def duplicate(plan_id: int):
    plan = _plan_or_404(plan_id)
    copy = duplicate_plan(plan, author=current_user)
    flash(f"Plan dupliqué pour la période du {copy.starts_on:%d/%m/%Y} au {copy.ends_on:%d/%m/%Y}.", "success")
    return redirect(url_for("plans.detail", plan_id=copy.id))
