"""Business rules of recruitment needs."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from app.assignments.models import Assignment
from app.auth.models import User
from app.employers.models import Employer
from app.errors import DomainError
from app.extensions import db
from app.formatting import plural
from app.needs.enums import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ContractType,
    NeedOrigin,
    NeedStatus,
    Public,
)
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.needs.signals import need_closed, need_created, need_status_changed
from app.timeutils import today_paris, utcnow

# Fields a user may change on the edit form; the stage goes through move/close/reopen.
EDITABLE_FIELDS = frozenset(
    {
        "rome_code",
        "job_title_code",
        "title",
        "positions",
        "contract",
        "working_time",
        "start_on",
        "place",
        "publics",
        "qualification_level",
        "origin",
    }
)


class NeedError(DomainError):
    """A refusal with a French message for the user."""


class NeedConflict(NeedError):
    """Someone else changed the need in the meantime."""


def create_need(
    *,
    employer: Employer,
    title: str,
    contract: ContractType,
    author: User | None,
    positions: int = 1,
    rome_code: str | None = None,
    publics: Iterable[Public] = (),
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
        publics=publics,
        origin=origin,
        identified_on=identified_on or today_paris(),
        status=NeedStatus.IDENTIFIED,
        created_by=author,
        **details,
    )
    need.status_changes.append(
        NeedStatusChange(
            from_status=None,
            to_status=NeedStatus.IDENTIFIED,
            changed_at=utcnow(),
            changed_by_id=author.id if author else None,
        )
    )
    db.session.add(need)
    need_created.send(need)
    return need


def _check_version(need: RecruitmentNeed, expected_version: int | None) -> None:
    # Optimistic locking: the form carries the version it was built from.
    if expected_version is not None and expected_version != need.version:
        raise NeedConflict("Ce besoin a été modifié entre-temps par quelqu'un d'autre : rechargez la page.")


def _change_status(need: RecruitmentNeed, to_status: NeedStatus, author: User | None) -> None:
    from_status = need.status
    need.status_changes.append(
        NeedStatusChange(
            from_status=from_status,
            to_status=to_status,
            changed_at=utcnow(),
            changed_by_id=author.id if author else None,
        )
    )
    need.status = to_status
    need_status_changed.send(need, from_status=from_status, to_status=to_status)


def update_need(need: RecruitmentNeed, *, expected_version: int | None = None, **fields) -> RecruitmentNeed:
    """Change a need's description (job, positions, contract…), never its stage."""
    _check_version(need, expected_version)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    positions = fields.get("positions", need.positions)
    if positions < 1:
        raise NeedError("Le nombre de postes doit être d'au moins 1.")
    if positions < need.positions_filled:
        raise NeedError(
            f"{plural(need.positions_filled, 'poste est déjà pourvu', 'postes sont déjà pourvus')} : "
            "le besoin ne peut pas en compter moins."
        )
    if "title" in fields:
        fields["title"] = fields["title"].strip()
        if not fields["title"]:
            raise NeedError("L'intitulé du poste est obligatoire.")
    for name, value in fields.items():
        setattr(need, name, value)
    return need


def move_need(
    need: RecruitmentNeed, to_status: NeedStatus, *, author: User | None, expected_version: int | None = None
) -> RecruitmentNeed:
    """Move an open need from one working stage to another (the board's drag and drop)."""
    _check_version(need, expected_version)
    if not need.status.is_open:
        raise NeedError("Ce besoin est clôturé : rouvrez-le avant de changer son étape.")
    if to_status not in OPEN_STATUSES:
        raise NeedError("Pour clôturer un besoin, indiquez s'il est pourvu, non pourvu ou annulé.")
    if to_status is need.status:
        return need
    _change_status(need, to_status, author)
    return need


def close_need(
    need: RecruitmentNeed,
    outcome: NeedStatus,
    *,
    author: User | None,
    closed_on: date | None = None,
    positions_filled: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> RecruitmentNeed:
    """Close a need as filled (positions filled, date), not filled (reason) or cancelled (reason)."""
    _check_version(need, expected_version)
    if outcome not in CLOSED_STATUSES:
        raise ValueError(f"not a closing status: {outcome}")
    if not need.status.is_open:
        raise NeedError("Ce besoin est déjà clôturé.")
    closed_on = closed_on or today_paris()
    if closed_on < need.identified_on:
        raise NeedError("La date de clôture ne peut pas précéder la date d'identification du besoin.")
    if closed_on > today_paris():
        raise NeedError("La date de clôture ne peut pas être dans le futur.")
    reason = (reason or "").strip()
    if outcome is NeedStatus.FILLED:
        if positions_filled is None or not 1 <= positions_filled <= need.positions:
            raise NeedError(f"Indiquez le nombre de postes pourvus, entre 1 et {need.positions}.")
    else:
        if not reason:
            raise NeedError("Indiquez la raison de la clôture.")
        # A need not filled may still have hired some of its positions.
        positions_filled = positions_filled or 0
        if outcome is NeedStatus.CANCELLED:
            positions_filled = 0
        if not 0 <= positions_filled < need.positions:
            raise NeedError("Un besoin non pourvu compte moins de postes pourvus que de postes ouverts.")
    _check_sourced_hires_fit(need, positions_filled)
    need.positions_filled = positions_filled
    need.closed_on = closed_on
    need.closed_reason = reason or None
    _change_status(need, outcome, author)
    need_closed.send(need)
    return need


def _check_sourced_hires_fit(need: RecruitmentNeed, positions_filled: int) -> None:
    # Rule 9, held by app/needs/sourcing.py (imported here, when a need closes: it imports this module).
    from app.needs.sourcing import check_hires_fit

    check_hires_fit(need, positions_filled)


def _forget_public_hires(need: RecruitmentNeed) -> None:
    # Hires by public (app/needs/inclusion.py, which imports this module) fit the positions filled.
    from app.needs.inclusion import forget_public_hires

    forget_public_hires(need)


def reopen_need(
    need: RecruitmentNeed,
    *,
    author: User | None,
    to_status: NeedStatus = NeedStatus.SOURCING,
    expected_version: int | None = None,
) -> RecruitmentNeed:
    """Reopen a closed need: it leaves the fill rate until it is closed again.

    Its time to fill still counts from its first identification.
    """
    _check_version(need, expected_version)
    if need.status.is_open:
        raise NeedError("Ce besoin est déjà ouvert.")
    if to_status not in OPEN_STATUSES:
        raise NeedError("Choisissez l'étape à laquelle le besoin reprend.")
    need.closed_on = None
    need.closed_reason = None
    need.positions_filled = 0
    _forget_public_hires(need)
    need.satisfaction_score = None
    need.satisfaction_comment = None
    need.satisfaction_recorded_at = None
    need.satisfaction_recorded_by_id = None
    _change_status(need, to_status, author)
    return need


def privileged_contact_id(employer_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Assignment.adviser_id).where(Assignment.employer_id == employer_id, Assignment.ended_at.is_(None))
    )


def record_satisfaction(need: RecruitmentNeed, *, author: User, score: int, comment: str = "") -> RecruitmentNeed:
    """The employer's satisfaction (1 to 5), told to its privileged contact once the need is closed."""
    if need.status.is_open:
        raise NeedError("La satisfaction se recueille une fois le besoin clôturé.")
    if privileged_contact_id(need.employer_id) != author.id:
        raise NeedError("Seul l'interlocuteur privilégié de l'entreprise recueille sa satisfaction.")
    if not 1 <= score <= 5:
        raise NeedError("La note de satisfaction va de 1 à 5.")
    need.satisfaction_score = score
    need.satisfaction_comment = comment.strip() or None
    need.satisfaction_recorded_at = utcnow()
    need.satisfaction_recorded_by_id = author.id
    return need


@dataclass(frozen=True)
class StageSpan:
    """One stretch of a need's life at one stage."""

    status: NeedStatus
    started_at: datetime
    ended_at: datetime | None

    @property
    def days(self) -> int:
        return ((self.ended_at or utcnow()) - self.started_at).days


def stage_spans(need: RecruitmentNeed) -> list[StageSpan]:
    """The time spent at each stage, from the dated history (a handful of rows per need)."""
    changes = need.status_changes
    return [
        StageSpan(
            change.to_status, change.changed_at, changes[index + 1].changed_at if index + 1 < len(changes) else None
        )
        for index, change in enumerate(changes)
    ]


def record_hires(need: RecruitmentNeed, count: int, *, author: User | None, hired_on: date) -> RecruitmentNeed:
    """Hires made for an open need elsewhere (an event): ``count`` more (or fewer, to correct)
    positions filled; when all are filled, the need is closed as filled."""
    if count == 0:
        return need
    if not need.status.is_open:
        raise NeedError(f"Le besoin « {need.title} » est clôturé : ses postes pourvus ne changent plus ici.")
    total = need.positions_filled + count
    if not 0 <= total <= need.positions:
        raise NeedError(
            f"Le besoin « {need.title} » compte {plural(need.positions, 'poste', 'postes')}, "
            f"dont {plural(need.positions_filled, 'déjà pourvu', 'déjà pourvus')}."
        )
    if total == need.positions:
        closed_on = max(need.identified_on, min(hired_on, today_paris()))
        return close_need(need, NeedStatus.FILLED, author=author, closed_on=closed_on, positions_filled=total)
    need.positions_filled = total
    return need
