from flask import render_template
from flask_login import current_user

from app.activity.queries import due_follow_up_counts
from app.assignments.queries import portfolio_size
from app.auth.home import home_page
from app.main import bp
from app.main.queries import database_is_reachable
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
    return render_template(page.template, counts=counts, plan_targets=plan_targets)


@bp.route("/sante")
def health():
    if not database_is_reachable():
        return {"status": "erreur", "database": "injoignable"}, 503
    return {"status": "ok", "database": "ok"}
