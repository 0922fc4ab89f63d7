import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp
from app.assignments.models import Assignment
from app.auth.enums import Role
from app.extensions import db
from app.main import bp
from app.timeutils import today_paris


@bp.route("/")
def home():
    if current_user.role is Role.SPOTTER:
        return render_template("main/home_spotter.html")
    today = today_paris()
    open_follow_ups = (
        sa.select(sa.func.count())
        .select_from(FollowUp)
        .where(FollowUp.owner_id == current_user.id, FollowUp.status == FollowUpStatus.OPEN)
    )
    counts = {
        "due": db.session.scalar(open_follow_ups.where(FollowUp.due_on == today)),
        "overdue": db.session.scalar(open_follow_ups.where(FollowUp.due_on < today)),
        "portfolio": db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Assignment)
            .where(Assignment.adviser_id == current_user.id, Assignment.ended_at.is_(None))
        ),
    }
    return render_template("main/home.html", counts=counts)


@bp.route("/sante")
def health():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "erreur", "database": "injoignable"}, 503
    return {"status": "ok", "database": "ok"}
