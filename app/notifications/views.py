from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.converters import database_int
from app.notifications import bp
from app.notifications.enums import EmailStatus
from app.notifications.forms import PreferencesForm
from app.notifications.mail import outbox_file
from app.notifications.queries import (
    digest_contents,
    get_outbox_email,
    get_visible_report,
    monthly_reports_query,
    outbox_query,
)
from app.notifications.report_pdf import report_pdf
from app.notifications.reports import month_label, report_document, report_filename, report_sections
from app.notifications.services import set_email_digest_preference
from app.pagination import paginate
from app.scheduler.locks import scheduler_status
from app.scheduler.registry import JOBS, JOBS_BY_ID, describe_counts, next_fire_time
from app.scheduler.runner import RunAlreadyRequested, recent_runs, request_run
from app.timeutils import today_paris, utcnow

PAGE_ITEMS = 25


@bp.route("/point-du-jour")
def digest():
    content = digest_contents([current_user.id], today_paris(), limit=PAGE_ITEMS)[current_user.id]
    return render_template("notifications/digest.html", content=content, today=today_paris())


@bp.route("/compte/preferences", methods=["GET", "POST"])
def preferences():
    user = current_user._get_current_object()
    form = PreferencesForm(obj=user)
    if form.validate_on_submit():
        set_email_digest_preference(user, form.wants_email_digest.data)
        flash("Vos préférences sont enregistrées.", "success")
        return redirect(url_for("notifications.preferences"))
    status = 400 if form.errors else 200
    return render_template("notifications/preferences.html", form=form), status


@bp.route("/rapports-mensuels")
def monthly_reports():
    page = paginate(monthly_reports_query(current_user), request.args.get("page", type=database_int))
    return render_template("notifications/monthly_reports.html", page=page, month_label=month_label)


@bp.route("/rapports-mensuels/<int:report_id>")
def monthly_report(report_id: int):
    report = get_visible_report(current_user, report_id) or abort(404)
    return render_template(
        "notifications/monthly_report.html", report=report, month_label=month_label, sections=report_sections(report)
    )


REPORT_FORMATS = {"pdf": "application/pdf", "html": "text/html"}


@bp.route("/rapports-mensuels/<int:report_id>/telecharger.<fmt>")
def monthly_report_download(report_id: int, fmt: str):
    """The report as a file (PDF or standalone HTML), from the figures the page shows."""
    if fmt not in REPORT_FORMATS:
        abort(404)
    report = get_visible_report(current_user, report_id) or abort(404)
    body = report_pdf(report) if fmt == "pdf" else report_document(report)
    return Response(
        body,
        mimetype=REPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{report_filename(report, fmt)}"'},
    )


def _admin_jobs_page(status: int = 200):
    now = utcnow()
    return render_template(
        "notifications/admin_jobs.html",
        jobs=[(job, next_fire_time(job, now)) for job in JOBS],
        runs=recent_runs([job.id for job in JOBS]),
        scheduler=scheduler_status(),
        describe_counts=describe_counts,
    ), status


@bp.route("/administration/taches")
def admin_jobs():
    return _admin_jobs_page()


@bp.route("/administration/taches/<job_id>/lancer", methods=["POST"])
def admin_job_run(job_id: str):
    if job_id not in JOBS_BY_ID:
        abort(404)
    try:
        request_run(job_id, current_user._get_current_object())
    except RunAlreadyRequested as error:
        flash(str(error), "error")
        return _admin_jobs_page(409)
    flash(f"« {JOBS_BY_ID[job_id].label} » sera lancée par le planificateur dans quelques secondes.", "success")
    return redirect(url_for("notifications.admin_jobs"))


@bp.route("/administration/courriels")
def admin_outbox():
    status = request.args.get("statut", "")
    selected = EmailStatus(status) if status in EmailStatus._value2member_map_ else None
    page = paginate(outbox_query(selected), request.args.get("page", type=database_int))
    return render_template("notifications/admin_outbox.html", page=page, statuses=EmailStatus, selected=selected)


@bp.route("/administration/courriels/<int:email_id>")
def admin_outbox_email(email_id: int):
    email = get_outbox_email(email_id) or abort(404)
    path = outbox_file(email.id)
    raw = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    return render_template("notifications/admin_outbox_email.html", email=email, raw=raw)
