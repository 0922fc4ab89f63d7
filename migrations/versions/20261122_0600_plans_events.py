"""prospection plans and events

Revision ID: 0600_plans_events
Revises: 0500_needs
Create Date: 2026-11-22 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0600_plans_events"
down_revision = "0500_needs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feeds",
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), server_default="1", nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_calendar_feeds_basin_id_basins"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rotated_by_id"], ["users.id"], name=op.f("fk_calendar_feeds_rotated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("basin_id", name=op.f("pk_calendar_feeds")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "job_dating",
                "reverse_job_dating",
                "job_fair",
                "info_session",
                "company_visit",
                "thematic",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column(
            "target_public",
            sa.Enum(
                "youth",
                "disabled",
                "rsa",
                "seniors",
                "executives",
                "all",
                name="target_public",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("partner_names", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum("planned", "held", "cancelled", name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("candidates_expected", sa.Integer(), server_default="0", nullable=False),
        sa.Column("candidates_attended", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "candidates_expected >= 0 AND candidates_attended >= 0", name=op.f("ck_events_candidates_not_negative")
        ),
        sa.CheckConstraint(
            "capacity IS NULL OR (candidates_expected <= capacity AND candidates_attended <= capacity)",
            name=op.f("ck_events_candidates_within_capacity"),
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name=op.f("ck_events_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_events_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_basin_id_starts_at", ["basin_id", "starts_at"], unique=False)
        batch_op.create_index("ix_events_starts_at", ["starts_at"], unique=False)
    op.create_table(
        "prospection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_list_size", sa.Integer(), server_default="100", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("list_built_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_prospection_plans_ends_after_start")),
        sa.CheckConstraint(
            "target_list_size >= 1 AND target_list_size <= 1000",
            name=op.f("ck_prospection_plans_target_list_size_range"),
        ),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_prospection_plans_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_prospection_plans_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospection_plans")),
    )
    with op.batch_alter_table("prospection_plans", schema=None) as batch_op:
        batch_op.create_index("ix_prospection_plans_basin_id_starts_on", ["basin_id", "starts_on"], unique=False)
        batch_op.create_index("ix_prospection_plans_starts_on_ends_on", ["starts_on", "ends_on"], unique=False)
    op.create_table(
        "event_operators",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_operators_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_event_operators_operator_id_operators"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("event_id", "operator_id", name=op.f("pk_event_operators")),
    )
    with op.batch_alter_table("event_operators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_operators_operator_id"), ["operator_id"], unique=False)
    op.create_table(
        "event_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("positions_offered", sa.Integer(), nullable=False),
        sa.Column("interviews", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hires", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("hires <= positions_offered", name=op.f("ck_event_participants_hires_within_positions")),
        sa.CheckConstraint("interviews >= 0 AND hires >= 0", name=op.f("ck_event_participants_results_not_negative")),
        sa.CheckConstraint("positions_offered >= 0", name=op.f("ck_event_participants_positions_offered_not_negative")),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_event_participants_employer_id_employers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_participants_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participants")),
        sa.UniqueConstraint("event_id", "employer_id", name="uq_event_participants_event_employer"),
    )
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_participants_employer_id"), ["employer_id"], unique=False)
    op.create_table(
        "plan_employers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("adviser_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("score_details", sa.JSON(), nullable=False),
        sa.Column("is_manual", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_excluded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviser_id"], ["users.id"], name=op.f("fk_plan_employers_adviser_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_plan_employers_employer_id_employers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["prospection_plans.id"],
            name=op.f("fk_plan_employers_plan_id_prospection_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_employers")),
        sa.UniqueConstraint("plan_id", "employer_id", name="uq_plan_employers_plan_employer"),
    )
    with op.batch_alter_table("plan_employers", schema=None) as batch_op:
        batch_op.create_index("ix_plan_employers_adviser_id_plan_id", ["adviser_id", "plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_employers_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index("ix_plan_employers_plan_id_score", ["plan_id", "score"], unique=False)
    op.create_table(
        "plan_owners",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["prospection_plans.id"],
            name=op.f("fk_plan_owners_plan_id_prospection_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plan_owners_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "user_id", name=op.f("pk_plan_owners")),
    )
    with op.batch_alter_table("plan_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_owners_user_id"), ["user_id"], unique=False)
    op.create_table(
        "plan_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "shortage_job",
                "naf_division",
                "headcount_band",
                "tag",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["prospection_plans.id"],
            name=op.f("fk_plan_segments_plan_id_prospection_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_segments")),
        sa.UniqueConstraint("plan_id", "kind", "value", name="uq_plan_segments_plan_kind_value"),
    )
    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "indicator",
            sa.Enum(
                "employers_contacted",
                "visits",
                "needs_identified",
                "positions_filled",
                "events_held",
                "event_hires",
                "employers_with_contact",
                name="indicator",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("target_value", sa.Integer(), nullable=False),
        sa.CheckConstraint("target_value >= 0", name=op.f("ck_plan_targets_target_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_plan_targets_operator_id_operators"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["prospection_plans.id"],
            name=op.f("fk_plan_targets_plan_id_prospection_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_targets")),
        sa.UniqueConstraint("plan_id", "indicator", "operator_id", name="uq_plan_targets_plan_indicator_operator"),
    )
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_targets_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index(
            "uq_plan_targets_plan_indicator_network",
            ["plan_id", "indicator"],
            unique=True,
            sqlite_where=sa.text("operator_id IS NULL"),
            postgresql_where=sa.text("operator_id IS NULL"),
        )
    op.create_table(
        "event_participant_needs",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("hires", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("hires >= 0", name=op.f("ck_event_participant_needs_hires_not_negative")),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_event_participant_needs_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["event_participants.id"],
            name=op.f("fk_event_participant_needs_participant_id_event_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", "need_id", name=op.f("pk_event_participant_needs")),
    )
    with op.batch_alter_table("event_participant_needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_participant_needs_need_id"), ["need_id"], unique=False)


def downgrade():
    with op.batch_alter_table("event_participant_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_participant_needs_need_id"))
    op.drop_table("event_participant_needs")
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_plan_targets_plan_indicator_network",
            sqlite_where=sa.text("operator_id IS NULL"),
            postgresql_where=sa.text("operator_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_plan_targets_operator_id"))
    op.drop_table("plan_targets")
    op.drop_table("plan_segments")
    with op.batch_alter_table("plan_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_owners_user_id"))
    op.drop_table("plan_owners")
    with op.batch_alter_table("plan_employers", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_employers_plan_id_score")
        batch_op.drop_index(batch_op.f("ix_plan_employers_employer_id"))
        batch_op.drop_index("ix_plan_employers_adviser_id_plan_id")
    op.drop_table("plan_employers")
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_participants_employer_id"))
    op.drop_table("event_participants")
    with op.batch_alter_table("event_operators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_operators_operator_id"))
    op.drop_table("event_operators")
    with op.batch_alter_table("prospection_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_prospection_plans_starts_on_ends_on")
        batch_op.drop_index("ix_prospection_plans_basin_id_starts_on")
    op.drop_table("prospection_plans")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_starts_at")
        batch_op.drop_index("ix_events_basin_id_starts_at")
    op.drop_table("events")
    op.drop_table("calendar_feeds")
