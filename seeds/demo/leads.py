"""Demo spotter organisations and leads for the pilot basins, triaged through the real services."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.leads.enums import RejectionReason, SpotterKind, Urgency
from app.leads.services import (
    LeadData,
    accept_lead,
    attach_spotter,
    create_organisation,
    reject_lead,
    submit_lead,
    submit_public_lead,
)
from app.needs.enums import ContractType, Public
from app.referential.models import Basin
from app.timeutils import today_paris

ORGANISATIONS = [
    ("CCI", SpotterKind.CCI),
    ("Chambre de métiers et de l'artisanat", SpotterKind.CMA),
    ("OPCO Entreprises de proximité", SpotterKind.OPCO),
    ("Agence d'intérim du centre", SpotterKind.TEMPORARY_AGENCY),
    ("Service développement économique de l'agglomération", SpotterKind.LOCAL_AUTHORITY),
]
JOBS = [
    ("Serveur / serveuse", ContractType.SEASONAL, (Public.YOUTH,)),
    ("Aide-soignant(e)", ContractType.CDI, ()),
    ("Maçon VRD", ContractType.CDI, ()),
    ("Chauffeur poids lourd", ContractType.CDD, ()),
    ("Apprenti boulanger", ContractType.APPRENTICESHIP, (Public.YOUTH,)),
    ("Responsable de production", ContractType.CDI, (Public.EXECUTIVES,)),
    ("Agent d'entretien", ContractType.CDD, (Public.DISABLED,)),
    ("Soudeur", ContractType.TEMPORARY, ()),
]
LEADS_PER_BASIN = 14


def _data(rng: random.Random, job: tuple, **employer) -> LeadData:
    title, contract, _ = job
    return LeadData(
        job_title=title,
        positions=rng.choice([1, 1, 2, 3]),
        contract=contract,
        start_on=today_paris() + timedelta(days=rng.randint(7, 60)),
        urgency=rng.choice(list(Urgency)),
        details="Signalé lors d'une visite de l'entreprise.",
        contact_name=rng.choice(["Marie Durand", "Jean Moreau", "Sophie Leroy", "Paul Girard"]),
        contact_phone=f"02 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        contact_email="",
        contact_consent=True,
        siret=employer.get("siret", ""),
        employer_name=employer.get("name", ""),
        commune=employer.get("commune", ""),
    )


def build_demo_leads(rng: random.Random) -> int:
    """Organisations, the demo spotter attached to the CCI, and leads in every state."""
    count = 0
    for basin in db.session.scalars(sa.select(Basin).order_by(Basin.code).options(sa.orm.selectinload(Basin.communes))):
        organisations = [
            create_organisation(basin=basin, name=f"{name} — {basin.name}", kind=kind) for name, kind in ORGANISATIONS
        ]
        db.session.flush()
        spotter = db.session.scalar(
            sa.select(User).where(User.role == Role.SPOTTER, User.basins.any(Basin.id == basin.id)).order_by(User.id)
        )
        lead_user = db.session.scalar(
            sa.select(User).where(User.role == Role.TASKFORCE_LEAD, User.basins.any(Basin.id == basin.id))
        )
        if spotter is None or lead_user is None:
            continue
        attach_spotter(organisations[0], spotter)
        employers = list(
            db.session.scalars(
                sa.select(Employer).where(Employer.basin_id == basin.id).order_by(Employer.id).limit(120)
            )
        )
        communes = [c.name for c in basin.communes[:10]]
        for index in range(LEADS_PER_BASIN):
            job = JOBS[index % len(JOBS)]
            if index % 4 == 3:
                data = _data(rng, job, name=f"Nouvelle entreprise {index}", commune=rng.choice(communes))
            else:
                data = _data(rng, job, siret=rng.choice(employers).siret)
            lead = submit_lead(spotter, data)
            count += 1
            outcome = index % 5
            if outcome in (1, 2) and data.siret:
                accept_lead(lead, decided_by=lead_user, publics=job[2], duplicates_confirmed=True)
            elif outcome == 3:
                reject_lead(lead, decided_by=lead_user, reason=rng.choice(list(RejectionReason)))
        public = _data(rng, JOBS[1], name="Résidence Les Tilleuls", commune=rng.choice(communes))
        public.contact_email = "direction@les-tilleuls.example"
        submit_public_lead(public)
        count += 1
    db.session.flush()
    return count
