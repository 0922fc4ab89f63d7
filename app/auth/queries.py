import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.referential.models import Basin


def visible_basins(user: User) -> list[Basin]:
    """The basins a user works on, by name: all of them for an admin."""
    if user.sees_all_basins:
        return list(db.session.scalars(sa.select(Basin).order_by(Basin.name)))
    return list(user.basins)  # the relationship is ordered by name
