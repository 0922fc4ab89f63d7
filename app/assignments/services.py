"""Business rules of the privileged contact: assignment, handover, task forces.

The database decides who wins a race for an employer (the partial unique index
``uq_assignments_employer_id_active``); these functions turn its refusal into a
French message.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app.assignments.enums import HandoverStatus
from app.assignments.models import DEFAULT_CAPACITY, Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.assignments.signals import (
    handover_decided,
    handover_requested,
    portfolio_released,
    privileged_contact_assigned,
)
from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Employer
from app.errors import DomainError
from app.extensions import db
from app.formatting import of
from app.referential.models import Basin
from app.timeutils import utcnow

ASSIGNABLE_ROLES = (Role.ADVISER, Role.TASKFORCE_LEAD)
RACE_LOST = (
    "Un autre pilote vient d'affecter un interlocuteur privilégié à {employer}. "
    "Rechargez la page pour voir qui ; demandez une passation si besoin."
)
# SQLite lets one writer at a time: a transaction that waited while another one wrote
# is refused as a whole ("database is locked"); the other one won.
WRITE_RACE_LOST = (
    "Une autre affectation de {employer} a été enregistrée au même instant. "
    "Rechargez la page pour voir l'interlocuteur retenu."
)


TASK_FORCE_NAME_MAX_LENGTH = 160


class AssignmentError(DomainError):
    """A refusal with a French message for the user."""


class AssignmentConflict(AssignmentError):
    """The employer already has a privileged contact (or just got one): HTTP 409."""


def _race_message(error: IntegrityError | OperationalError) -> str | None:
    """The message for a lost race, or None when the error is something else."""
    text = str(error.orig)
    if isinstance(error, OperationalError):
        return WRITE_RACE_LOST if "locked" in text else None
    if "uq_assignments_employer_id_active" in text or "assignments.employer_id" in text:
        return RACE_LOST
    return None


def active_assignment_of(employer: Employer) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment).where(Assignment.employer_id == employer.id, Assignment.ended_at.is_(None))
    )


def check_assignable(adviser: User | None, employer: Employer) -> User:
    if adviser is None:
        raise AssignmentError("Choisissez un conseiller.")
    if not adviser.is_active:
        raise AssignmentError(f"{adviser.full_name} a un compte désactivé : choisissez un conseiller actif.")
    if adviser.role not in ASSIGNABLE_ROLES or adviser.operator_id is None:
        raise AssignmentError(f"{adviser.full_name} n'est pas conseiller d'un opérateur du réseau.")
    if employer.basin_id not in adviser.basin_ids:
        raise AssignmentError(f"{adviser.full_name} n'intervient pas sur le bassin {of(employer.display_name)}.")
    return adviser


def assign_privileged_contact(
    *,
    employer: Employer,
    adviser: User | None,
    assigned_by: User | None,
    reason: str = "",
    suggested_adviser_id: int | None = None,
) -> Assignment:
    """Make ``adviser`` the employer's one privileged contact, or refuse with AssignmentError."""
    check_assignable(adviser, employer)
    reason = (reason or "").strip()
    if suggested_adviser_id is not None and adviser.id != suggested_adviser_id and not reason:
        raise AssignmentError(
            f"Vous ne retenez pas le conseiller suggéré pour {employer.display_name} : indiquez pourquoi."
        )
    current = active_assignment_of(employer)
    if current is not None:
        raise AssignmentConflict(
            f"{employer.display_name} a déjà un interlocuteur privilégié : {current.adviser.full_name}. "
            "Demandez une passation pour en changer."
        )
    assignment = Assignment(
        employer_id=employer.id,
        adviser_id=adviser.id,
        operator_id=adviser.operator_id,
        assigned_by_id=assigned_by.id if assigned_by else None,
        reason=reason or "Suggestion retenue",
        started_at=utcnow(),
    )
    try:
        # The savepoint keeps the caller's transaction usable when the index refuses.
        with db.session.begin_nested():
            db.session.add(assignment)
    except (IntegrityError, OperationalError) as error:
        message = _race_message(error)
        if message is None:
            raise
        raise AssignmentConflict(message.format(employer=employer.display_name)) from error
    privileged_contact_assigned.send(assignment)
    return assignment


def end_assignment(assignment: Assignment, reason: str) -> None:
    assignment.ended_at = max(utcnow(), assignment.started_at)
    assignment.end_reason = reason[:500]


def task_force_leads(basin_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(TaskForceMember, TaskForceMember.user_id == User.id)
            .join(TaskForce, TaskForce.id == TaskForceMember.task_force_id)
            .where(TaskForce.basin_id == basin_id, TaskForceMember.is_lead.is_(True), User.is_active.is_(True))
            .order_by(User.full_name)
        )
    )


def release_portfolio(user: User, reason: str) -> int:
    """End every privileged contact held by ``user``: their employers go back to the lead's queue."""
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.adviser_id == user.id, Assignment.ended_at.is_(None))
            .options(sa.orm.joinedload(Assignment.employer))
        )
    )
    pending = db.session.scalars(
        sa.select(HandoverRequest).where(
            HandoverRequest.assignment_id.in_([a.id for a in assignments]),
            HandoverRequest.status == HandoverStatus.PENDING,
        )
    )
    for request in pending:
        request.status = HandoverStatus.REFUSED
        request.decided_at = utcnow()
        request.decision_note = "Sans objet : l'interlocuteur a quitté le réseau, l'entreprise est à réaffecter."
    per_basin: dict[int, int] = {}
    for assignment in assignments:
        end_assignment(assignment, reason)
        per_basin[assignment.employer.basin_id] = per_basin.get(assignment.employer.basin_id, 0) + 1
    portfolio_released.send(user, released_per_basin=per_basin)
    return len(assignments)


def request_handover(*, employer: Employer, requested_by: User, reason: str) -> HandoverRequest:
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError("Indiquez la raison de la passation.")
    current = active_assignment_of(employer)
    if current is None:
        raise AssignmentError(f"{employer.display_name} n'a pas d'interlocuteur privilégié à transmettre.")
    request = HandoverRequest(
        employer_id=employer.id, assignment_id=current.id, requested_by=requested_by, reason=reason[:500]
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError as error:
        raise AssignmentConflict(
            f"Une demande de passation est déjà en attente pour {employer.display_name}."
        ) from error
    handover_requested.send(request)
    return request


def decide_handover(
    request: HandoverRequest,
    *,
    decided_by: User,
    approve: bool,
    note: str = "",
    new_adviser: User | None = None,
) -> Assignment | None:
    """Approve (end the current contact, optionally name the next) or refuse a handover."""
    note = (note or "").strip()
    if request.status is not HandoverStatus.PENDING:
        raise AssignmentConflict("Cette demande de passation a déjà été traitée.")
    if not approve and not note:
        raise AssignmentError("Indiquez pourquoi vous refusez la passation.")
    employer = request.employer
    if approve and new_adviser is not None:
        check_assignable(new_adviser, employer)
        if new_adviser.id == request.assignment.adviser_id:
            raise AssignmentError("Choisissez un autre conseiller que l'interlocuteur actuel.")
    request.status = HandoverStatus.APPROVED if approve else HandoverStatus.REFUSED
    request.decided_by = decided_by
    request.decided_at = utcnow()
    request.decision_note = note[:500] or None
    new_assignment = None
    if approve:
        previous = request.assignment
        end_assignment(previous, f"Passation : {request.reason}")
        db.session.flush()  # the old row leaves the "one active" index before the new one enters
        if new_adviser is not None:
            new_assignment = assign_privileged_contact(
                employer=employer,
                adviser=new_adviser,
                assigned_by=decided_by,
                reason=f"Passation acceptée : {request.reason}"[:500],
            )
    handover_decided.send(request)
    return new_assignment


def create_task_force(*, basin: Basin, name: str) -> TaskForce:
    name = (name or "").strip() or f"Task force entreprises {basin.name}"
    if db.session.scalar(sa.select(TaskForce.id).where(TaskForce.basin_id == basin.id)) is not None:
        raise AssignmentConflict(f"Le bassin {basin.name} a déjà sa task force.")
    task_force = TaskForce(basin=basin, name=name[:160])
    db.session.add(task_force)
    return task_force


def rename_task_force(task_force: TaskForce, name: str) -> None:
    name = " ".join((name or "").split())
    if not name:
        raise AssignmentError("Indiquez le nom de la task force.")
    if len(name) > TASK_FORCE_NAME_MAX_LENGTH:
        raise AssignmentError(f"Le nom de la task force ne dépasse pas {TASK_FORCE_NAME_MAX_LENGTH} caractères.")
    task_force.name = name


def add_member(task_force: TaskForce, user: User | None, *, is_lead: bool = False) -> TaskForceMember:
    if user is None:
        raise AssignmentError("Choisissez un conseiller.")
    if not user.is_active:
        raise AssignmentError(f"{user.full_name} a un compte désactivé.")
    if user.role not in ASSIGNABLE_ROLES:
        raise AssignmentError(f"{user.full_name} n'est ni conseiller ni pilote : pas de place dans la task force.")
    if task_force.basin_id not in user.basin_ids:
        raise AssignmentError(f"{user.full_name} n'intervient pas sur le bassin {task_force.basin.name}.")
    if is_lead and user.role is not Role.TASKFORCE_LEAD:
        raise AssignmentError(f"{user.full_name} n'a pas le rôle de pilote de task force.")
    if any(member.user_id == user.id for member in task_force.members):
        raise AssignmentConflict(f"{user.full_name} fait déjà partie de la task force.")
    # A lead coordinates and keeps no portfolio unless given a capacity: never suggested meanwhile.
    member = TaskForceMember(
        task_force=task_force, user=user, is_lead=is_lead, capacity=0 if is_lead else DEFAULT_CAPACITY
    )
    db.session.add(member)
    return member


def update_member(member: TaskForceMember, *, capacity: int, absent_until: date | None) -> None:
    if capacity < 0 or capacity > 1000:
        raise AssignmentError("La capacité doit être comprise entre 0 et 1000 entreprises.")
    member.capacity = capacity
    member.absent_until = absent_until


def remove_member(member: TaskForceMember) -> None:
    db.session.delete(member)


@dataclass
class AssignmentChoice:
    """One row of the queue as submitted: the employer, the adviser chosen, the one suggested, why."""

    employer: Employer
    adviser: User | None
    suggested_adviser_id: int | None
    reason: str = ""


@dataclass
class BulkOutcome:
    assigned: list[Assignment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    conflicts: int = 0


def assign_in_bulk(choices: list[AssignmentChoice], *, assigned_by: User) -> BulkOutcome:
    """Assign each employer on its own: one refusal does not undo the others."""
    outcome = BulkOutcome()
    if not choices:
        outcome.refused.append("Sélectionnez au moins une entreprise.")
    for choice in choices:
        try:
            outcome.assigned.append(
                assign_privileged_contact(
                    employer=choice.employer,
                    adviser=choice.adviser,
                    assigned_by=assigned_by,
                    reason=choice.reason,
                    suggested_adviser_id=choice.suggested_adviser_id,
                )
            )
        except AssignmentError as error:
            outcome.refused.append(str(error))
            outcome.conflicts += isinstance(error, AssignmentConflict)
    return outcome
