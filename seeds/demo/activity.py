"""Demo contacts with the employers over the past year, and the follow-ups they planned,
logged by the advisers through the same service as the contact form, on the day they happened."""

import random
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.activity.enums import Channel
from app.activity.models import FollowUp
from app.activity.services import ContactLog, log_interaction, mark_follow_up_done
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.timeutils import today_paris
from seeds.demo.clock import on_day
from seeds.demo.employers import weighted_choice

SUBJECTS = {
    Channel.VISIT: ["Visite de présentation de l'offre de services", "Visite : point sur les recrutements"],
    Channel.PHONE: ["Appel de prise de contact", "Point téléphonique sur le besoin", "Relance téléphonique"],
    Channel.EMAIL: ["Envoi de la présentation des aides à l'embauche", "Envoi de profils de candidats"],
    Channel.EVENT: ["Rencontre au job dating", "Échange au forum emploi"],
    Channel.OTHER: ["Échange lors d'une réunion de la CCI"],
}
OUTCOMES = [
    "Besoin de recrutement identifié",
    "Pas de besoin à court terme",
    "À recontacter dans trois mois",
    "Intéressé par une immersion (PMSMP)",
    "Souhaite participer au prochain job dating",
    "",
]


FOLLOW_UP_TITLES = [
    "Rappeler pour le besoin en cours",
    "Proposer des candidats",
    "Inviter au job dating",
    "Faire le point sur l'intégration",
]
CHANNEL_WEIGHTS = [(Channel.PHONE, 5), (Channel.VISIT, 3), (Channel.EMAIL, 3), (Channel.EVENT, 1), (Channel.OTHER, 1)]


@dataclass
class DemoActivity:
    interactions: int = 0
    follow_ups: int = 0


def build_demo_activity(
    rng: random.Random, employers: list[Employer], advisers: list[User], privileged: dict[int, User]
) -> DemoActivity:
    """Up to six contacts per employer, mostly by its privileged contact; half of the contacted
    employers have a follow-up, overdue, due soon or already done."""
    today = today_paris()
    built = DemoActivity()
    for employer in employers:
        adviser = privileged.get(employer.id)
        reachable = [contact for contact in employer.contacts if not contact.is_opposed_to_contact]
        contacts = []
        for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 6])):
            author = adviser if adviser and rng.random() < 0.8 else rng.choice(advisers)
            channel = weighted_choice(rng, CHANNEL_WEIGHTS)
            occurred_on = today - timedelta(days=rng.randint(0, 364))
            contacts.append((occurred_on, author, channel))
        if not contacts:
            continue
        contacts.sort(key=lambda contact: contact[0])
        follow_up = None
        if rng.random() < 0.5:
            # The last contact plans the follow-up: its author owns it, due that day or later.
            owner = adviser or rng.choice(advisers)
            last_on = contacts[-1][0]
            due_on = max(today + timedelta(days=rng.randint(-20, 30)), last_on)
            follow_up = (owner, due_on, rng.choice(FOLLOW_UP_TITLES), rng.random() < 0.2)
            contacts[-1] = (last_on, owner, contacts[-1][2])
        for position, (occurred_on, author, channel) in enumerate(contacts):
            plans_follow_up = follow_up is not None and position == len(contacts) - 1
            with on_day(occurred_on):
                interaction = log_interaction(
                    author,
                    employer,
                    ContactLog(
                        occurred_on=occurred_on,
                        channel=channel,
                        subject=rng.choice(SUBJECTS[channel]),
                        summary="Échange avec l'employeur sur ses besoins et l'offre de services du réseau.",
                        outcome=rng.choice(OUTCOMES),
                        contact_id=rng.choice(reachable).id if reachable else None,
                        next_follow_up_on=follow_up[1] if plans_follow_up else None,
                        next_follow_up_title=follow_up[2] if plans_follow_up else "",
                    ),
                )
            built.interactions += 1
        if follow_up is not None:
            built.follow_ups += 1
            owner, _, _, done = follow_up
            if done:
                planned = db.session.scalar(sa.select(FollowUp).where(FollowUp.interaction_id == interaction.id))
                mark_follow_up_done(owner, planned)
    return built
