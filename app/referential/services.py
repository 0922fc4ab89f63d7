"""The network's operators (France Travail agencies, missions locales, Cap emploi, APEC centres),
set up and kept by the admins from the browser.

An operator is audited by the session hook (``__audited__``), which sees columns only: the basins
it serves are a many-to-many table, so each change of them is written to the trail here, with the
basin codes before and after.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from app.audit.services import record_event
from app.errors import DomainError
from app.extensions import db
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Operator

NAME_MAX_LENGTH = 160


class OperatorError(DomainError):
    """A change to an operator refused; the message says why, in French."""


class OperatorNameTaken(OperatorError):
    """Another operator has this name: the form shows it on the name field."""


def _checked_name(name: str | None, operator: Operator | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OperatorError("Indiquez le nom de l'opérateur.")
    if len(name) > NAME_MAX_LENGTH:
        raise OperatorError(f"Le nom de l'opérateur ne dépasse pas {NAME_MAX_LENGTH} caractères.")
    same_name = db.session.scalars(sa.select(Operator).where(sa.func.lower(Operator.name) == name.lower()))
    existing = next((other for other in same_name if other is not operator), None)
    if existing is not None:
        raise OperatorNameTaken(f"Un opérateur porte déjà ce nom : « {existing.name} ».")
    return name


def _basin_codes(basins: Iterable[Basin]) -> list[str]:
    return sorted(basin.code for basin in basins)


def _attach_basins(operator: Operator, basins: Iterable[Basin], before: list[str]) -> None:
    basins = sorted(set(basins), key=lambda basin: basin.name)
    after = _basin_codes(basins)
    operator.basins = basins
    if after != before:
        db.session.flush()  # the operator's id, for a new one
        record_event("update", "Operator", str(operator.id), {"basins": [before, after]})


def create_operator(*, name: str, kind: OperatorKind, basins: Iterable[Basin], is_active: bool = True) -> Operator:
    operator = Operator(name=_checked_name(name), kind=kind, is_active=is_active)
    db.session.add(operator)
    _attach_basins(operator, basins, before=[])
    return operator


def update_operator(
    operator: Operator, *, name: str, kind: OperatorKind, basins: Iterable[Basin], is_active: bool
) -> None:
    """Rename, reclassify, (de)activate an operator and set the basins it serves.

    A deactivated operator keeps its users, who go on working; it is only no longer offered
    for a new account (app/auth/queries.py, ``offered_operators``).
    """
    operator.name = _checked_name(name, operator)
    operator.kind = kind
    operator.is_active = is_active
    _attach_basins(operator, basins, before=_basin_codes(operator.basins))
