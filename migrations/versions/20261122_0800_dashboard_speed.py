"""dashboard speed: the employer's basin copied onto interactions and recruitment needs, indexes per basin

Revision ID: 0800_dashboard_speed
Revises: 0700_reminders
Create Date: 2026-11-22 08:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0800_dashboard_speed"
down_revision = "0700_reminders"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basin_id", sa.Integer(), nullable=True))
    # Existing contacts take their employer's basin; the ORM keeps it right from now on.
    op.execute(
        "UPDATE interactions SET basin_id = (SELECT employers.basin_id FROM employers "
        "WHERE employers.id = interactions.employer_id)"
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.alter_column("basin_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_interactions_basin_id_basins"), "basins", ["basin_id"], ["id"], ondelete="RESTRICT"
        )
        # Replaces the two covering indexes of 0500 (by employer, by day): a basin's or a
        # région's contacts are now one index range per basin, with no join to employers.
        batch_op.drop_index("ix_interactions_dashboard_by_day")
        batch_op.drop_index("ix_interactions_dashboard_by_employer")
        batch_op.create_index(
            "ix_interactions_dashboard_by_basin",
            ["basin_id", "occurred_on", "author_id", "channel", "employer_id"],
            unique=False,
        )

    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basin_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE recruitment_needs SET basin_id = (SELECT employers.basin_id FROM employers "
        "WHERE employers.id = recruitment_needs.employer_id)"
    )
    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.alter_column("basin_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_recruitment_needs_basin_id_basins"), "basins", ["basin_id"], ["id"], ondelete="RESTRICT"
        )
        # A basin's or a région's needs: one index range per basin, with no join to employers.
        batch_op.create_index(
            "ix_recruitment_needs_basin_id_identified_on", ["basin_id", "identified_on"], unique=False
        )
        batch_op.create_index("ix_recruitment_needs_basin_id_closed_on", ["basin_id", "closed_on"], unique=False)

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basin_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE assignments SET basin_id = (SELECT employers.basin_id FROM employers "
        "WHERE employers.id = assignments.employer_id)"
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.alter_column("basin_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_basin_id_basins"), "basins", ["basin_id"], ["id"], ondelete="RESTRICT"
        )
        # The privileged contacts of a basin per operator, counted from this index alone.
        batch_op.create_index(
            "ix_assignments_basin_id_operator_id_active",
            ["basin_id", "operator_id"],
            unique=False,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_assignments_basin_id_operator_id_active",
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_constraint(batch_op.f("fk_assignments_basin_id_basins"), type_="foreignkey")
        batch_op.drop_column("basin_id")

    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.drop_index("ix_recruitment_needs_basin_id_closed_on")
        batch_op.drop_index("ix_recruitment_needs_basin_id_identified_on")
        batch_op.drop_constraint(batch_op.f("fk_recruitment_needs_basin_id_basins"), type_="foreignkey")
        batch_op.drop_column("basin_id")

    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_dashboard_by_basin")
        batch_op.create_index(
            "ix_interactions_dashboard_by_employer",
            ["employer_id", "occurred_on", "channel", "author_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_interactions_dashboard_by_day", ["occurred_on", "employer_id", "channel", "author_id"], unique=False
        )
        batch_op.drop_constraint(batch_op.f("fk_interactions_basin_id_basins"), type_="foreignkey")
        batch_op.drop_column("basin_id")
