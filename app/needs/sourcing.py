"""Who sourced the hire: per need and per operator, how many candidates it proposed, how many were
interviewed and how many hired (counts only: no personal data of candidates).

The rule that ties them to the need (docs/RULES.md, rule 9): the hires the operators declare never
exceed the positions the need has filled once it is closed (nor its positions while it is open);
the difference is hires attributed to no operator. An adviser enters the counts of their own
operator; a task-force lead or an admin, any operator's.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.formatting import plural
from app.mixins import TimestampMixin
from app.needs.models import RecruitmentNeed
from app.needs.services import NeedConflict, NeedError
from app.referential.models import Operator, operator_basins
from app.timeutils import UTCDateTime, utcnow

# Who may enter any operator's counts; an adviser enters only their own operator's.
ANY_OPERATOR_ROLES = frozenset({Role.TASKFORCE_LEAD, Role.ADMIN})
MAX_COUNT = 9999


class NeedSourcing(TimestampMixin, db.Model):
    """One operator's candidates for one need: proposed ≥ interviewed ≥ hired ≥ 0."""

    __tablename__ = "need_sourcings"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("need_id", "operator_id"),
        sa.CheckConstraint("hired >= 0 AND hired <= interviewed", name="hired_range"),
        sa.CheckConstraint("interviewed <= proposed", name="interviewed_range"),
        sa.CheckConstraint(f"proposed <= {MAX_COUNT}", name="proposed_bound"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"))
    # RESTRICT: an operator that sourced hires stays, or its figures would vanish from the history.
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("operators.id", ondelete="RESTRICT"), index=True)
    proposed: Mapped[int] = mapped_column(default=0)
    interviewed: Mapped[int] = mapped_column(default=0)
    hired: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    need: Mapped[RecruitmentNeed] = relationship()
    operator: Mapped[Operator] = relationship()
    updated_by: Mapped[User | None] = relationship()


def sourcings_of(need: RecruitmentNeed) -> list[NeedSourcing]:
    return list(
        db.session.scalars(
            sa.select(NeedSourcing)
            .where(NeedSourcing.need_id == need.id)
            .join(NeedSourcing.operator)
            .order_by(Operator.name, NeedSourcing.id)
        )
    )


def sourced_hires(need_id: int, *, except_operator_id: int | None = None) -> int:
    """The hires the operators declared on a need (all, or all but one operator's)."""
    query = sa.select(sa.func.coalesce(sa.func.sum(NeedSourcing.hired), 0)).where(NeedSourcing.need_id == need_id)
    if except_operator_id is not None:
        query = query.where(NeedSourcing.operator_id != except_operator_id)
    return db.session.scalar(query)


def hires_ceiling(need: RecruitmentNeed) -> int:
    """How many hires the operators may declare in all: the positions filled of a closed need, the
    positions of an open one (its hires may be entered before it closes)."""
    return need.positions if need.is_open else need.positions_filled


def sourcing_operators(need: RecruitmentNeed, user: User) -> list[Operator]:
    """The operators whose counts ``user`` may enter on ``need``: an adviser's own operator; for a lead
    or an admin, the active operators serving the need's basin and any operator already counted."""
    if user.role in ANY_OPERATOR_ROLES:
        serving = sa.select(operator_basins.c.operator_id).where(operator_basins.c.basin_id == need.basin_id)
        counted = sa.select(NeedSourcing.operator_id).where(NeedSourcing.need_id == need.id)
        return list(
            db.session.scalars(
                sa.select(Operator)
                .where(
                    sa.or_(sa.and_(Operator.id.in_(serving), Operator.is_active.is_(True)), Operator.id.in_(counted))
                )
                .order_by(Operator.name)
            )
        )
    if user.role is Role.ADVISER and user.operator is not None:
        return [user.operator]
    return []


def record_sourcing(
    need: RecruitmentNeed,
    operator: Operator,
    *,
    author: User,
    proposed: int,
    interviewed: int,
    hired: int,
    expected_version: int | None = None,
) -> NeedSourcing:
    """Enter (or correct) one operator's counts on a need; the previous values stay in the audit trail."""
    if operator not in sourcing_operators(need, author):
        raise NeedError("Vous ne pouvez saisir que les candidats de votre opérateur.")
    if not 0 <= hired <= interviewed <= proposed <= MAX_COUNT:
        raise NeedError(
            "Les candidats embauchés ne peuvent dépasser les candidats reçus en entretien, "
            "ni ceux-ci les candidats proposés (nombres positifs)."
        )
    sourcing = db.session.scalar(
        sa.select(NeedSourcing).where(NeedSourcing.need_id == need.id, NeedSourcing.operator_id == operator.id)
    )
    current_version = sourcing.version if sourcing is not None else 0
    if expected_version is not None and expected_version != current_version:
        raise NeedConflict("Ces chiffres ont été modifiés entre-temps par quelqu'un d'autre : rechargez la page.")
    others = sourced_hires(need.id, except_operator_id=operator.id)
    ceiling = hires_ceiling(need)
    if others + hired > ceiling:
        room = plural(ceiling, "poste", "postes") if need.is_open else plural(ceiling, "poste pourvu", "postes pourvus")
        raise NeedError(
            f"Les opérateurs déclareraient {plural(others + hired, 'embauche', 'embauches')} "
            f"pour un besoin qui compte {room}."
        )
    if sourcing is None:
        sourcing = NeedSourcing(need_id=need.id, operator_id=operator.id)
        db.session.add(sourcing)
    sourcing.proposed, sourcing.interviewed, sourcing.hired = proposed, interviewed, hired
    sourcing.updated_by_id = author.id
    db.session.flush()
    return sourcing


def check_hires_fit(need: RecruitmentNeed, positions_filled: int) -> None:
    """Closing a need (or hires that close it) may not leave fewer positions filled than the hires the
    operators declared on it: correct the operators' counts first."""
    declared = sourced_hires(need.id)
    if declared > positions_filled:
        raise NeedError(
            f"Les opérateurs ont déclaré {plural(declared, 'embauche', 'embauches')} sur ce besoin : "
            f"il ne peut pas être clôturé avec {plural(positions_filled, 'poste pourvu', 'postes pourvus')}. "
            "Corrigez d'abord les candidats par opérateur."
        )
