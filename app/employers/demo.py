"""Demo data of the employers package: tags, and a few look-alikes for the duplicates page."""

import random

import sqlalchemy as sa

from app.employers.enums import EmployerSource
from app.employers.models import Employer, Tag
from app.extensions import db

TAGGED_SHARE = 0.15
LOOK_ALIKES = 4


def build_demo_employers(rng: random.Random) -> dict[str, int]:
    tags = list(db.session.scalars(sa.select(Tag).order_by(Tag.code)))
    employers = list(db.session.scalars(sa.select(Employer).order_by(Employer.id)))
    tagged = 0
    for employer in employers:
        if tags and rng.random() < TAGGED_SHARE:
            employer.tags = rng.sample(tags, k=rng.choice([1, 1, 2]))
            tagged += 1
    # Employers typed again by hand, without SIRET, as happens in real bases.
    for original in rng.sample(employers, k=min(LOOK_ALIKES, len(employers))):
        db.session.add(
            Employer(
                name=f"{original.name} SARL",
                street=original.street,
                postcode=original.postcode,
                commune_insee=original.commune_insee,
                commune_name=original.commune_name,
                basin_id=original.basin_id,
                source=EmployerSource.MANUAL,
            )
        )
    db.session.flush()
    return {"entreprises étiquetées": tagged, "doublons à fusionner": min(LOOK_ALIKES, len(employers))}
