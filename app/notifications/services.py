from app.auth.models import User
from app.extensions import db
from app.notifications.models import Notification


def notify(
    recipient: User, kind: str, message: str, link: str | None = None, employer_id: int | None = None
) -> Notification:
    """Queue an in-app notification; the morning digest also carries the unread ones."""
    notification = Notification(recipient=recipient, kind=kind, message=message, link=link, employer_id=employer_id)
    db.session.add(notification)
    return notification
