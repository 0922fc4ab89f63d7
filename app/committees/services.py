"""The committees' writes: a meeting (its figures frozen), its decisions, the needs it escalates.

The basin's managers and task-force leads (and admins) write; the views check the basin is theirs.
"""

from datetime import date

import sqlalchemy as sa

from app.auth.models import User
from app.committees.enums import ActionStatus
from app.committees.models import CommitteeAction, CommitteeMeeting, NeedEscalation
from app.committees.snapshots import take_snapshot
from app.errors import DomainError
from app.extensions import db
from app.needs.enums import OPEN_STATUSES, NeedStatus
from app.needs.models import RecruitmentNeed
from app.referential.models import Basin

# A need the committee may escalate: still open, or closed without being filled.
UNMET_STATUSES = (*sorted(OPEN_STATUSES), NeedStatus.NOT_FILLED)
MAX_ATTENDEES = 30


def attendee_list(text: str | None) -> list[str]:
    """The organisations present, one a line (or separated by « ; »), each once, in the order typed."""
    names: list[str] = []
    for line in (text or "").replace(";", "\n").splitlines():
        name = " ".join(line.split())[:160]
        if name and name.lower() not in {known.lower() for known in names}:
            names.append(name)
    if len(names) > MAX_ATTENDEES:
        raise DomainError(f"Au plus {MAX_ATTENDEES} organisations présentes.")
    return names


def record_meeting(basin: Basin, held_on: date, attendees: list[str], *, by: User, today: date) -> CommitteeMeeting:
    """A meeting held on ``held_on``, with the basin's figures of the quarter up to that day, frozen now."""
    if held_on > today:
        raise DomainError("Une réunion s'enregistre le jour où elle se tient, ou après : la date est dans le futur.")
    taken = sa.select(CommitteeMeeting.id).where(
        CommitteeMeeting.basin_id == basin.id, CommitteeMeeting.held_on == held_on
    )
    if db.session.scalar(taken) is not None:
        raise DomainError("Une réunion du comité de ce bassin est déjà enregistrée à cette date.")
    meeting = CommitteeMeeting(
        basin=basin,
        held_on=held_on,
        attendees=attendees,
        snapshot=take_snapshot(basin.id, held_on),
        created_by_id=by.id,
    )
    db.session.add(meeting)
    return meeting


def add_action(
    meeting: CommitteeMeeting,
    decision: str,
    *,
    owner_user: User | None,
    owner_organisation: str | None,
    due_on: date | None,
) -> CommitteeAction:
    if owner_user is None and not owner_organisation:
        raise DomainError("Indiquez qui porte l'action : une personne du bassin ou une organisation.")
    if owner_user is not None and owner_organisation:
        raise DomainError("Une action a un seul porteur : une personne ou une organisation, pas les deux.")
    if due_on is not None and due_on < meeting.held_on:
        raise DomainError("L'échéance précède la réunion.")
    action = CommitteeAction(
        meeting=meeting,
        decision=decision.strip(),
        owner_user=owner_user,
        owner_organisation=owner_organisation.strip() if owner_organisation else None,
        due_on=due_on,
        status=ActionStatus.OPEN,
    )
    db.session.add(action)
    return action


def set_action_status(action: CommitteeAction, status: ActionStatus) -> None:
    action.status = status


def escalate_need(meeting: CommitteeMeeting, need: RecruitmentNeed, reason: str) -> NeedEscalation:
    """Raise an unmet need of the meeting's basin to the département (its steering sees it)."""
    if need.basin_id != meeting.basin_id:
        raise DomainError("Ce besoin n'appartient pas au bassin du comité.")
    if need.status not in UNMET_STATUSES:
        raise DomainError("Seul un besoin ouvert, ou clôturé non pourvu, peut être remonté au département.")
    if db.session.scalar(sa.select(NeedEscalation.id).where(NeedEscalation.need_id == need.id)) is not None:
        raise DomainError("Ce besoin est déjà remonté au département.")
    escalation = NeedEscalation(need=need, meeting=meeting, reason=reason.strip())
    db.session.add(escalation)
    return escalation
