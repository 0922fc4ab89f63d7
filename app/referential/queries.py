"""Read side of the referential: the operators a form offers and the admins' list, the basins' shortage lists."""

import sqlalchemy as sa

from app.extensions import db
from app.referential.models import Basin, Operator, RomeCode, ShortageJob


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


def operator_list() -> sa.Select:
    """Every operator, active or not, by name, with the basins it serves (the admins' list)."""
    return sa.select(Operator).options(sa.orm.selectinload(Operator.basins)).order_by(Operator.name, Operator.id)


def all_basins() -> list[Basin]:
    return list(db.session.scalars(sa.select(Basin).order_by(Basin.name)))


def basins_with_ids(basin_ids: list[int]) -> list[Basin]:
    return list(db.session.scalars(sa.select(Basin).where(Basin.id.in_(basin_ids)))) if basin_ids else []


def shortage_list(basin_id: int) -> list[ShortageJob]:
    """The basin's métiers en tension, by ROME code, with their labels and authors."""
    return list(
        db.session.scalars(
            sa.select(ShortageJob)
            .where(ShortageJob.basin_id == basin_id)
            .options(sa.orm.joinedload(ShortageJob.rome), sa.orm.joinedload(ShortageJob.recorded_by))
            .order_by(ShortageJob.rome_code)
        )
    )


def shortage_jobs(basin_id: int) -> dict[str, str]:
    """ROME code -> label of the basin's métiers en tension."""
    return dict(
        db.session.execute(
            sa.select(RomeCode.code, RomeCode.label)
            .join(ShortageJob, ShortageJob.rome_code == RomeCode.code)
            .where(ShortageJob.basin_id == basin_id)
            .order_by(RomeCode.code)
        ).all()
    )


def shortage_sources(basin_ids: list[int]) -> dict[int, str]:
    """Basin id -> where its list comes from, as every page shows it: "BMO 2026, France Travail, au 15/04/2026".

    A list gathered from several sources names each one, the latest first.
    """
    rows = db.session.execute(
        sa.select(ShortageJob.basin_id, ShortageJob.source, ShortageJob.as_of)
        .where(ShortageJob.basin_id.in_(basin_ids))
        .distinct()
        .order_by(ShortageJob.basin_id, ShortageJob.as_of.desc(), ShortageJob.source)
    ).all()
    sources: dict[int, list[str]] = {}
    for basin_id, source, as_of in rows:
        sources.setdefault(basin_id, []).append(f"{source}, au {as_of:%d/%m/%Y}")
    return {basin_id: " ; ".join(parts) for basin_id, parts in sources.items()}
