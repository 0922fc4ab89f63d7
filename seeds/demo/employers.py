"""Demo employers of the pilot basins, with their contact persons and tags, and a few
look-alikes typed again by hand for the duplicates page. Created as an admin would."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from stdnum import luhn

from app.auth.models import User
from app.employers.models import Employer, Tag
from app.employers.services import ContactData, EmployerData, add_contact, create_employer
from app.extensions import db
from app.referential.enums import HeadcountBand
from app.referential.models import Basin
from app.timeutils import today_paris

EMPLOYERS_PER_BASIN = 300

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

TAGGED_SHARE = 0.15
LOOK_ALIKES = 4
STREETS = ["de la Gare", "Jean Jaurès", "du Port", "des Artisans", "Victor Hugo", "de Paris", "du Commerce"]


def make_siret(rng: random.Random) -> str:
    """A SIRET that passes the Luhn check, as INSEE's do (La Poste aside)."""
    siren_body = "".join(rng.choice("0123456789") for _ in range(8))
    siren = siren_body + luhn.calc_check_digit(siren_body)
    nic_body = f"{rng.randint(1, 9999):04d}"
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


def weighted_choice(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


@dataclass
class DemoEmployers:
    by_basin: dict[int, list[Employer]] = field(default_factory=dict)
    contacts: int = 0
    tagged: int = 0


def build_demo_employers(rng: random.Random, admin: User, basins: list[Basin]) -> DemoEmployers:
    today = today_paris()
    tags = list(db.session.scalars(sa.select(Tag).order_by(Tag.code)))
    built = DemoEmployers()
    used_sirets: set[str] = set()
    for basin in basins:
        communes = sorted(basin.communes, key=lambda c: -(c.population or 0))
        commune_weights = [max(c.population or 1, 1) for c in communes]
        employers = built.by_basin.setdefault(basin.id, [])
        for index in range(EMPLOYERS_PER_BASIN):
            naf_code, _, patterns = weighted_choice(rng, [(a, a[1]) for a in ACTIVITIES])
            commune = rng.choices(communes, weights=commune_weights)[0]
            siret = make_siret(rng)
            while siret in used_sirets:
                siret = make_siret(rng)
            used_sirets.add(siret)
            name = rng.choice(patterns).format(n=rng.choice(SURNAMES), commune=commune.name)
            tag_ids = []
            if tags and rng.random() < TAGGED_SHARE:
                tag_ids = [tag.id for tag in rng.sample(tags, k=rng.choice([1, 1, 2]))]
                built.tagged += 1
            employer = create_employer(
                admin,
                EmployerData(
                    siret=siret,
                    name=name.upper() if rng.random() < 0.3 else name,
                    enseigne=name if rng.random() < 0.2 else None,
                    naf_code=naf_code,
                    headcount_band=weighted_choice(rng, HEADCOUNT_WEIGHTS),
                    street=f"{rng.randint(1, 120)} {rng.choice(['rue', 'avenue', 'boulevard', 'impasse'])} "
                    f"{rng.choice(STREETS)}",
                    postcode=(commune.postcodes.split() or [""])[0],
                    commune_insee=commune.insee_code,
                    tag_ids=tag_ids,
                ),
                # Common names repeat within a town ("Boulangerie Martin"): these are distinct
                # establishments, each with its own SIRET.
                duplicates_confirmed=True,
            )
            # The establishment's creation date comes from SIRENE, which no form asks for.
            employer.created_on = today - timedelta(days=rng.randint(30, 365 * 30))
            employers.append(employer)
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                add_contact(
                    employer,
                    ContactData(
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(SURNAMES),
                        job_title=rng.choice(JOB_TITLES),
                        phone=f"0{rng.randint(2, 7)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                        email=f"contact{index}@exemple.fr",
                        is_opposed_to_contact=rng.random() < 0.03,
                    ),
                )
                built.contacts += 1
    return built


def build_demo_look_alikes(rng: random.Random, admin: User) -> int:
    """Employers typed again by hand, without SIRET, as happens in real bases."""
    employers = list(db.session.scalars(sa.select(Employer).where(Employer.siret.is_not(None)).order_by(Employer.id)))
    for original in rng.sample(employers, k=min(LOOK_ALIKES, len(employers))):
        create_employer(
            admin,
            EmployerData(
                name=f"{original.name} SARL",
                street=original.street,
                postcode=original.postcode,
                commune_insee=original.commune_insee,
            ),
            # The point: the look-alike the form warns about, confirmed anyway.
            duplicates_confirmed=True,
        )
    return min(LOOK_ALIKES, len(employers))
