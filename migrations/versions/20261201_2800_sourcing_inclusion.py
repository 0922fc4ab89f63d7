"""sourcing_inclusion

Revision ID: 2800_sourcing_inclusion
Revises: 2700_services_catalogue
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2800_sourcing_inclusion"
down_revision = "2700_services_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "need_sourcings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Integer(), nullable=False),
        sa.Column("interviewed", sa.Integer(), nullable=False),
        sa.Column("hired", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("hired >= 0 AND hired <= interviewed", name=op.f("ck_need_sourcings_hired_range")),
        sa.CheckConstraint("interviewed <= proposed", name=op.f("ck_need_sourcings_interviewed_range")),
        sa.CheckConstraint("proposed <= 9999", name=op.f("ck_need_sourcings_proposed_bound")),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_need_sourcings_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_need_sourcings_operator_id_operators"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_need_sourcings_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_sourcings")),
        sa.UniqueConstraint("need_id", "operator_id", name=op.f("uq_need_sourcings_need_id_operator_id")),
    )
    with op.batch_alter_table("need_sourcings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_sourcings_operator_id"), ["operator_id"], unique=False)


def downgrade() -> None:
    op.drop_table("need_sourcings")
