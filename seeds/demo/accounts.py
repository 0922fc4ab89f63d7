"""The demo accounts the README lists: an admin, and per pilot basin one account per role,
plus a Cap emploi and an APEC adviser so that the task force's suggestions have specialists."""

from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import create_user
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Operator

DEMO_PASSWORD = "Relais-Demo-2026!"
DEMO_DOMAIN = "demo.relais-entreprises.fr"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

BASIN_SLUGS = {"5219": "saint-nazaire", "5211": "laval", "2702": "auxerre"}

# (e-mail prefix, name, role, operator kind or None)
STAFF = [
    ("conseiller", "Claire Conseillère", Role.ADVISER, OperatorKind.FRANCE_TRAVAIL),
    ("conseiller.ml", "Karim Conseiller ML", Role.ADVISER, OperatorKind.MISSION_LOCALE),
    ("pilote", "Paul Pilote", Role.TASKFORCE_LEAD, OperatorKind.FRANCE_TRAVAIL),
    ("manager", "Monique Manager", Role.MANAGER, None),
    ("repereur", "Romain Repéreur", Role.SPOTTER, None),
]
SPECIALISTS = [
    ("conseiller.cap", "Céline Conseillère Cap emploi", Role.ADVISER, OperatorKind.CAP_EMPLOI),
    ("conseiller.apec", "Antoine Consultant APEC", Role.ADVISER, OperatorKind.APEC),
]


def build_demo_accounts(basins: list[Basin], operators: list[Operator]) -> list[User]:
    users = [
        create_user(
            email=ADMIN_EMAIL,
            full_name="Agnès Administratrice",
            password=DEMO_PASSWORD,
            role=Role.ADMIN,
            operator=None,
            basins=[],
        )
    ]
    # Pilotage territorial of the région of the Pays de la Loire pilots (Saint-Nazaire, Laval).
    users.append(
        create_user(
            email=f"pilotage.pays-de-la-loire@{DEMO_DOMAIN}",
            full_name="Sophie Pilotage territorial (DREETS Pays de la Loire)",
            password=DEMO_PASSWORD,
            role=Role.STEERING,
            operator=None,
            basins=[],
            territory=("region", "52"),
        )
    )
    by_basin_kind = {(basin.id, operator.kind): operator for operator in operators for basin in operator.basins}
    for specs in (STAFF, SPECIALISTS):
        for basin in basins:
            slug = BASIN_SLUGS.get(basin.code, basin.code)
            for prefix, name, role, kind in specs:
                operator = by_basin_kind.get((basin.id, kind)) if kind else None
                if kind and operator is None:
                    continue
                users.append(
                    create_user(
                        email=f"{prefix}.{slug}@{DEMO_DOMAIN}",
                        full_name=f"{name} ({basin.name})",
                        password=DEMO_PASSWORD,
                        role=role,
                        operator=operator,
                        basins=[basin],
                    )
                )
    return users
