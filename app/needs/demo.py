"""Demo recruitment needs for the pilot basins: stages with dated history, services, satisfaction."""

import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app.assignments.models import Assignment
from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import (
    OPEN_STATUSES,
    ContractType,
    NeedOrigin,
    NeedStatus,
    ServiceKind,
    ServiceStatus,
    TargetPublic,
)
from app.needs.models import NeedService, NeedStatusChange, RecruitmentNeed
from app.referential.models import Basin
from app.timeutils import today_paris

NEEDS_PER_BASIN = 90
WORKING_STAGES = [NeedStatus.IDENTIFIED, NeedStatus.QUALIFIED, NeedStatus.SOURCING, NeedStatus.CANDIDATES_PRESENTED]
NOT_FILLED_REASONS = [
    "Aucun candidat retenu",
    "Conditions de travail peu attractives",
    "Besoin pourvu par l'employeur seul",
]


# (ROME code, job title as an employer would write it): the title always matches its code.
DEMO_JOBS = [
    ("G1803", "Serveur ou serveuse"),
    ("J1501", "Aide-soignant(e)"),
    ("F1703", "Maçon(ne)"),
    ("N1103", "Préparateur ou préparatrice de commandes"),
    ("G1602", "Commis de cuisine"),
    ("K2204", "Agent(e) d'entretien"),
    ("N4101", "Conducteur ou conductrice poids lourd"),
    ("D1106", "Vendeur ou vendeuse en alimentation"),
    ("F1603", "Plombier chauffagiste"),
    ("K1302", "Auxiliaire de vie"),
]


def _at(day) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def build_demo_needs(rng: random.Random) -> int:
    today = today_paris()
    created = 0
    for basin in db.session.scalars(sa.select(Basin).order_by(Basin.code)):
        employers = list(
            db.session.execute(
                sa.select(Employer.id, Assignment.adviser_id)
                .outerjoin(Assignment, sa.and_(Assignment.employer_id == Employer.id, Assignment.ended_at.is_(None)))
                .where(Employer.basin_id == basin.id)
                .order_by(Employer.id)
            )
        )
        advisers = list(
            db.session.scalars(
                sa.select(User.id).where(User.role == Role.ADVISER, User.basins.any(Basin.id == basin.id))
            )
        )
        if not employers or not advisers:
            continue
        for _ in range(NEEDS_PER_BASIN):
            employer_id, privileged_id = rng.choice(employers)
            author_id = privileged_id or rng.choice(advisers)
            identified_on = today - timedelta(days=rng.randint(0, 330))
            positions = rng.choice([1, 1, 1, 2, 3, 5])
            rome_code, title = rng.choice(DEMO_JOBS)
            need = RecruitmentNeed(
                employer_id=employer_id,
                rome_code=rome_code,
                title=title,
                positions=positions,
                contract=rng.choice(list(ContractType)),
                target_public=rng.choice(list(TargetPublic)),
                origin=rng.choice(list(NeedOrigin)),
                identified_on=identified_on,
                status=NeedStatus.IDENTIFIED,
                created_by_id=author_id,
            )
            day = identified_on
            history = [(None, NeedStatus.IDENTIFIED, day)]
            depth = rng.randint(0, 3)
            for stage in WORKING_STAGES[1 : depth + 1]:
                day = min(day + timedelta(days=rng.randint(2, 25)), today)
                history.append((history[-1][1], stage, day))
            if rng.random() < 0.55 and day < today:
                day = min(day + timedelta(days=rng.randint(3, 40)), today)
                outcome = rng.choices([NeedStatus.FILLED, NeedStatus.NOT_FILLED, NeedStatus.CANCELLED], [6, 2, 1])[0]
                history.append((history[-1][1], outcome, day))
                need.closed_on = day
                if outcome is NeedStatus.FILLED:
                    need.positions_filled = rng.randint(1, positions)
                else:
                    need.closed_reason = rng.choice(NOT_FILLED_REASONS)
                if privileged_id and rng.random() < 0.6:
                    need.satisfaction_score = rng.choices([1, 2, 3, 4, 5], [1, 1, 3, 6, 5])[0]
                    need.satisfaction_recorded_at = _at(day)
                    need.satisfaction_recorded_by_id = privileged_id
            need.status = history[-1][1]
            for from_status, to_status, changed_on in history:
                need.status_changes.append(
                    NeedStatusChange(
                        from_status=from_status,
                        to_status=to_status,
                        changed_at=_at(changed_on),
                        changed_by_id=author_id,
                    )
                )
            if need.status in OPEN_STATUSES or rng.random() < 0.5:
                for kind in rng.sample(list(ServiceKind), rng.randint(0, 2)):
                    need.services.append(
                        NeedService(kind=kind, status=rng.choice(list(ServiceStatus)), created_by_id=author_id)
                    )
            db.session.add(need)
            created += 1
    db.session.flush()
    return created
