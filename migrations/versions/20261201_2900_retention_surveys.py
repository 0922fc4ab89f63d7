"""Retention checks after a hire, employers' satisfaction surveys, introductions of the privileged contact

Revision ID: 2900_retention_surveys
Revises: 2800_sourcing_inclusion
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2900_retention_surveys"
down_revision = "2800_sourcing_inclusion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
    op.create_table(
        "employer_introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_employer_introductions_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["employer_contacts.id"],
            name=op.f("fk_employer_introductions_contact_id_employer_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_introductions_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_introductions")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_employer_introductions_assignment_id")),
    )
    with op.batch_alter_table("employer_introductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_introductions_employer_id"), ["employer_id"], unique=False)

    op.create_table(
        "employer_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("would_recommend", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(answered_at IS NULL) = (score IS NULL)", name=op.f("ck_employer_surveys_answered_at_matches")
        ),
        sa.CheckConstraint("(need_id IS NULL) <> (event_id IS NULL)", name=op.f("ck_employer_surveys_need_or_event")),
        sa.CheckConstraint("expires_at > sent_at", name=op.f("ck_employer_surveys_expires_after_sent")),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_employer_surveys_score_range")),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_employer_surveys_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["employer_contacts.id"],
            name=op.f("fk_employer_surveys_contact_id_employer_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_surveys_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_employer_surveys_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_employer_surveys_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_employer_surveys_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_surveys")),
        sa.UniqueConstraint("event_id", "employer_id", name=op.f("uq_employer_surveys_event_id_employer_id")),
        sa.UniqueConstraint("need_id", name=op.f("uq_employer_surveys_need_id")),
    )
    with op.batch_alter_table("employer_surveys", schema=None) as batch_op:
        batch_op.create_index("ix_employer_surveys_basin_id_sent_at", ["basin_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_employer_surveys_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_employer_surveys_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_employer_surveys_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index("ix_employer_surveys_sent_at", ["sent_at"], unique=False)

    op.create_table(
        "retention_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("trial", "six_months", name="kind", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("hires", sa.Integer(), nullable=False),
        sa.Column("adviser_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column(
            "answer",
            sa.Enum("held", "partly", "not_held", name="answer", native_enum=False, create_constraint=True, length=8),
            nullable=True,
        ),
        sa.Column("still_in_post", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer IS NULL OR (answer = 'held' AND still_in_post = hires) OR (answer = 'not_held' AND still_in_post = 0) OR (answer = 'partly' AND still_in_post > 0 AND still_in_post < hires)",
            name=op.f("ck_retention_checks_still_in_post_matches_answer"),
        ),
        sa.CheckConstraint(
            "(answer IS NULL) = (answered_at IS NULL)", name=op.f("ck_retention_checks_answered_at_matches")
        ),
        sa.CheckConstraint("hires >= 1", name=op.f("ck_retention_checks_hires_positive")),
        sa.ForeignKeyConstraint(
            ["adviser_id"], ["users.id"], name=op.f("fk_retention_checks_adviser_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_retention_checks_answered_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_retention_checks_follow_up_id_follow_ups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_retention_checks_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_retention_checks_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_checks")),
        sa.UniqueConstraint("need_id", "kind", name=op.f("uq_retention_checks_need_id_kind")),
    )
    with op.batch_alter_table("retention_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_checks_adviser_id"), ["adviser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_checks_follow_up_id"), ["follow_up_id"], unique=False)
        batch_op.create_index("ix_retention_checks_kind_due_on", ["kind", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_checks_operator_id"), ["operator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("retention_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_checks_operator_id"))
        batch_op.drop_index("ix_retention_checks_kind_due_on")
        batch_op.drop_index(batch_op.f("ix_retention_checks_follow_up_id"))
        batch_op.drop_index(batch_op.f("ix_retention_checks_adviser_id"))

    op.drop_table("retention_checks")
    with op.batch_alter_table("employer_surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_employer_surveys_sent_at")
        batch_op.drop_index(batch_op.f("ix_employer_surveys_operator_id"))
        batch_op.drop_index(batch_op.f("ix_employer_surveys_employer_id"))
        batch_op.drop_index(batch_op.f("ix_employer_surveys_contact_id"))
        batch_op.drop_index("ix_employer_surveys_basin_id_sent_at")

    op.drop_table("employer_surveys")
    with op.batch_alter_table("employer_introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_introductions_employer_id"))

    op.drop_table("employer_introductions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phone")
