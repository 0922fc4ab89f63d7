"""territory_averages: the départements' and régions' averages kept by their hourly job, so that a
basin's dashboard does not read its whole région.

Revision ID: 3600_territory_averages
Revises: 3500_updated_since_indexes
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3600_territory_averages"
down_revision = "3500_updated_since_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "territory_averages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("basin_count", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("basin_count > 0", name=op.f("ck_territory_averages_basin_count_positive")),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_territory_averages_period_in_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory_averages")),
        sa.UniqueConstraint("territory", "period_start", "period_end", name="uq_territory_averages_period"),
    )
    with op.batch_alter_table("territory_averages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_territory_averages_computed_at"), ["computed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("territory_averages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_territory_averages_computed_at"))
    op.drop_table("territory_averages")
