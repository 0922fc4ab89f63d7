from flask import current_app, render_template
from flask_login import current_user

from app.activity.queries import due_follow_up_counts
from app.assignments.queries import portfolio_size
from app.auth.access import is_allowed
from app.auth.home import home_page
from app.leads.queries import outside_basin_count
from app.main import bp
from app.main.queries import database_is_reachable
from app.monitoring.health import is_redis_url, redis_is_reachable, scheduler_heartbeat
from app.plans.queries import adviser_targets
from app.timeutils import today_paris


@bp.route("/")
def home():
    page = home_page(current_user.role)
    if not page.shows_work:
        return render_template(page.template)
    today = today_paris()
    due, overdue = due_follow_up_counts(current_user, today)
    counts = {"due": due, "overdue": overdue, "portfolio": portfolio_size(current_user)}
    plan_targets = adviser_targets(current_user, today) if page.shows_plan_targets else []
    if is_allowed("leads.outside_basins", current_user.role):
        counts["outside_basins"] = outside_basin_count()
    return render_template(page.template, counts=counts, plan_targets=plan_targets)


@bp.route("/sante")
def health():
    if not database_is_reachable():
        return {"status": "erreur", "database": "injoignable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.route("/sante/pret")
def readiness():
    """Readiness, for the load balancer and the monitoring: /sante says the process answers,
    this says it can work. 503, with the failed checks named, when one of them fails."""
    checks = {"database": "ok" if database_is_reachable() else "injoignable"}
    storage = current_app.config["RATELIMIT_STORAGE_URI"]
    if is_redis_url(storage):
        checks["redis"] = "ok" if redis_is_reachable(storage) else "injoignable"
    checks["scheduler"] = scheduler_heartbeat() if checks["database"] == "ok" else "inconnu (base injoignable)"
    failed = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "erreur" if failed else "ok", "checks": checks, "failed": failed}
    return body, 503 if failed else 200
