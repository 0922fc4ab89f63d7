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


# Sections built by later work: the navigation already links to them.
_COMING = {
    "dashboard": ("/tableau-de-bord", "Tableau de bord", "Le pipeline par bassin, le taux et le délai de pourvoi."),
    "needs": ("/besoins", "Besoins de recrutement", "Le suivi des besoins, de leur identification à l'embauche."),
    "leads": ("/signalements", "Signalements", "Les signalements des repéreurs d'offres et leur tri."),
    "plans": ("/plans", "Plans de prospection", "Les plans de prospection par bassin et leurs objectifs."),
    "events": ("/evenements", "Événements", "Les job datings, forums et informations collectives."),
}


def _coming_view(title: str, purpose: str):
    def view():
        return render_template("main/coming.html", title=title, purpose=purpose)

    return view


for _endpoint, (_rule, _title, _purpose) in _COMING.items():
    bp.add_url_rule(_rule, endpoint=_endpoint, view_func=_coming_view(_title, _purpose))
