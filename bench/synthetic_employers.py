"""Synthetic establishments at scale, shared by the employers benchmarks.

Valid SIRETs (Luhn), a realistic mix of activities and headcount bands (over 95 % with
fewer than 10 employees), names built from trades, surnames and places, spread over the
seeded basins' communes. Deterministic for a given seed.
"""

import random
from collections.abc import Iterator

import sqlalchemy as sa
from stdnum import luhn

from app.text import normalize_for_search
from seeds.demo.employers import SURNAMES as DEMO_SURNAMES

TRADES = [
    ("56.10A", "Restaurant"),
    ("56.10C", "Pizzeria"),
    ("56.30Z", "Café"),
    ("10.71C", "Boulangerie"),
    ("47.11D", "Supérette"),
    ("45.20A", "Garage"),
    ("43.21A", "Électricité"),
    ("43.22A", "Plomberie"),
    ("43.32A", "Menuiserie"),
    ("41.20A", "Construction"),
    ("49.41A", "Transports"),
    ("52.29A", "Logistique"),
    ("86.21Z", "Cabinet médical"),
    ("88.10A", "Aide à domicile"),
    ("96.02A", "Salon de coiffure"),
    ("62.01Z", "Informatique"),
    ("69.20Z", "Cabinet comptable"),
    ("25.62B", "Mécanique"),
    ("55.10Z", "Hôtel"),
    ("81.21Z", "Nettoyage"),
]
# The demo's surnames and more, so that names at scale repeat less.
SURNAMES = [
    *DEMO_SURNAMES,
    "Lefèbvre",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "Lopez",
    "Jean",
]
SUFFIXES = ["", "", "", " et Fils", " SARL", " SAS", " & Cie", " Frères", " de l'Estuaire", " du Centre", " Services"]
# INSEE headcount bands with weights: most establishments are very small.
BANDS = [(None, 20), ("NN", 25), ("00", 15), ("01", 18), ("02", 9), ("03", 6), ("11", 3.5), ("12", 2.2), ("21", 0.8)]
BANDS += [("22", 0.3), ("31", 0.08), ("32", 0.07), ("41", 0.03), ("42", 0.01), ("51", 0.005)]
STREETS = ["rue de la Gare", "avenue Jean Jaurès", "rue du Port", "boulevard Victor Hugo", "rue des Artisans"]


def siret_of(index: int, nic: int = 1) -> str:
    """A valid, unique SIRET for each index (SIRENs from 100000000 upwards)."""
    body = f"{10_000_000 + index:08d}"
    siren = body + luhn.calc_check_digit(body)
    nic_body = f"{nic:04d}"
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


def communes(connection) -> list[tuple[str, str, str, int]]:
    """(insee_code, name, postcode, basin_id) of every seeded commune."""
    rows = connection.execute(
        sa.text("SELECT insee_code, name, postcodes, basin_id FROM communes WHERE basin_id IS NOT NULL ORDER BY 1")
    )
    return [(code, name, (postcodes.split() or ["00000"])[0], basin_id) for code, name, postcodes, basin_id in rows]


def employer_rows(count: int, commune_list, seed: int = 2026) -> Iterator[dict]:
    rng = random.Random(seed)
    band_values = [b for b, _ in BANDS]
    band_weights = [w for _, w in BANDS]
    for index in range(count):
        naf_code, trade = TRADES[rng.randrange(len(TRADES))]
        name = f"{trade} {rng.choice(SURNAMES)}{rng.choice(SUFFIXES)}"
        enseigne = f"{trade} {rng.choice(SURNAMES)}" if rng.random() < 0.15 else None
        insee, commune_name, postcode, basin_id = commune_list[rng.randrange(len(commune_list))]
        siret = siret_of(index)
        yield {
            "siret": siret,
            "siren": siret[:9],
            "name": name,
            "enseigne": enseigne,
            "search_name": normalize_for_search(" ".join(filter(None, [name, enseigne, commune_name]))),
            "naf_code": naf_code,
            "headcount_band": rng.choices(band_values, band_weights)[0],
            "street": f"{rng.randint(1, 150)} {rng.choice(STREETS)}",
            "postcode": postcode,
            "commune_insee": insee,
            "commune_name": commune_name,
            "basin_id": basin_id,
            "source": "sirene",
            "version": 1,
        }
