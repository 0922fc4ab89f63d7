"""Demo events for the pilot basins: a job dating held last month with its results, and upcoming ones."""

import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Employer
from app.events.enums import EventKind
from app.events.services import add_participant, create_event, record_results
from app.extensions import db
from app.needs.enums import OPEN_STATUSES, TargetPublic
from app.needs.models import RecruitmentNeed
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Operator
from app.timeutils import PARIS, today_paris

UPCOMING = [
    (EventKind.JOB_DATING, "Job dating hôtellerie-restauration : la saison d'été", 12, TargetPublic.ALL),
    (EventKind.JOB_FAIR, "Forum emploi BTP et industrie", 26, TargetPublic.ALL),
    (EventKind.INFO_SESSION, "Information collective : les métiers du soin", 5, TargetPublic.YOUTH),
    (EventKind.THEMATIC, "Du stade vers l'emploi", 40, TargetPublic.RSA),
]


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS).astimezone(UTC)


def build_demo_events(rng: random.Random) -> int:
    today = today_paris()
    count = 0
    for basin in db.session.scalars(sa.select(Basin).order_by(Basin.code)):
        operators = list(
            db.session.scalars(
                sa.select(Operator).where(Operator.basins.any(Basin.id == basin.id)).order_by(Operator.name)
            )
        )
        banner = [o for o in operators if o.kind in (OperatorKind.FRANCE_TRAVAIL, OperatorKind.MISSION_LOCALE)]
        lead = db.session.scalar(
            sa.select(User).where(User.role == Role.TASKFORCE_LEAD, User.basins.any(Basin.id == basin.id))
        )
        held_day = today - timedelta(days=rng.randint(15, 35))
        held = create_event(
            basin=basin,
            kind=EventKind.JOB_DATING,
            title=f"Job dating « Recrutez local » — {basin.name}",
            starts_at=_at(held_day, 9),
            ends_at=_at(held_day, 13),
            place=f"Maison de l'emploi, {basin.name}",
            capacity=80,
            candidates_expected=60,
            operators=banner,
            partner_names="CCI\nCommunauté d'agglomération",
            description="Rencontres de dix minutes entre candidats et recruteurs du territoire.",
            author=lead,
        )
        db.session.flush()
        needs = db.session.scalars(
            sa.select(RecruitmentNeed)
            .join(Employer, Employer.id == RecruitmentNeed.employer_id)
            .where(Employer.basin_id == basin.id, RecruitmentNeed.status.in_(OPEN_STATUSES))
            .where(RecruitmentNeed.identified_on <= held_day)
            .order_by(RecruitmentNeed.id)
            .limit(3)
        ).all()
        results = {}
        for need in needs:
            participant = add_participant(held, need.employer, needs=[need])
            db.session.flush()
            hires = rng.randint(0, need.positions - need.positions_filled)
            results[participant.id] = (hires + rng.randint(1, 4), hires)
        record_results(held, candidates_attended=rng.randint(35, 60), results=results, author=lead)
        count += 1
        for kind, title, days_ahead, public in UPCOMING:
            day = today + timedelta(days=days_ahead + rng.randint(0, 4))
            create_event(
                basin=basin,
                kind=kind,
                title=title,
                starts_at=_at(day, 14),
                ends_at=_at(day, 17),
                place=f"{rng.choice(['Salle des fêtes', 'Agence France Travail', 'Stade municipal'])}, {basin.name}",
                capacity=rng.choice([30, 50, 120]),
                candidates_expected=rng.randint(10, 30),
                target_public=public,
                operators=banner if kind is not EventKind.INFO_SESSION else banner[:1],
                partner_names="Club sportif local" if kind is EventKind.THEMATIC else "",
                author=lead,
            )
            count += 1
    db.session.flush()
    return count
