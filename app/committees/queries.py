"""The committees' reads, scoped to the basins the user sees (``User.basin_ids``: a steering
account's territory); a meeting or an action of another basin is not found (404)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User, user_basins
from app.committees.enums import ActionStatus
from app.committees.models import CommitteeAction, CommitteeMeeting, NeedEscalation
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.referential.models import Basin

UNMET_NEEDS_OFFERED = 200


def _visible(user: User, basin_id: int) -> bool:
    return user.sees_all_basins or basin_id in user.basin_ids


def meetings_of(basin_ids: list[int]) -> sa.Select:
    """The meetings of these basins, latest first (the unique (basin, day) index)."""
    return (
        sa.select(CommitteeMeeting)
        .where(CommitteeMeeting.basin_id.in_(basin_ids))
        .options(joinedload(CommitteeMeeting.basin))
        .order_by(CommitteeMeeting.held_on.desc(), CommitteeMeeting.id.desc())
    )


def get_visible_meeting(user: User, meeting_id: int) -> CommitteeMeeting | None:
    meeting = db.session.get(
        CommitteeMeeting,
        meeting_id,
        options=[selectinload(CommitteeMeeting.actions).joinedload(CommitteeAction.owner_user)],
    )
    return meeting if meeting is not None and _visible(user, meeting.basin_id) else None


def get_visible_action(user: User, action_id: int) -> CommitteeAction | None:
    action = db.session.get(CommitteeAction, action_id, options=[joinedload(CommitteeAction.meeting)])
    return action if action is not None and _visible(user, action.meeting.basin_id) else None


def previous_meeting(meeting: CommitteeMeeting) -> CommitteeMeeting | None:
    return db.session.scalar(
        sa.select(CommitteeMeeting)
        .where(CommitteeMeeting.basin_id == meeting.basin_id, CommitteeMeeting.held_on < meeting.held_on)
        .order_by(CommitteeMeeting.held_on.desc())
        .limit(1)
    )


def open_actions(meeting: CommitteeMeeting) -> list[CommitteeAction]:
    """The meeting's actions still open: what the next meeting reviews."""
    return list(
        db.session.scalars(
            sa.select(CommitteeAction)
            .where(CommitteeAction.meeting_id == meeting.id, CommitteeAction.status == ActionStatus.OPEN)
            .options(joinedload(CommitteeAction.owner_user))
            .order_by(CommitteeAction.due_on, CommitteeAction.id)
        )
    )


def escalated_needs(basin_ids: list[int]) -> sa.Select:
    """The needs committees raised to the département, for these basins, latest first: what the
    need is (job, positions, stage), its employer and basin; no person's name."""
    return (
        sa.select(NeedEscalation)
        .join(CommitteeMeeting, CommitteeMeeting.id == NeedEscalation.meeting_id)
        .where(CommitteeMeeting.basin_id.in_(basin_ids))
        .options(
            joinedload(NeedEscalation.need).joinedload(RecruitmentNeed.employer),
            joinedload(NeedEscalation.meeting).joinedload(CommitteeMeeting.basin),
        )
        .order_by(NeedEscalation.created_at.desc(), NeedEscalation.id.desc())
    )


def meeting_escalations(meeting: CommitteeMeeting) -> list[NeedEscalation]:
    return list(
        db.session.scalars(
            sa.select(NeedEscalation)
            .where(NeedEscalation.meeting_id == meeting.id)
            .options(joinedload(NeedEscalation.need).joinedload(RecruitmentNeed.employer))
            .order_by(NeedEscalation.id)
        )
    )


def unmet_needs(basin_id: int, statuses) -> list[RecruitmentNeed]:
    """The basin's needs a committee may escalate (not escalated yet), oldest first."""
    escalated = sa.select(NeedEscalation.need_id)
    return list(
        db.session.scalars(
            sa.select(RecruitmentNeed)
            .where(
                RecruitmentNeed.basin_id == basin_id,
                RecruitmentNeed.status.in_(statuses),
                RecruitmentNeed.id.not_in(escalated),
            )
            .options(joinedload(RecruitmentNeed.employer))
            .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
            .limit(UNMET_NEEDS_OFFERED)
        )
    )


def basin_people(basin_id: int) -> list[User]:
    """The active users working on the basin, by name: who may carry an action."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(user_basins, user_basins.c.user_id == User.id)
            .where(user_basins.c.basin_id == basin_id, User.is_active.is_(True))
            .order_by(User.full_name, User.id)
        )
    )


def latest_meetings(basin_ids: list[int], since: date) -> sa.Select:
    return meetings_of(basin_ids).where(CommitteeMeeting.held_on >= since)


def basins_by_territory(basins: list[Basin]) -> list[tuple[str, list[Basin]]]:
    """The basins grouped by département, in the order of the list."""
    groups: dict[str, list[Basin]] = {}
    for basin in basins:
        groups.setdefault(str(basin.departement), []).append(basin)
    return list(groups.items())
