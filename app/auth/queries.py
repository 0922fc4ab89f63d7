from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.extensions import db
from app.referential.models import Basin, Departement, Operator, Region
from app.timeutils import utcnow


def visible_basins(user: User) -> list[Basin]:
    """The basins a user works on, by name: all of them for an admin."""
    if user.sees_all_basins:
        return list(db.session.scalars(sa.select(Basin).order_by(Basin.name)))
    return list(user.scope_basins)  # ordered by name


def get_visible_basin(user: User, basin_id: int | None) -> Basin | None:
    """One of the basins the user works on; None for another basin or no basin at all."""
    if basin_id is None:
        return None
    if user.sees_all_basins:
        return db.session.get(Basin, basin_id)
    return next((basin for basin in user.scope_basins if basin.id == basin_id), None)


def active_users(role: Role, basin_ids: set[int] | list[int] | None = None) -> list[User]:
    """The active users of a role, by name; with ``basin_ids``, only those working on one of these basins."""
    query = sa.select(User).where(User.role == role, User.is_active.is_(True)).order_by(User.full_name, User.id)
    if basin_ids is not None:
        query = query.where(User.id.in_(sa.select(user_basins.c.user_id).where(user_basins.c.basin_id.in_(basin_ids))))
    return list(db.session.scalars(query))


# The users list's filters on invitations (?invitations=…): the accounts still active whose owner
# has not chosen a password, with a link still valid or not.
INVITATION_FILTERS = {"en-attente": "Invitations en attente", "expirees": "Invitations expirées"}


def _invitation_condition(name: str, now: datetime):
    not_activated = sa.and_(User.activated_at.is_(None), User.is_active.is_(True))
    if name == "en-attente":
        return sa.and_(not_activated, User.password_token_expires_at > now)
    return sa.and_(
        not_activated, sa.or_(User.password_token_expires_at.is_(None), User.password_token_expires_at <= now)
    )


def search_users(text: str, invitations: str | None = None) -> sa.Select:
    """The accounts whose e-mail or name holds ``text`` (every account without it), by name;
    with ``invitations`` (a key of INVITATION_FILTERS), only those invitations."""
    query = sa.select(User).options(selectinload(User.basins), joinedload(User.operator))
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(sa.or_(User.email.like(pattern), sa.func.lower(User.full_name).like(pattern)))
    if invitations in INVITATION_FILTERS:
        query = query.where(_invitation_condition(invitations, utcnow()))
    return query.order_by(User.full_name, User.id)


def followed_invitations(user: User) -> sa.Select:
    """The invitations not accepted yet that ``user`` may resend or cancel, by name: every one
    for an admin; for a task-force lead, those of advisers working on the lead's basins only
    (the rule of app.auth.services.resend_invitation)."""
    query = (
        sa.select(User)
        .options(selectinload(User.basins), joinedload(User.operator), joinedload(User.invited_by))
        .where(User.activated_at.is_(None), User.is_active.is_(True))
    )
    if user.role is not Role.ADMIN:
        basin_ids = list(user.basin_ids)
        of_basins = sa.select(user_basins.c.user_id).where(user_basins.c.basin_id.in_(basin_ids))
        elsewhere = sa.select(user_basins.c.user_id).where(user_basins.c.basin_id.not_in(basin_ids))
        query = query.where(User.role == Role.ADVISER, User.id.in_(of_basins), User.id.not_in(elsewhere))
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


def territory_choices() -> list[tuple[str, str]]:
    """The territories a steering account may read: the départements and régions that hold a basin."""
    departements = db.session.execute(
        sa.select(Departement.code, Departement.name)
        .where(Departement.code.in_(sa.select(Basin.departement_code)))
        .order_by(Departement.code)
    ).all()
    regions = db.session.execute(
        sa.select(Region.code, Region.name).where(Region.code.in_(sa.select(Basin.region_code))).order_by(Region.name)
    ).all()
    return [
        *((f"region:{code}", f"Région {name}") for code, name in regions),
        *((f"departement:{code}", f"Département {name} ({code})") for code, name in departements),
    ]
