"""scheduled reminders, outbox and job runs

Revision ID: 0700_reminders
Revises: 0600_plans_events
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0700_reminders"
down_revision = "0600_plans_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_locks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_locks")),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column(
            "trigger",
            sa.Enum("schedule", "catch_up", "manual", name="trigger", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "requested", "running", "succeeded", "failed", name="status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("host", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "finished_at IS NULL OR finished_at >= started_at", name=op.f("ck_job_runs_finishes_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_job_runs_requested_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index("ix_job_runs_job_id_created_at", ["job_id", "created_at"], unique=False)
        batch_op.create_index("ix_job_runs_status", ["status"], unique=False)
        batch_op.create_index(
            "uq_job_runs_job_id_requested",
            ["job_id"],
            unique=True,
            sqlite_where=sa.text("status = 'requested'"),
            postgresql_where=sa.text("status = 'requested'"),
        )

    op.create_table(
        "monthly_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("basin_names", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_monthly_reports_manager_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_reports")),
        sa.UniqueConstraint("manager_id", "month", name=op.f("uq_monthly_reports_manager_id_month")),
    )
    op.create_table(
        "outbox_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("attachment_name", sa.String(length=120), nullable=True),
        sa.Column("attachment_html", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'sent') = (sent_at IS NOT NULL)", name=op.f("ck_outbox_emails_sent_at_matches_status")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_emails_attempts_positive")),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_outbox_emails_recipient_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_emails")),
    )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_emails_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_emails_recipient_id"), ["recipient_id"], unique=False)
        batch_op.create_index("ix_outbox_emails_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "sent_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_sent_items_recipient_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_items")),
        sa.UniqueConstraint(
            "job_id", "recipient_id", "period_key", name=op.f("uq_sent_items_job_id_recipient_id_period_key")
        ),
    )
    with op.batch_alter_table("sent_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_items_recipient_id"), ["recipient_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wants_email_digest", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("wants_email_digest")

    with op.batch_alter_table("sent_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_items_recipient_id"))
    op.drop_table("sent_items")

    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_emails_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outbox_emails_recipient_id"))
        batch_op.drop_index("ix_outbox_emails_created_at")
    op.drop_table("outbox_emails")

    op.drop_table("monthly_reports")

    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_job_runs_job_id_requested",
            sqlite_where=sa.text("status = 'requested'"),
            postgresql_where=sa.text("status = 'requested'"),
        )
        batch_op.drop_index("ix_job_runs_status")
        batch_op.drop_index("ix_job_runs_job_id_created_at")
    op.drop_table("job_runs")

    op.drop_table("scheduler_locks")
