"""Business rules of recruitment needs."""

from datetime import date

from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import ContractType, NeedOrigin, NeedStatus, TargetPublic
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.timeutils import today_paris


class NeedError(Exception):
    """A refusal with a French message for the user."""


def create_need(
    *,
    employer: Employer,
    title: str,
    contract: ContractType,
    author: User | None,
    positions: int = 1,
    rome_code: str | None = None,
    target_public: TargetPublic = TargetPublic.ALL,
    origin: NeedOrigin = NeedOrigin.CONTACT,
    identified_on: date | None = None,
    **details,
) -> RecruitmentNeed:
    """Record a new need at the "identifié" stage, with its first dated stage change."""
    if positions < 1:
        raise NeedError("Le nombre de postes doit être d'au moins 1.")
    need = RecruitmentNeed(
        employer=employer,
        title=title.strip(),
        contract=contract,
        positions=positions,
        rome_code=rome_code,
        target_public=target_public,
        origin=origin,
        identified_on=identified_on or today_paris(),
        status=NeedStatus.IDENTIFIED,
        created_by=author,
        **details,
    )
    need.status_changes.append(
        NeedStatusChange(from_status=None, to_status=NeedStatus.IDENTIFIED, changed_by_id=author.id if author else None)
    )
    db.session.add(need)
    return need
