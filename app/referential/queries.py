"""Read side of the referential: the operators a form offers and the admins' list, the basins' shortage
lists, the basins' administration (communes, counts of employers)."""

import sqlalchemy as sa

from app.employers.models import Employer
from app.extensions import db
from app.reference_cache import reference_list
from app.referential.models import Basin, Commune, Departement, Epci, Operator, RomeCode, ShortageJob
from app.text import normalize_for_search


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
    every_basin = _every_shortage_source()
    return {basin_id: every_basin[basin_id] for basin_id in basin_ids if basin_id in every_basin}


@reference_list("shortage_jobs")
def _every_shortage_source() -> dict[int, str]:
    """``shortage_sources`` of every basin, kept per process (``app/reference_cache.py``): a few rows
    that every employer list shows."""
    rows = db.session.execute(
        sa.select(ShortageJob.basin_id, ShortageJob.source, ShortageJob.as_of)
        .distinct()
        .order_by(ShortageJob.basin_id, ShortageJob.as_of.desc(), ShortageJob.source)
    ).all()
    sources: dict[int, list[str]] = {}
    for basin_id, source, as_of in rows:
        sources.setdefault(basin_id, []).append(f"{source}, au {as_of:%d/%m/%Y}")
    return {basin_id: " ; ".join(parts) for basin_id, parts in sources.items()}


# --- Basins administration (app/referential/basins.py) -------------------------------------------


def basins_list() -> sa.Select:
    """Every basin, open ones first, by name; their département and région come joined."""
    return sa.select(Basin).order_by(Basin.closed_on.is_not(None), Basin.name, Basin.id)


def basin_counts(basin_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Basin id -> (its communes, its employers), for the basins of a page."""
    communes = dict(
        db.session.execute(
            sa.select(Commune.basin_id, sa.func.count())
            .where(Commune.basin_id.in_(basin_ids))
            .group_by(Commune.basin_id)
        )
        .tuples()
        .all()
    )
    employers = dict(
        db.session.execute(
            sa.select(Employer.basin_id, sa.func.count())
            .where(Employer.basin_id.in_(basin_ids))
            .group_by(Employer.basin_id)
        )
        .tuples()
        .all()
    )
    return {basin_id: (communes.get(basin_id, 0), employers.get(basin_id, 0)) for basin_id in basin_ids}


def basin_communes(basin_id: int) -> sa.Select:
    """The basin's communes by name, with their EPCI."""
    return (
        sa.select(Commune)
        .where(Commune.basin_id == basin_id)
        .options(sa.orm.joinedload(Commune.epci))
        .order_by(Commune.search_name, Commune.insee_code)
    )


def employers_by_commune(insee_codes: list[str]) -> dict[str, int]:
    """INSEE code -> the number of employers located in that commune (communes without any are absent)."""
    return dict(
        db.session.execute(
            sa.select(Employer.commune_insee, sa.func.count())
            .where(Employer.commune_insee.in_(insee_codes))
            .group_by(Employer.commune_insee)
        )
        .tuples()
        .all()
    )


def search_communes(text: str) -> sa.Select:
    """Communes by name (accents and case aside, any part of it), INSEE code or postcode."""
    wanted = text.strip()
    folded = normalize_for_search(wanted)
    conditions = [Commune.insee_code == wanted.upper()]
    if folded:
        conditions.append(Commune.search_name.contains(folded, autoescape=True))
    if wanted.isdigit() and len(wanted) == 5:
        conditions.append((" " + Commune.postcodes + " ").contains(f" {wanted} ", autoescape=True))
    return (
        sa.select(Commune)
        .where(sa.or_(*conditions))
        .options(
            sa.orm.joinedload(Commune.basin),
            sa.orm.joinedload(Commune.epci),
            sa.orm.joinedload(Commune.departement).joinedload(Departement.region),
        )
        .order_by(Commune.population.desc().nulls_last(), Commune.insee_code)
    )


def departement_choices() -> list[tuple[str, str]]:
    """(code, "Name (code)") of every département, by name: the basin form's list."""
    return [
        (code, f"{name} ({code})")
        for code, name in db.session.execute(sa.select(Departement.code, Departement.name).order_by(Departement.name))
        .tuples()
        .all()
    ]


def epci_names(departement_code: str) -> list[str]:
    """The names of the EPCIs that have a commune in the département: the add form's suggestions."""
    return list(
        db.session.scalars(
            sa.select(Epci.name)
            .join(Commune, Commune.epci_code == Epci.code)
            .where(Commune.departement_code == departement_code)
            .distinct()
            .order_by(Epci.name)
        )
    )
