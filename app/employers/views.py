import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.employers import bp
from app.employers.queries import active_assignment, get_visible_employer, search_employers
from app.extensions import db
from app.pagination import paginate


@bp.route("/entreprises")
def index():
    text = request.args.get("q", "").strip()[:200]
    page = paginate(search_employers(current_user, text), request.args.get("page", type=int))
    return render_template("employers/index.html", page=page, q=text)


@bp.route("/entreprises/<siret>")
def detail(siret: str):
    employer = get_visible_employer(current_user, siret) if siret.isdigit() else None
    if employer is None:
        abort(404)
    interactions = db.session.scalars(
        sa.select(Interaction)
        .where(Interaction.employer_id == employer.id)
        .options(joinedload(Interaction.author))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        .limit(50)
    ).all()
    follow_ups = db.session.scalars(
        sa.select(FollowUp)
        .where(FollowUp.employer_id == employer.id, FollowUp.status == FollowUpStatus.OPEN)
        .options(joinedload(FollowUp.owner))
        .order_by(FollowUp.due_on)
    ).all()
    return render_template(
        "employers/detail.html",
        employer=employer,
        assignment=active_assignment(employer),
        interactions=interactions,
        follow_ups=follow_ups,
    )
