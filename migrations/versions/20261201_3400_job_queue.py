"""job_queue

Revision ID: 3400_job_queue
Revises: 3300_search_imports_scale
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3400_job_queue"
down_revision = "3300_search_imports_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queued_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "done", "failed", name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "attempts >= 0 AND attempts <= max_attempts", name=op.f("ck_queued_jobs_attempts_within_max")
        ),
        sa.CheckConstraint("max_attempts >= 1", name=op.f("ck_queued_jobs_max_attempts_positive")),
        sa.CheckConstraint(
            "status <> 'running' OR locked_until IS NOT NULL", name=op.f("ck_queued_jobs_running_has_lease")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_jobs")),
    )
    with op.batch_alter_table("queued_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_queued_jobs_status_run_after", ["status", "run_after"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("queued_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_queued_jobs_status_run_after")
    op.drop_table("queued_jobs")
