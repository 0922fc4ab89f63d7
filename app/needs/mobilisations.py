"""Business rules of the services mobilised for employers (``ServiceMobilisation``).

A mobilisation is for an employer, on one of its needs or for the employer alone (a PCRH has no
need). The database holds the shape (its need is the employer's, hires ≤ people, a delivered
mobilisation has its date…); these functions say in French what is wrong before it gets there.
"""

from dataclasses import dataclass
from datetime import date

from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import Funder, MobilisationStatus
from app.needs.models import RecruitmentNeed, ServiceMobilisation, ServiceType
from app.needs.services import NeedConflict, NeedError
from app.timeutils import today_paris


@dataclass
class MobilisationData:
    """What a form says about a mobilisation."""

    service_type: ServiceType | None
    status: MobilisationStatus | None = MobilisationStatus.PROPOSED
    proposed_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    delivered_on: date | None = None
    people: int | None = None
    hires: int | None = None
    funder: Funder | None = None
    note: str = ""


def _checked(data: MobilisationData, current_type: ServiceType | None = None) -> MobilisationData:
    if data.service_type is None:
        raise NeedError("Choisissez le service mobilisé.")
    if not data.service_type.is_active and data.service_type is not current_type:
        raise NeedError(f"Le service « {data.service_type.label} » n'est plus proposé.")
    if data.status is None:
        raise NeedError("Choisissez le statut de la solution.")
    data.proposed_on = data.proposed_on or today_paris()
    if data.proposed_on > today_paris():
        raise NeedError("La date de proposition ne peut pas être dans le futur.")
    if data.status is MobilisationStatus.DELIVERED:
        if data.delivered_on is None:
            raise NeedError("Indiquez la date de réalisation de la solution.")
        if data.delivered_on < data.proposed_on:
            raise NeedError("La date de réalisation ne peut pas précéder la date de proposition.")
        if data.delivered_on > today_paris():
            raise NeedError("La date de réalisation ne peut pas être dans le futur.")
    elif data.delivered_on is not None:
        raise NeedError("La date de réalisation ne s'indique que pour une solution réalisée.")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise NeedError("La date de fin ne peut pas précéder la date de début.")
    for value, name in ((data.people, "Le nombre de personnes"), (data.hires, "Le nombre d'embauches")):
        if value is not None and value < 0:
            raise NeedError(f"{name} ne peut pas être négatif.")
    if data.people is not None and data.hires is not None and data.hires > data.people:
        raise NeedError("Les embauches ne peuvent pas dépasser le nombre de personnes concernées.")
    data.note = (data.note or "").strip()
    return data


def create_mobilisation(
    employer: Employer, data: MobilisationData, *, need: RecruitmentNeed | None = None, author: User | None
) -> ServiceMobilisation:
    """Mobilise a service for an employer, on one of its needs or not."""
    if need is not None and need.employer_id != employer.id:
        raise NeedError("Ce besoin n'est pas celui de cette entreprise.")
    data = _checked(data)
    mobilisation = ServiceMobilisation(
        employer=employer,
        need=need,
        created_by_id=author.id if author else None,
        **_fields(data),
    )
    db.session.add(mobilisation)
    return mobilisation


def update_mobilisation(
    mobilisation: ServiceMobilisation, data: MobilisationData, *, expected_version: int | None = None
) -> ServiceMobilisation:
    """Change a mobilisation (its status, dates, people, hires…); a stale form is refused (409)."""
    if expected_version is not None and expected_version != mobilisation.version:
        raise NeedConflict("Cette solution a été modifiée entre-temps par quelqu'un d'autre : rechargez la page.")
    data = _checked(data, current_type=mobilisation.service_type)
    for name, value in _fields(data).items():
        setattr(mobilisation, name, value)
    return mobilisation


def _fields(data: MobilisationData) -> dict:
    return {
        "service_type": data.service_type,
        "status": data.status,
        "proposed_on": data.proposed_on,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "delivered_on": data.delivered_on,
        "people": data.people,
        "hires": data.hires,
        "funder": data.funder,
        "note": data.note,
    }
