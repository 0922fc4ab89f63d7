"""unhandled errors grouped by cause

Revision ID: 1300_error_reports
Revises: 1200_outbox_message_id
Create Date: 2026-11-30 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1300_error_reports"
down_revision = "1200_outbox_message_id"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "error_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("exception_type", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("route", sa.String(length=300), nullable=True),
        sa.Column("traceback", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("last_request_id", sa.String(length=64), nullable=True),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerted_occurrences", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("occurrences >= 1", name=op.f("ck_error_reports_occurrences_positive")),
        sa.CheckConstraint(
            "alerted_occurrences <= occurrences", name=op.f("ck_error_reports_alerted_within_occurrences")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_reports")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_error_reports_fingerprint")),
    )
    with op.batch_alter_table("error_reports", schema=None) as batch_op:
        batch_op.create_index("ix_error_reports_last_seen_at", ["last_seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("error_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_error_reports_last_seen_at")
    op.drop_table("error_reports")
