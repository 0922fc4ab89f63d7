"""Working days in France: Monday to Friday, less the public holidays of the `holidays` package.

The national calendar has eleven; a basin of Alsace-Moselle (Moselle, Bas-Rhin, Haut-Rhin) has
two more, Good Friday and 26 December (local law, Code du travail art. L3134-13). A basin is
read by its département; without one, the national calendar applies."""

from datetime import date
from functools import cache

import holidays

# The package's subdivisions: "57" for Moselle, "6AE" (Collectivité européenne d'Alsace) for 67 and 68.
ALSACE_MOSELLE = {"57": "57", "67": "6AE", "68": "6AE"}


@cache
def _calendar(subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.France(subdiv=subdivision, years=year))


def public_holidays(year: int, departement_code: str | None = None) -> frozenset[date]:
    """The year's public holidays in this département (national ones when it is None)."""
    return _calendar(ALSACE_MOSELLE.get(departement_code or ""), year)


def local_holidays(year: int) -> frozenset[date]:
    """The days off in Alsace-Moselle only (Good Friday, 26 December)."""
    return public_holidays(year, "57") - public_holidays(year)


def is_working_day(day: date, departement_code: str | None = None) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year, departement_code)
