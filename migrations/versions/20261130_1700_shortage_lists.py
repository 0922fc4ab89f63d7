"""shortage jobs per basin, as data

Revision ID: 1700_shortage_lists
Revises: 1600_naf_complete
Create Date: 2026-11-30 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1700_shortage_lists"
down_revision = "1600_naf_complete"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shortage_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("rome_code", sa.String(length=5), nullable=False),
        sa.Column("difficult_hires_share", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "difficult_hires_share IS NULL OR (difficult_hires_share >= 0 AND difficult_hires_share <= 100)",
            name=op.f("ck_shortage_jobs_difficult_hires_share_range"),
        ),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_shortage_jobs_basin_id_basins"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rome_code"], ["rome_codes.code"], name=op.f("fk_shortage_jobs_rome_code_rome_codes"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_shortage_jobs_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage_jobs")),
        sa.UniqueConstraint("basin_id", "rome_code", name="uq_shortage_jobs_basin_rome"),
    )
    with op.batch_alter_table("shortage_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shortage_jobs_rome_code"), ["rome_code"], unique=False)
    # Not in batch mode: rebuilding rome_codes on SQLite would drop a table that recruitment
    # needs reference (RESTRICT); SQLite 3.35+ drops an unconstrained column in place.
    op.drop_column("rome_codes", "is_in_shortage")


def downgrade() -> None:
    op.add_column("rome_codes", sa.Column("is_in_shortage", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("shortage_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shortage_jobs_rome_code"))
    op.drop_table("shortage_jobs")
