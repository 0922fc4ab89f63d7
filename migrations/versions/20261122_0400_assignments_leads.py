"""task forces, privileged contacts, spotters and leads

Revision ID: 0400_assignments
Revises: 0300_employers
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0400_assignments"
down_revision = "0300_employers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "spotter_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "cci",
                "cma",
                "chambre_agriculture",
                "opco",
                "ett",
                "urssaf",
                "organisation_professionnelle",
                "collectivite",
                "region",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_spotter_organisations_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotter_organisations")),
        sa.UniqueConstraint("basin_id", "name", name=op.f("uq_spotter_organisations_basin_id_name")),
    )
    with op.batch_alter_table("spotter_organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spotter_organisations_basin_id"), ["basin_id"], unique=False)

    op.create_table(
        "task_forces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_task_forces_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_forces")),
        sa.UniqueConstraint("basin_id", name=op.f("uq_task_forces_basin_id")),
    )
    op.create_table(
        "task_force_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("capacity", sa.Integer(), server_default="60", nullable=False),
        sa.Column("absent_until", sa.Date(), nullable=True),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_task_force_members_capacity_not_negative")),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_forces.id"],
            name=op.f("fk_task_force_members_task_force_id_task_forces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_task_force_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_force_members")),
        sa.UniqueConstraint("task_force_id", "user_id", name=op.f("uq_task_force_members_task_force_id_user_id")),
    )
    with op.batch_alter_table("task_force_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_force_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "handover_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "refused", name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_handover_requests_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_handover_requests_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_handover_requests_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_handover_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_requests")),
    )
    with op.batch_alter_table("handover_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_requests_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_requests_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index("ix_handover_requests_status_requested_at", ["status", "requested_at"], unique=False)
        batch_op.create_index(
            "uq_handover_requests_employer_id_pending",
            ["employer_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("spotter", "employeur", name="source", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("spotter_id", sa.Integer(), nullable=True),
        sa.Column("spotter_organisation_id", sa.Integer(), nullable=True),
        sa.Column("submitter_key", sa.String(length=300), nullable=False),
        sa.Column("dedup_key", sa.String(length=500), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("employer_name", sa.String(length=255), nullable=False),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        sa.Column("commune_name", sa.String(length=120), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column(
            "contract",
            sa.Enum(
                "cdi",
                "cdd",
                "interim",
                "alternance",
                "saisonnier",
                name="contract",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column(
            "urgency",
            sa.Enum("low", "normal", "high", name="urgency", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=160), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_consent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("new", "accepted", "merged", "rejected", name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "rejection_reason",
            sa.Enum(
                "duplicate",
                "out_of_basin",
                "not_a_hiring_need",
                "unreachable",
                name="rejection_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "siret IS NULL OR (length(siret) = 14 AND ltrim(siret, '0123456789') = '')",
            name=op.f("ck_leads_siret_format"),
        ),
        sa.CheckConstraint("contact_consent", name=op.f("ck_leads_contact_consent_given")),
        sa.CheckConstraint("positions >= 1", name=op.f("ck_leads_positions_positive")),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_leads_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_leads_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_leads_employer_id_employers"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["recruitment_needs.id"], name=op.f("fk_leads_need_id_recruitment_needs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["spotter_id"], ["users.id"], name=op.f("fk_leads_spotter_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["spotter_organisation_id"],
            ["spotter_organisations.id"],
            name=op.f("fk_leads_spotter_organisation_id_spotter_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_basin_id_status_created_at", ["basin_id", "status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_need_id"), ["need_id"], unique=False)
        batch_op.create_index("ix_leads_siret_status", ["siret", "status"], unique=False)
        batch_op.create_index("ix_leads_spotter_id_created_at", ["spotter_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_spotter_organisation_id"), ["spotter_organisation_id"], unique=False)
        batch_op.create_index(
            "uq_leads_submitter_key_dedup_key_new",
            ["submitter_key", "dedup_key"],
            unique=True,
            sqlite_where=sa.text("status = 'new'"),
            postgresql_where=sa.text("status = 'new'"),
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spotter_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_spotter_organisation_id"), ["spotter_organisation_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_spotter_organisation_id_spotter_organisations"),
            "spotter_organisations",
            ["spotter_organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_users_spotter_organisation_id_spotter_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_users_spotter_organisation_id"))
        batch_op.drop_column("spotter_organisation_id")

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_leads_submitter_key_dedup_key_new",
            sqlite_where=sa.text("status = 'new'"),
            postgresql_where=sa.text("status = 'new'"),
        )
        batch_op.drop_index(batch_op.f("ix_leads_spotter_organisation_id"))
        batch_op.drop_index("ix_leads_spotter_id_created_at")
        batch_op.drop_index("ix_leads_siret_status")
        batch_op.drop_index(batch_op.f("ix_leads_need_id"))
        batch_op.drop_index(batch_op.f("ix_leads_employer_id"))
        batch_op.drop_index("ix_leads_basin_id_status_created_at")

    op.drop_table("leads")
    with op.batch_alter_table("handover_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_handover_requests_employer_id_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index("ix_handover_requests_status_requested_at")
        batch_op.drop_index(batch_op.f("ix_handover_requests_employer_id"))
        batch_op.drop_index(batch_op.f("ix_handover_requests_assignment_id"))

    op.drop_table("handover_requests")
    with op.batch_alter_table("task_force_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_force_members_user_id"))

    op.drop_table("task_force_members")
    op.drop_table("task_forces")
    with op.batch_alter_table("spotter_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spotter_organisations_basin_id"))

    op.drop_table("spotter_organisations")
