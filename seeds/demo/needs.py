"""Demo recruitment needs for the pilot basins: moved through their stages and closed on the
days they happened, so that their dated history (time to fill, time per stage) is the services'."""

import random
from datetime import timedelta

from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.needs.catalogue import active_service_types
from app.needs.enums import (
    OPEN_STATUSES,
    ContractType,
    Funder,
    MobilisationStatus,
    NeedOrigin,
    NeedStatus,
    Public,
)
from app.needs.mobilisations import MobilisationData, create_mobilisation
from app.needs.services import close_need, create_need, move_need, record_satisfaction
from app.timeutils import today_paris
from seeds.demo.clock import on_day

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


def build_demo_needs(
    rng: random.Random, employers: list[Employer], advisers: list[User], privileged: dict[int, User]
) -> int:
    """A basin's needs, brought by its privileged contact when the employer has one."""
    if not employers or not advisers:
        return 0
    today = today_paris()
    service_types = active_service_types()
    for _ in range(NEEDS_PER_BASIN):
        employer = rng.choice(employers)
        contact = privileged.get(employer.id)
        author = contact or rng.choice(advisers)
        day = today - timedelta(days=rng.randint(0, 330))
        positions = rng.choice([1, 1, 1, 2, 3, 5])
        rome_code, title = rng.choice(DEMO_JOBS)
        with on_day(day):
            need = create_need(
                employer=employer,
                title=title,
                contract=rng.choice(list(ContractType)),
                author=author,
                positions=positions,
                rome_code=rome_code,
                # Most needs are for every public; some target one or two (rule 3 weighs them all).
                publics=rng.sample(list(Public), rng.choice([0, 0, 0, 1, 1, 2])),
                origin=rng.choice(list(NeedOrigin)),
                identified_on=day,
            )
            db.session.flush()
        for stage in WORKING_STAGES[1 : rng.randint(0, 3) + 1]:
            day = min(day + timedelta(days=rng.randint(2, 25)), today)
            with on_day(day):
                move_need(need, stage, author=author)
                db.session.flush()
        if rng.random() < 0.55 and day < today:
            day = min(day + timedelta(days=rng.randint(3, 40)), today)
            outcome = rng.choices([NeedStatus.FILLED, NeedStatus.NOT_FILLED, NeedStatus.CANCELLED], [6, 2, 1])[0]
            with on_day(day):
                if outcome is NeedStatus.FILLED:
                    close_need(need, outcome, author=author, closed_on=day, positions_filled=rng.randint(1, positions))
                else:
                    close_need(need, outcome, author=author, closed_on=day, reason=rng.choice(NOT_FILLED_REASONS))
                # Only the privileged contact hears the employer's satisfaction.
                if contact and rng.random() < 0.6:
                    record_satisfaction(need, author=contact, score=rng.choices([1, 2, 3, 4, 5], [1, 1, 3, 6, 5])[0])
                db.session.flush()
        if need.status in OPEN_STATUSES or rng.random() < 0.5:
            for service_type in rng.sample(service_types, rng.randint(0, 2)):
                _mobilise(rng, need, service_type, author, today)
    db.session.flush()
    return NEEDS_PER_BASIN


def _mobilise(rng: random.Random, need, service_type, author: User, today) -> None:
    """A service mobilised on the need some days after it was identified, and what came of it."""
    proposed_on = min(need.identified_on + timedelta(days=rng.randint(0, 20)), today)
    status = rng.choices(list(MobilisationStatus), [3, 2, 4, 1])[0]
    people = rng.randint(1, 12)
    delivered = status is MobilisationStatus.DELIVERED
    data = MobilisationData(
        service_type=service_type,
        status=status,
        proposed_on=proposed_on,
        delivered_on=min(proposed_on + timedelta(days=rng.randint(5, 60)), today) if delivered else None,
        people=people,
        hires=rng.randint(0, people) if delivered else None,
        funder=rng.choice(list(Funder)),
    )
    # Not on the proposal's day: the delivery, after it, would be in that day's future.
    create_mobilisation(need.employer, data, need=need, author=author)
