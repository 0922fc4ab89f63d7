"""recruitment needs life cycle, services, satisfaction, dashboard

Revision ID: 0500_needs
Revises: 0400_assignments
Create Date: 2026-11-22 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0500_needs"
down_revision = "0400_assignments"
branch_labels = None
depends_on = None

SERVICE_KINDS = (
    "pmsmp",
    "poei",
    "poec",
    "afpr",
    "mrs",
    "afest",
    "pcrh",
    "parcours_emploi_formation",
    "emploi_tutorat",
    "job_dating",
)
SERVICE_STATUSES = ("proposed", "in_progress", "done", "declined")


def upgrade():
    op.create_table(
        "need_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum(*SERVICE_KINDS, name="kind", native_enum=False, create_constraint=True), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum(*SERVICE_STATUSES, name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_need_services_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_need_services_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_services")),
        sa.UniqueConstraint("need_id", "kind", name=op.f("uq_need_services_need_id_kind")),
    )
    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("satisfaction_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("satisfaction_comment", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("satisfaction_recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("satisfaction_recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_recruitment_needs_closed_on", ["closed_on"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_recruitment_needs_satisfaction_recorded_by_id_users"),
            "users",
            ["satisfaction_recorded_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint("satisfaction_score_range", "satisfaction_score BETWEEN 1 AND 5")
        batch_op.create_check_constraint(
            "satisfaction_recorded_at_matches", "(satisfaction_score IS NULL) = (satisfaction_recorded_at IS NULL)"
        )
    # Covering indexes for the dashboard's activity figures (app/dashboard/models.py).
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interactions_dashboard_by_employer",
            ["employer_id", "occurred_on", "channel", "author_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_interactions_dashboard_by_day", ["occurred_on", "employer_id", "channel", "author_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_dashboard_by_day")
        batch_op.drop_index("ix_interactions_dashboard_by_employer")

    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.drop_constraint("satisfaction_recorded_at_matches", type_="check")
        batch_op.drop_constraint("satisfaction_score_range", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_recruitment_needs_satisfaction_recorded_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_index("ix_recruitment_needs_closed_on")
        batch_op.drop_column("satisfaction_recorded_by_id")
        batch_op.drop_column("satisfaction_recorded_at")
        batch_op.drop_column("satisfaction_comment")
        batch_op.drop_column("satisfaction_score")

    op.drop_table("need_services")
