"""My in-app notifications: list them, mark them read.

Routes on the notifications blueprint, kept apart from views.py (the e-mail digest's
pages) so that the two pieces of work stay independent; app/__init__.py imports it.
"""

from flask import abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.sessions import load_with_user
from app.converters import database_int
from app.notifications import bp
from app.notifications.queries import get_own_notification, notifications_of, unread_count, unread_count_with_user
from app.notifications.services import mark_all_notifications_read, mark_notification_read
from app.pagination import paginate
from app.timeutils import utcnow
from app.urls import safe_next_url

# The bell's count comes with the user of each request (one statement fewer on every page).
load_with_user(unread_count_with_user)


def unread_notifications() -> int:
    """The header bell's count: read with the user, or by one query per request when the user was
    read otherwise (at login), however many times a page asks."""
    if "unread_notifications" not in g:
        if not current_user.is_authenticated:
            g.unread_notifications = 0
        elif current_user.unread_notifications is not None:
            g.unread_notifications = current_user.unread_notifications
        else:
            g.unread_notifications = unread_count(current_user)
    return g.unread_notifications


@bp.app_context_processor
def notification_bell():
    return {"unread_notifications": unread_notifications}


@bp.route("/notifications")
def index():
    unread_only = request.args.get("non_lues") == "1"
    page = paginate(
        notifications_of(current_user, unread_only=unread_only), request.args.get("page", type=database_int)
    )
    return render_template("notifications/index.html", page=page, unread_only=unread_only)


@bp.route("/notifications/lue", methods=["POST"])
def mark_read():
    # The id travels in the form body: a notification is only ever its recipient's.
    notification_id = request.form.get("notification_id", type=database_int)
    if notification_id is None:
        abort(400)
    notification = get_own_notification(current_user, notification_id) or abort(404)
    mark_notification_read(notification, utcnow())
    # Following the notification's link is the usual reason to mark it read.
    if request.form.get("open") == "1":
        return redirect(safe_next_url(notification.link, url_for("notifications.index")))
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/tout-lu", methods=["POST"])
def mark_all_read():
    mark_all_notifications_read(current_user, utcnow())
    return redirect(url_for("notifications.index"))
