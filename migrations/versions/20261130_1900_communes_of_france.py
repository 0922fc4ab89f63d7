"""communes of France, régions, départements, EPCI; basins may close

Revision ID: 1900_communes_of_france
Revises: 1800_invitations
Create Date: 2026-11-30 19:00:00
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "1900_communes_of_france"
down_revision = "1800_invitations"
branch_labels = None
depends_on = None

# Basins now point at their département and région: both lists must be there first. They are
# the Code officiel géographique's, the same files `flask seed reference` keeps up to date.
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def upgrade() -> None:
    regions = op.create_table(
        "regions",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    departements = op.create_table(
        "departements",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_departements_region_code_regions"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departements")),
    )
    with op.batch_alter_table("departements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departements_region_code"), ["region_code"], unique=False)
    op.create_table(
        "epcis",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_epcis")),
    )
    op.bulk_insert(regions, _rows("regions.csv"))
    op.bulk_insert(departements, _rows("departements.csv"))

    op.create_table(
        "communes",
        sa.Column("insee_code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("search_name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("postcodes", sa.String(length=200), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("departement_code", sa.String(length=3), nullable=True),
        sa.Column("epci_code", sa.String(length=9), nullable=True),
        sa.Column("basin_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(insee_code) = 5", name=op.f("ck_communes_insee_code_length")),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_communes_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["departement_code"],
            ["departements.code"],
            name=op.f("fk_communes_departement_code_departements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["epci_code"], ["epcis.code"], name=op.f("fk_communes_epci_code_epcis"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("insee_code", name=op.f("pk_communes")),
    )
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communes_basin_id"), ["basin_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_communes_departement_code"), ["departement_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_communes_epci_code"), ["epci_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_communes_search_name"), ["search_name"], unique=False)
    # The basins' communes carry over; `flask seed reference` adds the others and their EPCI.
    op.execute(
        "INSERT INTO communes (insee_code, name, postcodes, population, basin_id) "
        "SELECT insee_code, name, postcodes, population, basin_id FROM basin_communes"
    )
    op.drop_table("basin_communes")

    with op.batch_alter_table("basins", schema=None) as batch_op:
        batch_op.drop_index("ix_basins_departement")
        batch_op.drop_index("ix_basins_region")
        batch_op.alter_column("departement", new_column_name="departement_code", existing_type=sa.String(length=3))
        batch_op.alter_column("region", new_column_name="region_code", existing_type=sa.String(length=3))
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("basins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basins_departement_code"), ["departement_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_basins_region_code"), ["region_code"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_basins_departement_code_departements"),
            "departements",
            ["departement_code"],
            ["code"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_basins_region_code_regions"), "regions", ["region_code"], ["code"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("basins", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_basins_region_code_regions"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_basins_departement_code_departements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_basins_region_code"))
        batch_op.drop_index(batch_op.f("ix_basins_departement_code"))
        batch_op.drop_column("closed_on")
        batch_op.alter_column("region_code", new_column_name="region", existing_type=sa.String(length=3))
        batch_op.alter_column("departement_code", new_column_name="departement", existing_type=sa.String(length=3))
    with op.batch_alter_table("basins", schema=None) as batch_op:
        batch_op.create_index("ix_basins_departement", ["departement"], unique=False)
        batch_op.create_index("ix_basins_region", ["region"], unique=False)

    op.create_table(
        "basin_communes",
        sa.Column("insee_code", sa.String(length=5), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("postcodes", sa.String(length=120), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(insee_code) = 5", name=op.f("ck_basin_communes_insee_code_length")),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_basin_communes_basin_id_basins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("insee_code", name=op.f("pk_basin_communes")),
    )
    with op.batch_alter_table("basin_communes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basin_communes_basin_id"), ["basin_id"], unique=False)
    op.execute(
        "INSERT INTO basin_communes (insee_code, basin_id, name, postcodes, population) "
        "SELECT insee_code, basin_id, name, postcodes, population FROM communes WHERE basin_id IS NOT NULL"
    )
    op.drop_table("communes")
    op.drop_table("epcis")
    op.drop_table("departements")
    op.drop_table("regions")
