import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.activity import bp
from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp
from app.pagination import paginate
from app.timeutils import today_paris


@bp.route("/relances")
def follow_ups():
    query = (
        sa.select(FollowUp)
        .where(FollowUp.owner_id == current_user.id, FollowUp.status == FollowUpStatus.OPEN)
        .options(joinedload(FollowUp.employer))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    page = paginate(query, request.args.get("page", type=int))
    return render_template("activity/follow_ups.html", page=page, today=today_paris())
