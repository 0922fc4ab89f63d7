"""Read side of the referential: the operators a form offers."""

import sqlalchemy as sa

from app.extensions import db
from app.referential.models import Basin, Operator


def active_operators(basin_ids: list[int]) -> list[Operator]:
    """The active operators that work on one of these basins, by name."""
    return list(
        db.session.scalars(
            sa.select(Operator)
            .where(Operator.basins.any(Basin.id.in_(basin_ids)), Operator.is_active)
            .order_by(Operator.name)
        )
    )


def get_operator(operator_id: int) -> Operator | None:
    return db.session.get(Operator, operator_id)
