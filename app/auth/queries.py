from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.extensions import db
from app.referential.models import Basin, Operator


def visible_basins(user: User) -> list[Basin]:
    """The basins a user works on, by name: all of them for an admin."""
    if user.sees_all_basins:
        return list(db.session.scalars(sa.select(Basin).order_by(Basin.name)))
    return list(user.basins)  # the relationship is ordered by name


def get_visible_basin(user: User, basin_id: int | None) -> Basin | None:
    """One of the basins the user works on; None for another basin or no basin at all."""
    if basin_id is None:
        return None
    if user.sees_all_basins:
        return db.session.get(Basin, basin_id)
    return next((basin for basin in user.basins if basin.id == basin_id), None)


def active_users(role: Role, basin_ids: set[int] | list[int] | None = None) -> list[User]:
    """The active users of a role, by name; with ``basin_ids``, only those working on one of these basins."""
    query = sa.select(User).where(User.role == role, User.is_active.is_(True)).order_by(User.full_name, User.id)
    if basin_ids is not None:
        query = query.where(User.id.in_(sa.select(user_basins.c.user_id).where(user_basins.c.basin_id.in_(basin_ids))))
    return list(db.session.scalars(query))


def search_users(text: str) -> sa.Select:
    """The accounts whose e-mail or name holds ``text`` (every account without it), by name."""
    query = sa.select(User).options(selectinload(User.basins), joinedload(User.operator))
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(sa.or_(User.email.like(pattern), sa.func.lower(User.full_name).like(pattern)))
    return query.order_by(User.full_name, User.id)


def offered_operators(current: Operator | None = None) -> list[Operator]:
    """The operators an account form offers, by name: the active ones, and the account's own even if
    it was deactivated since (its users go on working; nobody new joins it)."""
    condition = Operator.is_active.is_(True)
    if current is not None:
        condition = sa.or_(condition, Operator.id == current.id)
    return list(db.session.scalars(sa.select(Operator).where(condition).order_by(Operator.name)))


def all_basins() -> list[Basin]:
    return list(db.session.scalars(sa.select(Basin).order_by(Basin.name)))


def basins_with_ids(basin_ids: list[int]) -> list[Basin]:
    return list(db.session.scalars(sa.select(Basin).where(Basin.id.in_(basin_ids))))


def basin_leads(basin_ids) -> dict[int, list]:
    """Active task-force leads (role) of each basin: {lead id: [rows, one per basin]}."""
    rows = db.session.execute(
        sa.select(User.id, User.email, User.full_name, user_basins.c.basin_id)
        .join(user_basins, user_basins.c.user_id == User.id)
        .where(User.role == Role.TASKFORCE_LEAD, User.is_active.is_(True), user_basins.c.basin_id.in_(list(basin_ids)))
        .order_by(User.id)
    )
    leads: dict[int, list] = defaultdict(list)
    for row in rows:
        leads[row.id].append(row)
    return leads
