import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.activity.models import Interaction
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.auth.queries import visible_basins
from app.employers.models import Employer, Tag
from app.employers.queries import visible_employers
from app.events.models import Event, EventParticipant
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.pagination import paginate
from app.plans import bp
from app.plans.enums import PlanIndicator, SegmentKind
from app.plans.forms import AddEmployerForm, AssignForm, OperatorTargetForm, PlanForm, ShareOutForm
from app.plans.models import PlanEmployer, PlanTarget, ProspectionPlan
from app.plans.queries import (
    adviser_targets,
    contacted_employer_ids,
    get_visible_plan,
    indicator_records,
    plan_progress,
    share_out_loads,
    target_list,
    visible_plans,
)
from app.plans.services import (
    PlanError,
    add_employer,
    assign_entry,
    build_target_list,
    duplicate_plan,
    plan_advisers,
    remove_employer,
    remove_target,
    save_plan,
    set_operator_target,
    share_out,
)
from app.referential.models import Basin, NafCode, Operator, RomeCode
from app.timeutils import today_paris


@bp.app_context_processor
def plan_targets_for_home():
    """The adviser's plan targets, for the home page (computed only when a template asks)."""

    def my_plan_targets():
        if not current_user.is_authenticated or current_user.role is not Role.ADVISER:
            return []
        return adviser_targets(current_user, today_paris())

    return {"my_plan_targets": my_plan_targets}


def _plan_or_404(plan_id: int) -> ProspectionPlan:
    return get_visible_plan(current_user, plan_id) or abort(404)


def _plan_form(plan: ProspectionPlan | None = None) -> PlanForm:
    form = PlanForm(obj=plan)
    basins = [plan.basin] if plan else visible_basins(current_user)
    form.basin_id.choices = [(basin.id, basin.name) for basin in basins]
    leads = db.session.scalars(
        sa.select(User)
        .join(user_basins, user_basins.c.user_id == User.id)
        .where(
            user_basins.c.basin_id.in_([basin.id for basin in basins]),
            User.role == Role.TASKFORCE_LEAD,
            User.is_active,
        )
        .distinct()
        .order_by(User.full_name)
    )
    form.owner_ids.choices = [(user.id, user.full_name) for user in leads]
    form.shortage_jobs.choices = [
        (code, f"{code} — {label}")
        for code, label in db.session.execute(
            sa.select(RomeCode.code, RomeCode.label)
            .where(RomeCode.is_in_shortage, sa.func.length(RomeCode.code) == 5)
            .order_by(RomeCode.code)
        )
    ]
    form.naf_divisions.choices = [
        (code, f"{code} — {label}")
        for code, label in db.session.execute(
            sa.select(NafCode.code, NafCode.label).where(sa.func.length(NafCode.code) == 2).order_by(NafCode.code)
        )
    ]
    form.tags.choices = [(tag.code, tag.label) for tag in db.session.scalars(sa.select(Tag).order_by(Tag.label))]
    if request.method == "GET":
        if plan:
            form.owner_ids.data = [owner.id for owner in plan.owners]
            for kind, field in _segment_fields(form).items():
                field.data = sorted(plan.segment_values(kind))
            network = {t.indicator: t.target_value for t in plan.targets if t.operator_id is None}
            for indicator, field in form.target_fields():
                field.data = network.get(indicator)
        else:
            if current_user.role is Role.TASKFORCE_LEAD:
                form.owner_ids.data = [current_user.id]
            form.shortage_jobs.data = [code for code, _ in form.shortage_jobs.choices]
    return form


def _segment_fields(form: PlanForm) -> dict:
    return {
        SegmentKind.SHORTAGE_JOB: form.shortage_jobs,
        SegmentKind.NAF_DIVISION: form.naf_divisions,
        SegmentKind.HEADCOUNT_BAND: form.headcount_bands,
        SegmentKind.TAG: form.tags,
    }


def _save(form: PlanForm, plan: ProspectionPlan | None) -> ProspectionPlan | None:
    basin = db.session.get(Basin, form.basin_id.data) if not plan else plan.basin
    owners = list(db.session.scalars(sa.select(User).where(User.id.in_(form.owner_ids.data or []))))
    try:
        plan = save_plan(
            plan,
            basin=basin,
            title=form.title.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            owners=owners,
            targets=form.targets(),
            segments={kind: field.data or [] for kind, field in _segment_fields(form).items()},
            target_list_size=form.target_list_size.data,
            author=current_user,
        )
    except PlanError as error:
        form.form_errors.append(str(error))
        return None
    db.session.commit()
    return plan


@bp.route("/plans")
def index():
    query = visible_plans(current_user).options(joinedload(ProspectionPlan.basin))
    basin_id = request.args.get("bassin", type=int)
    if basin_id:
        query = query.where(ProspectionPlan.basin_id == basin_id)
    page = paginate(
        query.order_by(ProspectionPlan.starts_on.desc(), ProspectionPlan.id.desc()), request.args.get("page", type=int)
    )
    return render_template(
        "plans/index.html", page=page, basins=visible_basins(current_user), basin_id=basin_id, today=today_paris()
    )


@bp.route("/plans/nouveau", methods=["GET", "POST"])
def new():
    form = _plan_form()
    if form.validate_on_submit():
        plan = _save(form, None)
        if plan:
            flash("Plan créé. Calculez maintenant sa liste cible à partir des segments.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("plans/form.html", form=form, plan=None), status


@bp.route("/plans/<int:plan_id>/modifier", methods=["GET", "POST"])
def edit(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = _plan_form(plan)
    if form.validate_on_submit() and _save(form, plan):
        flash("Plan enregistré.", "success")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("plans/form.html", form=form, plan=plan), status


def _operator_target_form(plan: ProspectionPlan) -> OperatorTargetForm:
    form = OperatorTargetForm()
    operators = db.session.scalars(
        sa.select(Operator)
        .where(Operator.basins.any(Basin.id == plan.basin_id), Operator.is_active)
        .order_by(Operator.name)
    )
    form.operator_id.choices = [(operator.id, operator.name) for operator in operators]
    return form


def _render_detail(plan: ProspectionPlan, target_form: OperatorTargetForm | None = None, status: int = 200):
    return render_template(
        "plans/detail.html",
        plan=plan,
        progress=plan_progress(plan),
        loads=share_out_loads(plan),
        target_form=target_form or _operator_target_form(plan),
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
        try:
            set_operator_target(
                plan,
                indicator=PlanIndicator(form.indicator.data),
                operator=db.session.get(Operator, form.operator_id.data),
                value=form.target_value.data,
            )
        except PlanError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Objectif enregistré.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return _render_detail(plan, form, 400)


@bp.route("/plans/<int:plan_id>/objectifs/<int:target_id>/supprimer", methods=["POST"])
def delete_target(plan_id: int, target_id: int):
    plan = _plan_or_404(plan_id)
    target = db.session.get(PlanTarget, target_id)
    if target is None or target.plan_id != plan.id:
        abort(404)
    remove_target(plan, target)
    db.session.commit()
    flash("Objectif supprimé.", "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/avancement/<indicator>")
def drill(plan_id: int, indicator: str):
    plan = _plan_or_404(plan_id)
    try:
        indicator = PlanIndicator(indicator)
    except ValueError:
        abort(404)
    operator_id = request.args.get("operateur", type=int)
    operator = db.session.get(Operator, operator_id) if operator_id else None
    query = indicator_records(plan, indicator, operator.id if operator else None)
    loaders = {
        PlanIndicator.VISITS: (joinedload(Interaction.employer), joinedload(Interaction.author)),
        PlanIndicator.NEEDS_IDENTIFIED: (joinedload(RecruitmentNeed.employer),),
        PlanIndicator.POSITIONS_FILLED: (joinedload(RecruitmentNeed.employer),),
        PlanIndicator.EVENTS_HELD: (selectinload(Event.participants),),
        PlanIndicator.EVENT_HIRES: (joinedload(EventParticipant.employer), joinedload(EventParticipant.event)),
    }
    query = query.options(*loaders.get(indicator, ()))
    order = {
        PlanIndicator.VISITS: (Interaction.occurred_on.desc(), Interaction.id.desc()),
        PlanIndicator.NEEDS_IDENTIFIED: (RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc()),
        PlanIndicator.POSITIONS_FILLED: (RecruitmentNeed.closed_on.desc(), RecruitmentNeed.id.desc()),
        PlanIndicator.EVENTS_HELD: (Event.starts_at.desc(), Event.id.desc()),
        PlanIndicator.EVENT_HIRES: (EventParticipant.id.desc(),),
    }.get(indicator, (Employer.name, Employer.id))
    page = paginate(query.order_by(*order), request.args.get("page", type=int))
    return render_template("plans/drill.html", plan=plan, indicator=indicator, operator=operator, page=page)


def _render_targets(plan: ProspectionPlan, status: int = 200):
    adviser_filter = request.args.get("conseiller", "")
    excluded = request.args.get("retirees") == "1"
    query = target_list(
        plan,
        adviser_id=int(adviser_filter) if adviser_filter.isdigit() else None,
        unassigned=adviser_filter == "aucun",
        excluded=excluded,
    )
    page = paginate(query, request.args.get("page", type=int))
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
    ), status


@bp.route("/plans/<int:plan_id>/cibles")
def targets(plan_id: int):
    return _render_targets(_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>/cibles/calculer", methods=["POST"])
def build(plan_id: int):
    plan = _plan_or_404(plan_id)
    result = build_target_list(plan)
    db.session.commit()
    flash(
        f"Liste cible calculée : {result.added} entreprise(s) ajoutée(s), {result.kept} conservée(s), "
        f"{result.removed} retirée(s).",
        "success",
    )
    return redirect(url_for("plans.targets", plan_id=plan.id))


def _refused(plan: ProspectionPlan, message: str, status: int = 409):
    flash(message, "error")
    return _render_targets(plan, status)


@bp.route("/plans/<int:plan_id>/cibles/ajouter", methods=["POST"])
def add_target_employer(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = AddEmployerForm()
    if not form.validate_on_submit():
        return _refused(plan, "Indiquez le SIRET de l'entreprise à ajouter.", 400)
    siret = "".join(ch for ch in form.siret.data if ch.isdigit())
    employer = db.session.scalar(visible_employers(current_user).where(Employer.siret == siret))
    if employer is None:
        return _refused(plan, f"Aucune entreprise de vos bassins n'a le SIRET {form.siret.data}.", 400)
    try:
        add_employer(plan, employer)
    except PlanError as error:
        return _refused(plan, str(error))
    db.session.commit()
    flash(f"{employer.display_name} ajoutée à la liste cible.", "success")
    return redirect(url_for("plans.targets", plan_id=plan.id))


def _entry_or_404(plan: ProspectionPlan, entry_id: int) -> PlanEmployer:
    entry = db.session.get(PlanEmployer, entry_id)
    if entry is None or entry.plan_id != plan.id:
        abort(404)
    return entry


@bp.route("/plans/<int:plan_id>/cibles/<int:entry_id>/retirer", methods=["POST"])
def remove_target_employer(plan_id: int, entry_id: int):
    plan = _plan_or_404(plan_id)
    entry = _entry_or_404(plan, entry_id)
    try:
        remove_employer(entry)
    except PlanError as error:
        return _refused(plan, str(error))
    db.session.commit()
    flash(f"{entry.employer.display_name} retirée de la liste cible.", "success")
    return redirect(url_for("plans.targets", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/cibles/<int:entry_id>/attribuer", methods=["POST"])
def assign(plan_id: int, entry_id: int):
    plan = _plan_or_404(plan_id)
    entry = _entry_or_404(plan, entry_id)
    form = AssignForm()
    form.adviser_id.choices = [("", "")] + [(a.id, a.full_name) for a in plan_advisers(plan)]
    if not form.validate_on_submit():
        return _refused(plan, "Choisissez un conseiller du bassin.", 400)
    adviser = db.session.get(User, form.adviser_id.data) if form.adviser_id.data else None
    try:
        assign_entry(plan, entry, adviser)
    except PlanError as error:
        return _refused(plan, str(error))
    db.session.commit()
    flash(f"{entry.employer.display_name} : attribuée à {adviser.full_name if adviser else 'personne'}.", "success")
    return redirect(url_for("plans.targets", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/repartir", methods=["POST"])
def share(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = ShareOutForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = share_out(plan, rebalance=form.rebalance.data)
    except PlanError as error:
        flash(str(error), "error")
        return _render_detail(plan, status=409)
    db.session.commit()
    flash(f"{count} entreprise(s) réparties entre les conseillers.", "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/dupliquer", methods=["POST"])
def duplicate(plan_id: int):
    plan = _plan_or_404(plan_id)
    copy = duplicate_plan(plan, author=current_user)
    db.session.commit()
    flash(f"Plan dupliqué pour la période du {copy.starts_on:%d/%m/%Y} au {copy.ends_on:%d/%m/%Y}.", "success")
    return redirect(url_for("plans.detail", plan_id=copy.id))
