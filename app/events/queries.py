"""Read side of events: scope, calendar, results (also for the dashboard)."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.events.enums import EventKind, EventStatus
from app.events.models import Event, EventParticipant, EventParticipantNeed
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.timeutils import PARIS, to_paris


def visible_events(user: User) -> sa.Select:
    query = sa.select(Event)
    if not user.sees_all_basins:
        query = query.where(Event.basin_id.in_(user.basin_ids))
    return query


def filtered_events(
    user: User, basin_ids: list[int], kind: EventKind | None = None, status: EventStatus | None = None
) -> sa.Select:
    """The user's events, of some basins (all of theirs without any), of a kind, in a status."""
    query = visible_events(user)
    if basin_ids:
        query = query.where(Event.basin_id.in_(basin_ids))
    if kind is not None:
        query = query.where(Event.kind == kind)
    if status is not None:
        query = query.where(Event.status == status)
    return query


def get_visible_event(user: User, event_id: int) -> Event | None:
    return db.session.scalar(
        visible_events(user)
        .where(Event.id == event_id)
        .options(
            joinedload(Event.basin),
            selectinload(Event.operators),
            selectinload(Event.participants).joinedload(EventParticipant.employer),
            selectinload(Event.participants).selectinload(EventParticipant.needs).joinedload(EventParticipantNeed.need),
        )
    )


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


@dataclass
class MonthCalendar:
    month: date  # the first day
    weeks: list[list[date]]
    events_by_day: dict[date, list[Event]]

    @property
    def previous(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.month + timedelta(days=31)).replace(day=1)


def month_calendar(query: sa.Select, month: date) -> MonthCalendar:
    """The weeks (Monday first) that show ``month``, with the events of each day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    first, last = weeks[0][0], weeks[-1][-1]
    events = db.session.scalars(
        query.where(
            Event.starts_at >= paris_midnight(first), Event.starts_at < paris_midnight(last + timedelta(days=1))
        )
        .options(joinedload(Event.basin))
        .order_by(Event.starts_at, Event.id)
    ).all()
    by_day: dict[date, list[Event]] = {}
    for event in events:
        by_day.setdefault(to_paris(event.starts_at).date(), []).append(event)
    return MonthCalendar(month=month, weeks=weeks, events_by_day=by_day)


def events_in_period(query: sa.Select, start: date, end: date) -> sa.Select:
    """The events that start between two Paris days (both included), in date order."""
    return query.where(
        Event.starts_at >= paris_midnight(start), Event.starts_at < paris_midnight(end + timedelta(days=1))
    ).order_by(Event.starts_at, Event.id)


def events_list(query: sa.Select, *, past: bool, now: datetime) -> sa.Select:
    if past:
        return query.where(Event.starts_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    return query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)


def participant_need_choices(participant: EventParticipant) -> list[RecruitmentNeed]:
    """The needs a participant may bring: the employer's open ones and those already linked, latest first."""
    linked_ids = {link.need_id for link in participant.needs}
    needs = db.session.scalars(
        sa.select(RecruitmentNeed)
        .where(RecruitmentNeed.employer_id == participant.employer_id)
        .order_by(RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc())
    )
    return [need for need in needs if need.status.is_open or need.id in linked_ids]


def feed_events(basin_id: int, now: datetime) -> list[Event]:
    """What a subscribed calendar receives: the basin's events from 90 days ago onwards."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.basin_id == basin_id, Event.starts_at >= now - timedelta(days=90))
            .options(selectinload(Event.operators))
            .order_by(Event.starts_at, Event.id)
            .limit(1000)
        )
    )


@dataclass
class EventTotals:
    events_held: int
    employers: int
    positions_offered: int
    interviews: int
    hires: int
    candidates_attended: int


def event_totals_between_days(basin_ids: list[int] | None, first: date, last: date) -> EventTotals:
    """``event_totals`` of the Paris days from ``first`` to ``last`` included (the dashboard's period)."""
    return event_totals(basin_ids, paris_midnight(first), paris_midnight(last + timedelta(days=1)))


def event_totals(basin_ids: list[int] | None, start: datetime, end: datetime) -> EventTotals:
    """Held events between two instants and their results, in two aggregate queries (dashboard)."""
    held = sa.select(Event.id).where(Event.status == EventStatus.HELD, Event.starts_at >= start, Event.starts_at < end)
    if basin_ids is not None:
        held = held.where(Event.basin_id.in_(basin_ids))
    events_held, attended = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Event.candidates_attended), 0)).where(
            Event.id.in_(held)
        )
    ).one()
    employers, offered, interviews, hires = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(EventParticipant.positions_offered), 0),
            sa.func.coalesce(sa.func.sum(EventParticipant.interviews), 0),
            sa.func.coalesce(sa.func.sum(EventParticipant.hires), 0),
        ).where(EventParticipant.event_id.in_(held))
    ).one()
    return EventTotals(events_held, employers, offered, interviews, hires, attended)
