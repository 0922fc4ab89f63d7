"""Demo data for the pilot basins: employers, contacts, activity and one account per role.

Deterministic (fixed random seed) so that screenshots and tests can rely on it.
Dates are relative to today, so the demo always looks alive.
"""

import random
from datetime import timedelta

import sqlalchemy as sa
from stdnum import luhn

from app.activity.enums import Channel, FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.assignments.demo import build_demo_task_forces
from app.assignments.models import Assignment
from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import hash_password
from app.employers.demo import build_demo_employers
from app.employers.enums import EmployerSource
from app.employers.models import Employer, EmployerContact
from app.extensions import db
from app.leads.demo import build_demo_leads
from app.needs.demo import build_demo_needs
from app.notifications.demo import build_demo_reminders
from app.plans.demo import build_demo_plans
from app.referential.enums import HeadcountBand, OperatorKind
from app.referential.models import Basin, Operator
from app.timeutils import today_paris, utcnow

DEMO_PASSWORD = "Relais-Demo-2026!"
DEMO_DOMAIN = "demo.relais-entreprises.fr"
EMPLOYERS_PER_BASIN = 300

BASIN_SLUGS = {"5219": "saint-nazaire", "5211": "laval", "2702": "auxerre"}

# (NAF sub-class, weight, name patterns)
ACTIVITIES = [
    ("56.10A", 10, ["Restaurant {n}", "Le Bistrot {n}", "Brasserie {n}"]),
    ("56.10C", 5, ["Snack {n}", "Pizzeria {n}"]),
    ("56.30Z", 4, ["Bar {n}", "Café {n}"]),
    ("55.10Z", 3, ["Hôtel {n}", "Hôtel du Port {n}"]),
    ("43.21A", 5, ["Électricité {n}", "{n} Élec"]),
    ("43.22A", 4, ["Plomberie {n}", "{n} Chauffage"]),
    ("43.32A", 4, ["Menuiserie {n}"]),
    ("43.34Z", 3, ["Peinture {n}", "{n} Décoration"]),
    ("41.20A", 3, ["{n} Construction", "Bâtiments {n}"]),
    ("43.99C", 3, ["Maçonnerie {n}"]),
    ("45.20A", 4, ["Garage {n}", "Auto Services {n}"]),
    ("47.11B", 3, ["Supérette {n}", "Épicerie {n}"]),
    ("47.11D", 1, ["Supermarché {n}"]),
    ("47.71Z", 3, ["Boutique {n}", "Mode {n}"]),
    ("47.73Z", 2, ["Pharmacie {n}"]),
    ("10.71C", 5, ["Boulangerie {n}", "Au Bon Pain {n}"]),
    ("96.02A", 4, ["Coiffure {n}", "Salon {n}"]),
    ("86.21Z", 2, ["Cabinet médical {n}"]),
    ("86.90D", 2, ["Cabinet infirmier {n}"]),
    ("87.10A", 2, ["EHPAD {n}", "Résidence {n}"]),
    ("88.10A", 3, ["Aide à domicile {n}", "{n} Services à la personne"]),
    ("49.41A", 3, ["Transports {n}"]),
    ("52.10B", 2, ["Logistique {n}", "Entrepôts {n}"]),
    ("25.62B", 2, ["Mécanique de précision {n}"]),
    ("28.29B", 1, ["{n} Industrie"]),
    ("30.11Z", 1, ["Chantiers {n}"]),
    ("33.15Z", 1, ["{n} Naval Services"]),
    ("01.21Z", 1, ["Domaine {n}"]),
    ("01.50Z", 2, ["EARL {n}", "GAEC {n}"]),
    ("62.01Z", 2, ["{n} Informatique", "{n} Digital"]),
    ("69.20Z", 2, ["Cabinet comptable {n}"]),
    ("81.21Z", 3, ["Nettoyage {n}", "{n} Propreté"]),
    ("78.20Z", 1, ["{n} Intérim"]),
    ("94.99Z", 3, ["Association {n}"]),
    ("84.11Z", 1, ["Mairie de {commune}"]),
    ("85.59A", 1, ["Formation {n}"]),
]

SURNAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Le Goff",
    "Le Gall",
    "Guillou",
    "Hervé",
    "Jaouen",
    "Tanguy",
    "Riou",
    "Le Roux",
    "Guégan",
    "Cadiou",
]
FIRST_NAMES = [
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Sophie",
    "Julie",
    "Camille",
    "Léa",
    "Emma",
    "Jean",
    "Philippe",
    "Michel",
    "Alain",
    "Nicolas",
    "Christophe",
    "Pierre",
    "Julien",
    "Thomas",
    "Lucas",
]
JOB_TITLES = [
    "Gérant",
    "Gérante",
    "Directeur",
    "Directrice des ressources humaines",
    "Responsable d'exploitation",
    "Chef d'équipe",
]

# Most French establishments have fewer than 10 employees.
HEADCOUNT_WEIGHTS = [
    (HeadcountBand.NN, 5),
    (HeadcountBand.B00, 22),
    (HeadcountBand.B01, 25),
    (HeadcountBand.B02, 17),
    (HeadcountBand.B03, 12),
    (HeadcountBand.B11, 9),
    (HeadcountBand.B12, 6),
    (HeadcountBand.B21, 2),
    (HeadcountBand.B22, 1),
    (HeadcountBand.B32, 1),
]

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


def make_siret(rng: random.Random) -> str:
    """A SIRET that passes the Luhn check, as INSEE's do (La Poste aside)."""
    siren_body = "".join(rng.choice("0123456789") for _ in range(8))
    siren = siren_body + luhn.calc_check_digit(siren_body)
    nic_body = f"{rng.randint(1, 9999):04d}"
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _demo_users(basins: list[Basin], operators: list[Operator]) -> list[User]:
    password_hash = hash_password(DEMO_PASSWORD)
    users = [
        User(
            email=f"admin@{DEMO_DOMAIN}",
            full_name="Agnès Administratrice",
            role=Role.ADMIN,
            password_hash=password_hash,
        )
    ]
    by_basin_kind = {(basin.id, op.kind): op for op in operators for basin in op.basins}
    for basin in basins:
        slug = BASIN_SLUGS.get(basin.code, basin.code)
        france_travail = by_basin_kind[(basin.id, OperatorKind.FRANCE_TRAVAIL)]
        mission_locale = by_basin_kind[(basin.id, OperatorKind.MISSION_LOCALE)]
        specs = [
            ("conseiller", f"Claire Conseillère ({basin.name})", Role.ADVISER, france_travail),
            ("conseiller.ml", f"Karim Conseiller ML ({basin.name})", Role.ADVISER, mission_locale),
            ("pilote", f"Paul Pilote ({basin.name})", Role.TASKFORCE_LEAD, france_travail),
            ("manager", f"Monique Manager ({basin.name})", Role.MANAGER, None),
            ("repereur", f"Romain Repéreur ({basin.name})", Role.SPOTTER, None),
        ]
        for prefix, name, role, operator in specs:
            users.append(
                User(
                    email=f"{prefix}.{slug}@{DEMO_DOMAIN}",
                    full_name=name,
                    role=role,
                    operator=operator,
                    basins=[basin],
                    password_hash=password_hash,
                )
            )
    return users


def build_demo(seed: int = 2026) -> dict[str, int]:
    """Create the demo data once; a second call changes nothing."""
    if db.session.scalar(sa.select(User.id).where(User.email == f"admin@{DEMO_DOMAIN}")) is not None:
        return {}
    rng = random.Random(seed)
    today = today_paris()
    basins = list(
        db.session.scalars(sa.select(Basin).options(sa.orm.selectinload(Basin.communes)).order_by(Basin.code))
    )
    operators = list(db.session.scalars(sa.select(Operator).options(sa.orm.selectinload(Operator.basins))))
    if not basins or not operators:
        raise RuntimeError("Chargez d'abord les données de référence : flask seed reference")
    users = _demo_users(basins, operators)
    db.session.add_all(users)
    db.session.flush()

    counts = {
        "comptes": len(users),
        "entreprises": 0,
        "interlocuteurs": 0,
        "échanges": 0,
        "relances": 0,
        "interlocuteurs privilégiés": 0,
    }
    used_sirets: set[str] = set()
    for basin in basins:
        advisers = [u for u in users if u.role is Role.ADVISER and basin in u.basins]
        communes = sorted(basin.communes, key=lambda c: -(c.population or 0))
        commune_weights = [max(c.population or 1, 1) for c in communes]
        for index in range(EMPLOYERS_PER_BASIN):
            naf_code, _, patterns = _weighted(rng, [(a, a[1]) for a in ACTIVITIES])
            commune = rng.choices(communes, weights=commune_weights)[0]
            siret = make_siret(rng)
            while siret in used_sirets:
                siret = make_siret(rng)
            used_sirets.add(siret)
            name = rng.choice(patterns).format(n=rng.choice(SURNAMES), commune=commune.name)
            employer = Employer(
                siret=siret,
                siren=siret[:9],
                name=name.upper() if rng.random() < 0.3 else name,
                enseigne=name if rng.random() < 0.2 else None,
                naf_code=naf_code,
                headcount_band=_weighted(rng, HEADCOUNT_WEIGHTS),
                street=f"{rng.randint(1, 120)} {rng.choice(['rue', 'avenue', 'boulevard', 'impasse'])} {rng.choice(['de la Gare', 'Jean Jaurès', 'du Port', 'des Artisans', 'Victor Hugo', 'de Paris', 'du Commerce'])}",
                postcode=(commune.postcodes.split() or [""])[0],
                commune_insee=commune.insee_code,
                commune_name=commune.name,
                basin=basin,
                created_on=today - timedelta(days=rng.randint(30, 365 * 30)),
                source=EmployerSource.MANUAL,
            )
            db.session.add(employer)
            counts["entreprises"] += 1
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                employer.contacts.append(
                    EmployerContact(
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(SURNAMES),
                        job_title=rng.choice(JOB_TITLES),
                        phone=f"0{rng.randint(2, 7)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                        email=f"contact{index}@exemple.fr",
                        is_opposed_to_contact=rng.random() < 0.03,
                    )
                )
                counts["interlocuteurs"] += 1
            db.session.flush()
            adviser = None
            if rng.random() < 0.4:
                adviser = rng.choice(advisers)
                db.session.add(
                    Assignment(
                        employer_id=employer.id,
                        adviser_id=adviser.id,
                        operator_id=adviser.operator_id,
                        reason="Affectation initiale (données de démonstration)",
                        started_at=utcnow() - timedelta(days=rng.randint(10, 300)),
                    )
                )
                counts["interlocuteurs privilégiés"] += 1
            last_contact = None
            for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 6])):
                author = adviser if adviser and rng.random() < 0.8 else rng.choice(advisers)
                channel = _weighted(
                    rng,
                    [
                        (Channel.PHONE, 5),
                        (Channel.VISIT, 3),
                        (Channel.EMAIL, 3),
                        (Channel.EVENT, 1),
                        (Channel.OTHER, 1),
                    ],
                )
                occurred_on = today - timedelta(days=rng.randint(0, 364))
                last_contact = max(last_contact or occurred_on, occurred_on)
                db.session.add(
                    Interaction(
                        employer_id=employer.id,
                        author_id=author.id,
                        occurred_on=occurred_on,
                        channel=channel,
                        subject=rng.choice(SUBJECTS[channel]),
                        summary="Échange avec l'employeur sur ses besoins et l'offre de services du réseau.",
                        outcome=rng.choice(OUTCOMES),
                    )
                )
                counts["échanges"] += 1
            for contact in employer.contacts:
                contact.last_contacted_on = last_contact
            if last_contact and rng.random() < 0.5:
                owner = adviser or rng.choice(advisers)
                due_on = today + timedelta(days=rng.randint(-20, 30))
                done = rng.random() < 0.2
                db.session.add(
                    FollowUp(
                        employer_id=employer.id,
                        owner_id=owner.id,
                        due_on=due_on,
                        title=rng.choice(
                            [
                                "Rappeler pour le besoin en cours",
                                "Proposer des candidats",
                                "Inviter au job dating",
                                "Faire le point sur l'intégration",
                            ]
                        ),
                        status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                        done_at=utcnow() if done else None,
                    )
                )
                counts["relances"] += 1
    db.session.flush()
    counts["besoins"] = build_demo_needs(rng)
    counts.update(build_demo_plans(rng))
    counts["membres de task force"] = build_demo_task_forces(rng)
    counts["signalements"] = build_demo_leads(rng)
    counts["rapports mensuels"] = build_demo_reminders()
    counts.update(build_demo_employers(rng))
    return counts
