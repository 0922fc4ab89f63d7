"""The catalogue of services (``ServiceType``), kept by admins from the browser.

A service's code is derived from its first label and never changes (seeds and the plan's « POE
présentées aux TPE » name services by code); its label and family may change. A service is never
deleted: deactivated, it stays on its mobilisations but is no longer offered.
"""

import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db
from app.needs.enums import ServiceFamily
from app.needs.models import ServiceMobilisation, ServiceType
from app.text import normalize_for_search

LABEL_MAX = ServiceType.__table__.c.label.type.length
CODE_MAX = ServiceType.__table__.c.code.type.length


class CatalogueError(DomainError):
    """A refusal about the catalogue, in French."""


def service_code(label: str) -> str:
    """The slug of a label: "Job dating" → "job_dating"."""
    return "_".join(normalize_for_search(label).split())[:CODE_MAX].rstrip("_")


def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise CatalogueError("Le libellé du service est obligatoire.")
    if len(label) > LABEL_MAX:
        raise CatalogueError(f"Le libellé compte {LABEL_MAX} caractères au plus.")
    if not service_code(label):
        raise CatalogueError("Le libellé doit contenir au moins une lettre ou un chiffre.")
    return label


def _check_label_free(label: str, exclude_id: int | None = None) -> None:
    wanted = normalize_for_search(label)
    for type_id, existing in db.session.execute(sa.select(ServiceType.id, ServiceType.label)):
        if type_id != exclude_id and normalize_for_search(existing) == wanted:
            raise CatalogueError(f"Le service « {existing} » existe déjà.")


def _free_code(label: str) -> str:
    base = service_code(label)
    taken = set(db.session.scalars(sa.select(ServiceType.code).where(ServiceType.code.like(f"{base[:20]}%"))))
    code, number = base, 2
    while code in taken:
        suffix = f"_{number}"
        code = base[: CODE_MAX - len(suffix)] + suffix
        number += 1
    return code


def _check_family(family: ServiceFamily | None) -> ServiceFamily:
    if not isinstance(family, ServiceFamily):
        raise CatalogueError("Choisissez la famille du service.")
    return family


def create_service_type(label: str | None, family: ServiceFamily | None) -> ServiceType:
    """A new active service; its code is the label's slug, numbered if another service has it."""
    label = _clean_label(label)
    family = _check_family(family)
    _check_label_free(label)
    service_type = ServiceType(code=_free_code(label), label=label, family=family, is_active=True)
    db.session.add(service_type)
    db.session.flush()
    return service_type


def update_service_type(service_type: ServiceType, label: str | None, family: ServiceFamily | None) -> None:
    """A new label or family; the code stays, so what names the service by code still finds it."""
    label = _clean_label(label)
    service_type.family = _check_family(family)
    _check_label_free(label, exclude_id=service_type.id)
    service_type.label = label
    db.session.flush()


def set_service_type_active(service_type: ServiceType, active: bool) -> None:
    """Deactivate (no longer offered) or restore a service; its mobilisations keep it either way."""
    service_type.is_active = active
    db.session.flush()


def active_service_types() -> list[ServiceType]:
    """What a mobilisation form offers, by family then label."""
    return list(
        db.session.scalars(
            sa.select(ServiceType).where(ServiceType.is_active).order_by(ServiceType.family, ServiceType.label)
        )
    )


def service_types_with_counts() -> sa.Select:
    """(service, number of its mobilisations): the admin's list, active ones first."""
    counts = (
        sa.select(ServiceMobilisation.service_type_id, sa.func.count().label("uses"))
        .group_by(ServiceMobilisation.service_type_id)
        .subquery()
    )
    return (
        sa.select(ServiceType, sa.func.coalesce(counts.c.uses, 0))
        .outerjoin(counts, counts.c.service_type_id == ServiceType.id)
        .order_by(ServiceType.is_active.desc(), ServiceType.family, ServiceType.label, ServiceType.id)
    )
