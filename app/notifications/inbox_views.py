"""My in-app notifications: list them, mark them read.

Routes on the notifications blueprint, kept apart from views.py (the e-mail digest's
pages) so that the two pieces of work stay independent; app/__init__.py imports it.
"""

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.notifications import bp
from app.notifications.models import Notification
from app.pagination import paginate
from app.timeutils import utcnow
from app.urls import safe_next_url


@bp.route("/notifications")
def index():
    unread_only = request.args.get("non_lues") == "1"
    query = sa.select(Notification).where(Notification.recipient_id == current_user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    page = paginate(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()), request.args.get("page", type=int)
    )
    return render_template("notifications/index.html", page=page, unread_only=unread_only)


@bp.route("/notifications/lue", methods=["POST"])
def mark_read():
    # The id travels in the form body: a notification is only ever its recipient's.
    notification_id = request.form.get("notification_id", type=int)
    if notification_id is None:
        abort(400)
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
    # Following the notification's link is the usual reason to mark it read.
    if request.form.get("open") == "1":
        return redirect(safe_next_url(notification.link, url_for("notifications.index")))
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/tout-lu", methods=["POST"])
def mark_all_read():
    db.session.execute(
        sa.update(Notification)
        .where(Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return redirect(url_for("notifications.index"))
