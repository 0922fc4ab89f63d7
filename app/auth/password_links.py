"""Single-use links to choose a password, sent by e-mail with an invitation or on "mot de passe oublié".

Only a hash of the random token is stored, so a copy of the database opens no account. A user
has one link at a time: a newer one replaces it, and choosing or changing the password clears it.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.timeutils import utcnow

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
# token_urlsafe(32) gives 43 characters: anything much longer is not one of ours.
_MAX_TOKEN_LENGTH = 64


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(user: User, lifetime: timedelta) -> str:
    """A new token for this user (to put in the e-mail's link); the previous one stops working."""
    token = secrets.token_urlsafe(32)
    user.password_token_hash = _digest(token)
    user.password_token_expires_at = utcnow() + lifetime
    return token


def user_of_password_link(token: str, *, for_update: bool = False) -> User | None:
    """The active user whose unexpired link carries this token, or None."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    statement = sa.select(User).where(User.password_token_hash == _digest(token))
    if for_update:
        # Two submissions of one link: the second waits, then finds the link used.
        statement = statement.with_for_update()
    user = db.session.scalar(statement)
    if user is None or not user.is_active or user.password_token_expires_at <= utcnow():
        return None
    return user


def forget_password_link(user: User) -> None:
    user.password_token_hash = None
    user.password_token_expires_at = None
