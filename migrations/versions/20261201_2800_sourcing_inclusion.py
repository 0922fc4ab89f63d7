"""sourcing_inclusion

Revision ID: 2800_sourcing_inclusion
Revises: 2700_services_catalogue
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "2800_sourcing_inclusion"
down_revision = "2700_services_catalogue"
branch_labels = None
depends_on = None


PUBLICS = ("rsa", "disabled", "youth", "seniors", "qpv", "long_term_unemployed", "executives")
# The single public of old: its values, "all" (no public in particular) among them.
PLAN_INDICATORS = (
    "employers_contacted",
    "visits",
    "needs_identified",
    "positions_filled",
    "events_held",
    "event_hires",
    "employers_with_contact",
    "solutions_delivered",
    "poe_small_employers",
)
TARGET_PUBLICS = ("youth", "disabled", "rsa", "seniors", "executives", "all")


def _check_enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


@contextmanager
def _plan_targets_indicators(indicators: tuple[str, ...]) -> Iterator:
    """Rebuild plan_targets with another list of indicators; its partial unique index is dropped and
    made again explicitly, so that batch mode cannot lose its WHERE on SQLite."""
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.drop_index("uq_plan_targets_plan_indicator_network")
        batch_op.drop_constraint("indicator", type_="check")
        batch_op.alter_column(
            "indicator",
            type_=_check_enum("indicator", indicators),
            existing_type=sa.String(length=22),
            existing_nullable=False,
        )
        yield batch_op
        batch_op.create_index(
            "uq_plan_targets_plan_indicator_network",
            ["plan_id", "indicator"],
            unique=True,
            sqlite_where=sa.text("operator_id IS NULL"),
            postgresql_where=sa.text("operator_id IS NULL"),
        )


def upgrade() -> None:
    # A need targets several publics: one row per public; "all" becomes no row.
    op.create_table(
        "need_publics",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("public", _check_enum("public", PUBLICS), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_need_publics_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("need_id", "public", name=op.f("pk_need_publics")),
    )
    with op.batch_alter_table("need_publics", schema=None) as batch_op:
        batch_op.create_index("ix_need_publics_public_need_id", ["public", "need_id"], unique=False)
    op.create_table(
        "need_public_hires",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("public", _check_enum("public", PUBLICS), nullable=False),
        sa.Column("hires", sa.Integer(), nullable=False),
        sa.CheckConstraint("hires >= 1", name=op.f("ck_need_public_hires_hires_positive")),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["recruitment_needs.id"],
            name=op.f("fk_need_public_hires_need_id_recruitment_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("need_id", "public", name=op.f("pk_need_public_hires")),
    )
    op.execute(
        "INSERT INTO need_publics (need_id, public) "
        "SELECT id, target_public FROM recruitment_needs WHERE target_public <> 'all'"
    )
    # Batch mode rebuilds the table on SQLite; migrations/env.py keeps foreign keys off meanwhile.
    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.drop_constraint("target_public", type_="check")
        batch_op.drop_column("target_public")

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

    op.create_table(
        "employer_engagements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("kind", _check_enum("kind", ("club", "charter")), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_employer_engagements_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_engagements_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_employer_engagements_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_engagements")),
    )
    with op.batch_alter_table("employer_engagements", schema=None) as batch_op:
        batch_op.create_index(
            "uq_employer_engagements_open",
            ["employer_id", "kind"],
            unique=True,
            postgresql_where=sa.text("ends_on IS NULL"),
            sqlite_where=sa.text("ends_on IS NULL"),
        )
        batch_op.create_index(
            "ix_employer_engagements_employer_id_starts_on", ["employer_id", "starts_on"], unique=False
        )

    op.create_table(
        "event_public_hires",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("public", _check_enum("public", PUBLICS), nullable=False),
        sa.Column("hires", sa.Integer(), nullable=False),
        sa.CheckConstraint("hires >= 1", name=op.f("ck_event_public_hires_hires_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_public_hires_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "public", name=op.f("pk_event_public_hires")),
    )

    # Plans: the engaged employers as an indicator, and targets relative to the value at the start.
    with _plan_targets_indicators((*PLAN_INDICATORS, "employers_engaged")) as batch_op:
        batch_op.add_column(sa.Column("factor", sa.Numeric(precision=4, scale=2), nullable=True))
        batch_op.create_check_constraint("factor_positive", "factor IS NULL OR factor > 0")


def downgrade() -> None:
    op.execute("DELETE FROM plan_targets WHERE indicator = 'employers_engaged'")
    with _plan_targets_indicators(PLAN_INDICATORS) as batch_op:
        batch_op.drop_constraint("factor_positive", type_="check")
        batch_op.drop_column("factor")
    op.drop_table("event_public_hires")
    op.drop_table("employer_engagements")
    op.drop_table("need_sourcings")
    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "target_public", _check_enum("target_public", TARGET_PUBLICS), server_default="all", nullable=False
            )
        )
    # One public each again: the first of rule 3's order the need targets, else any, else "all".
    op.execute(
        "UPDATE recruitment_needs SET target_public = COALESCE(("
        "SELECT public FROM need_publics WHERE need_publics.need_id = recruitment_needs.id "
        "AND public IN ('executives', 'youth', 'disabled', 'rsa', 'seniors') "
        "ORDER BY CASE public WHEN 'executives' THEN 1 WHEN 'youth' THEN 2 WHEN 'disabled' THEN 3 "
        "WHEN 'rsa' THEN 4 ELSE 5 END LIMIT 1), 'all')"
    )
    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.alter_column("target_public", server_default=None)
    op.drop_table("need_public_hires")
    op.drop_table("need_publics")
