"""steering

The steering role (a territory: a département or a région), the committees of the basins (meetings
with their frozen figures, actions, needs escalated to the département) and the monthly report's
recipients without an account (the committees' co-chairs).

Revision ID: 3000_steering
Revises: 2900_retention_surveys
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3000_steering"
down_revision = "2900_retention_surveys"
branch_labels = None
depends_on = None

ROLES_BEFORE = ("adviser", "taskforce_lead", "manager", "admin", "spotter")
ROLES_AFTER = (*ROLES_BEFORE, "steering")
TERRITORY = (
    "(role = 'steering' AND (steering_departement_code IS NULL) <> (steering_region_code IS NULL))"
    " OR (role <> 'steering' AND steering_departement_code IS NULL AND steering_region_code IS NULL)"
)


def _role_check(roles) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("steering_departement_code", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("steering_region_code", sa.String(length=3), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_steering_departement_code"), ["steering_departement_code"])
        batch_op.create_index(batch_op.f("ix_users_steering_region_code"), ["steering_region_code"])
        batch_op.create_foreign_key(
            batch_op.f("fk_users_steering_departement_code_departements"),
            "departements",
            ["steering_departement_code"],
            ["code"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_users_steering_region_code_regions"),
            "regions",
            ["steering_region_code"],
            ["code"],
            ondelete="RESTRICT",
        )
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), _role_check(ROLES_AFTER))
        batch_op.create_check_constraint(batch_op.f("ck_users_steering_territory"), TERRITORY)

    op.create_table(
        "committee_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_committee_meetings_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_committee_meetings_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_meetings")),
        sa.UniqueConstraint("basin_id", "held_on", name=op.f("uq_committee_meetings_basin_id_held_on")),
    )
    with op.batch_alter_table("committee_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_meetings_created_by_id"), ["created_by_id"])

    op.create_table(
        "committee_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=500), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_organisation", sa.String(length=160), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "done", "dropped", name="action_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "owner_user_id IS NOT NULL OR owner_organisation IS NOT NULL", name=op.f("ck_committee_actions_has_owner")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committee_meetings.id"],
            name=op.f("fk_committee_actions_meeting_id_committee_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["users.id"], name=op.f("fk_committee_actions_owner_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_actions")),
    )
    with op.batch_alter_table("committee_actions", schema=None) as batch_op:
        batch_op.create_index("ix_committee_actions_meeting_id_status", ["meeting_id", "status"])
        batch_op.create_index(batch_op.f("ix_committee_actions_owner_user_id"), ["owner_user_id"])

    op.create_table(
        "need_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committee_meetings.id"],
            name=op.f("fk_need_escalations_meeting_id_committee_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_need_escalations_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_escalations")),
        sa.UniqueConstraint("need_id", name=op.f("uq_need_escalations_need_id")),
    )
    with op.batch_alter_table("need_escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_escalations_meeting_id"), ["meeting_id"])

    op.create_table(
        "report_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("last_sent_month", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_report_recipients_email_lowercase")),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_report_recipients_basin_id_basins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_recipients")),
        sa.UniqueConstraint("basin_id", "email", name=op.f("uq_report_recipients_basin_id_email")),
    )


def downgrade() -> None:
    op.drop_table("report_recipients")
    op.drop_table("need_escalations")
    op.drop_table("committee_actions")
    op.drop_table("committee_meetings")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_steering_territory"), type_="check")
    # A steering account has no role before this revision: it is kept, closed, as a manager of no basin.
    op.execute(
        "UPDATE users SET role = 'manager', is_active = false, steering_departement_code = NULL,"
        " steering_region_code = NULL WHERE role = 'steering'"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), _role_check(ROLES_BEFORE))
        batch_op.drop_constraint(batch_op.f("fk_users_steering_region_code_regions"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_users_steering_departement_code_departements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_steering_region_code"))
        batch_op.drop_index(batch_op.f("ix_users_steering_departement_code"))
        batch_op.drop_column("steering_region_code")
        batch_op.drop_column("steering_departement_code")
