"""What a dashboard covers: a scope (basins the user may see) and a period."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.auth.models import User
from app.extensions import db
from app.fields import within_date_range
from app.formatting import of
from app.referential.models import Basin
from app.timeutils import today_paris

ALL = "all"


@dataclass(frozen=True)
class Scope:
    value: str
    label: str
    basins: tuple[Basin, ...]

    @property
    def basin_ids(self) -> list[int]:
        return [basin.id for basin in self.basins]


def visible_basins(user: User) -> list[Basin]:
    if user.sees_all_basins:
        return list(
            db.session.scalars(sa.select(Basin).order_by(Basin.region_code, Basin.departement_code, Basin.name))
        )
    # The user's basins came with the user without their département and région (Basin.joined_alone):
    # read again, they get them all in one statement instead of one each.
    basin_ids = [basin.id for basin in user.scope_basins]
    basins = db.session.scalars(sa.select(Basin).where(Basin.id.in_(basin_ids))).unique()
    return sorted(basins, key=lambda basin: (basin.region_code, basin.departement_code, basin.name))


def scope_choices(user: User) -> list[Scope]:
    """Every scope the user may pick: all its basins, each région, each département, each basin.

    A manager of two basins of one département gets that département limited to its two basins:
    a scope never widens what the user may see.
    """
    basins = visible_basins(user)
    scopes = [Scope(ALL, "Tous mes bassins" if not user.sees_all_basins else "Tous les bassins", tuple(basins))]
    regions = {basin.region_code: basin.region for basin in basins}
    departements = {basin.departement_code: basin.departement for basin in basins}
    if len(regions) > 1 or len(basins) > 1:
        for code, region in sorted(regions.items()):
            members = tuple(b for b in basins if b.region_code == code)
            scopes.append(Scope(f"region:{code}", f"Région {region.name}", members))
        for code, departement in sorted(departements.items()):
            members = tuple(b for b in basins if b.departement_code == code)
            scopes.append(Scope(f"departement:{code}", f"Département {departement}", members))
    scopes += [Scope(f"basin:{basin.id}", f"Bassin {of(basin.name)}", (basin,)) for basin in basins]
    return scopes


def resolve_scope(user: User, value: str | None) -> tuple[Scope, list[Scope]]:
    choices = scope_choices(user)
    by_value = {scope.value: scope for scope in choices}
    return by_value.get(value or "", choices[0]), choices


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Period(start, next_start - timedelta(days=1))


def resolve_period(args: MultiDict) -> tuple[Period, str | None]:
    """The period from the URL (``debut``, ``fin``), by default the current quarter; an error message if invalid."""
    default = quarter_of(today_paris())
    try:
        start = date.fromisoformat(args["debut"]) if args.get("debut") else default.start
        end = date.fromisoformat(args["fin"]) if args.get("fin") else default.end
    except ValueError:
        return default, "Date invalide : la période par défaut (trimestre en cours) est affichée."
    if not (within_date_range(start) and within_date_range(end)):
        return default, "Date hors limites (entre 1900 et 2100) : la période par défaut est affichée."
    if end < start:
        return default, "La fin de la période précède son début : la période par défaut est affichée."
    if (end - start).days > 366 * 5:
        return default, "La période est limitée à cinq ans : la période par défaut est affichée."
    return Period(start, end), None
