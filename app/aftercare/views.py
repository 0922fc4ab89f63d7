from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.aftercare import bp
from app.aftercare.enums import RetentionAnswer
from app.aftercare.forms import ContactDetailsForm, RetentionForm, SurveyForm
from app.aftercare.queries import retention_checks_of
from app.aftercare.retention import answer_retention_check
from app.aftercare.services import set_phone
from app.aftercare.surveys import SurveyAnswer, SurveyLinkInvalid, answer_survey, survey_of_token
from app.extensions import limiter
from app.needs.queries import get_visible_need
from app.timeutils import utcnow
from app.transactions import refusal_shown


def _need_or_404(need_id: int):
    need = get_visible_need(current_user, need_id)
    if need is None:
        abort(404)
    return need


def _render_retention(need, status: int = 200, form: RetentionForm | None = None):
    return (
        render_template(
            "aftercare/retention.html",
            need=need,
            checks=retention_checks_of(need),
            form=form or RetentionForm(),
            answer_choices=RetentionAnswer.choices(),
        ),
        status,
    )


@bp.route("/besoins/<int:need_id>/maintien-en-poste")
def retention(need_id: int):
    return _render_retention(_need_or_404(need_id))


@bp.route("/besoins/<int:need_id>/maintien-en-poste", methods=["POST"])
def answer_retention(need_id: int):
    need = _need_or_404(need_id)
    form = RetentionForm()
    checks = {str(check.id): check for check in retention_checks_of(need)}
    check = checks.get(form.check_id.data or "")
    if not form.validate_on_submit() or check is None:
        if check is None and not form.errors:
            form.form_errors.append("Cette vérification n'appartient pas à ce besoin.")
        return _render_retention(need, 400, form)
    with refusal_shown(form) as outcome:
        answer_retention_check(
            check, author=current_user, answer=form.answer.data, still_in_post=form.still_in_post.data
        )
    if outcome.refused:
        return _render_retention(need, 400, form)
    flash(f"Réponse enregistrée : {check.kind.label.lower()}.", "success")
    return redirect(url_for("aftercare.retention", need_id=need.id))


def _link_refused(error: SurveyLinkInvalid):
    return render_template("aftercare/survey_invalid.html", message=str(error)), error.status


@bp.route("/avis/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@limiter.limit("120 per hour", methods=["GET"])
def survey(token: str):
    try:
        employer_survey = survey_of_token(token, utcnow())
    except SurveyLinkInvalid as error:
        return _link_refused(error)
    form = SurveyForm()
    if form.validate_on_submit():
        answer = SurveyAnswer(form.score.data, form.would_recommend.data == "oui", form.comment.data or "")
        try:
            with refusal_shown(form) as outcome:
                answer_survey(employer_survey, answer, utcnow())
        except SurveyLinkInvalid as error:  # answered meanwhile by a concurrent submission
            return _link_refused(error)
        if not outcome.refused:
            return redirect(url_for("aftercare.survey_thanks"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("aftercare/survey.html", form=form, survey=employer_survey), status


@bp.route("/avis/merci")
def survey_thanks():
    return render_template("aftercare/survey_thanks.html")


@bp.route("/mes-coordonnees", methods=["GET", "POST"])
def contact_details():
    form = ContactDetailsForm(obj=current_user)
    if form.validate_on_submit():
        set_phone(current_user, form.phone.data)
        flash("Vos coordonnées sont enregistrées.", "success")
        return redirect(url_for("aftercare.contact_details"))
    return render_template("aftercare/contact_details.html", form=form), 400 if form.errors else 200
