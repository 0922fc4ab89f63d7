"""services_catalogue: the catalogue of services, and their mobilisations for a need or an employer

need_services (a fixed list of kinds, on a need only) becomes service_mobilisations, each row
keeping its need, author and dates; its kind becomes a row of service_types, the catalogue
admins keep (the rest of the catalogue is loaded by `flask seed reference`).

Revision ID: 2700_services_catalogue
Revises: 2600_api_clients
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2700_services_catalogue"
down_revision = "2600_api_clients"
branch_labels = None
depends_on = None

FAMILIES = ("training", "recruitment", "hr_advice", "other")
STATUSES = ("proposed", "accepted", "delivered", "refused")
FUNDERS = ("france_travail", "region", "opco", "agefiph", "etat", "employer", "other")
# The kinds need_services knew, as rows of the catalogue: (code, label, family).
OLD_KINDS = (
    ("pmsmp", "Immersion (PMSMP)", "recruitment"),
    ("poei", "POE individuelle (POEI)", "training"),
    ("poec", "POE collective (POEC)", "training"),
    ("afpr", "Action de formation préalable au recrutement (AFPR)", "training"),
    ("mrs", "Méthode de recrutement par simulation (MRS)", "recruitment"),
    ("afest", "Action de formation en situation de travail (AFEST)", "hr_advice"),
    ("pcrh", "Prestation de conseil en ressources humaines (PCRH)", "hr_advice"),
    ("parcours_emploi_formation", "Parcours emploi formation", "other"),
    ("emploi_tutorat", "Emploi tutorat", "other"),
    ("job_dating", "Job dating", "recruitment"),
)
OLD_STATUSES = {"proposed": "proposed", "in_progress": "accepted", "done": "delivered", "declined": "refused"}


PLAN_INDICATORS = (
    "employers_contacted",
    "visits",
    "needs_identified",
    "positions_filled",
    "events_held",
    "event_hires",
    "employers_with_contact",
)
SOLUTION_INDICATORS = ("solutions_delivered", "poe_small_employers")


def _set_plan_indicators(values) -> None:
    """The CHECK of plan_targets.indicator (an enum column): SQLite's batch mode rebuilds the table."""
    listed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_plan_targets_indicator"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_plan_targets_indicator"), f"indicator IN ({listed})")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


def _day(column: str) -> str:
    """The UTC day of an instant column, in SQL."""
    return f"date({column})" if op.get_bind().dialect.name == "sqlite" else f"CAST({column} AS date)"


def _case(column: str, mapping: dict[str, str]) -> str:
    return "CASE " + " ".join(f"WHEN {column} = '{old}' THEN '{new}'" for old, new in mapping.items()) + " END"


def upgrade() -> None:
    service_types = op.create_table(
        "service_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("family", _enum(FAMILIES, "family"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_types")),
        sa.UniqueConstraint("code", name=op.f("uq_service_types_code")),
        sa.UniqueConstraint("label", name=op.f("uq_service_types_label")),
    )
    op.execute(
        service_types.insert().from_select(
            ["code", "label", "family", "is_active", "created_at"],
            sa.union_all(
                *[
                    sa.select(
                        sa.literal(code), sa.literal(label), sa.literal(family), sa.true(), sa.func.current_timestamp()
                    )
                    for code, label, family in OLD_KINDS
                ]
            ),
        )
    )
    op.create_index("ix_recruitment_needs_id_employer_id", "recruitment_needs", ["id", "employer_id"], unique=True)
    op.create_table(
        "service_mobilisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("basin_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum(STATUSES, "status"), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("hires", sa.Integer(), nullable=True),
        sa.Column("funder", _enum(FUNDERS, "funder"), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("people IS NULL OR people >= 0", name=op.f("ck_service_mobilisations_people_not_negative")),
        sa.CheckConstraint("hires IS NULL OR hires >= 0", name=op.f("ck_service_mobilisations_hires_not_negative")),
        sa.CheckConstraint(
            "hires IS NULL OR people IS NULL OR hires <= people",
            name=op.f("ck_service_mobilisations_hires_within_people"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_service_mobilisations_ends_after_start"),
        ),
        sa.CheckConstraint(
            "(status = 'delivered') = (delivered_on IS NOT NULL)",
            name=op.f("ck_service_mobilisations_delivered_on_matches_status"),
        ),
        sa.CheckConstraint(
            "delivered_on IS NULL OR delivered_on >= proposed_on",
            name=op.f("ck_service_mobilisations_delivered_after_proposed"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_service_mobilisations_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["basin_id"], ["basins.id"], name=op.f("fk_service_mobilisations_basin_id_basins"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["need_id", "employer_id"],
            ["recruitment_needs.id", "recruitment_needs.employer_id"],
            name=op.f("fk_service_mobilisations_need_id_recruitment_needs"),
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_type_id"],
            ["service_types.id"],
            name=op.f("fk_service_mobilisations_service_type_id_service_types"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_service_mobilisations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_mobilisations")),
    )
    with op.batch_alter_table("service_mobilisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_mobilisations_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_mobilisations_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_mobilisations_service_type_id"), ["service_type_id"], unique=False)
        batch_op.create_index(
            "ix_service_mobilisations_basin_id_proposed_on", ["basin_id", "proposed_on"], unique=False
        )
        batch_op.create_index(
            "ix_service_mobilisations_basin_id_delivered_on", ["basin_id", "delivered_on"], unique=False
        )
    # Every service mobilised on a need is kept: proposed on the day it was recorded, delivered
    # (an old « réalisé ») on the day it last changed.
    status = _case("ns.status", OLD_STATUSES)
    op.execute(  # built from this file's constants only
        f"""
        INSERT INTO service_mobilisations (employer_id, basin_id, need_id, service_type_id, status, proposed_on,
            delivered_on, note, created_by_id, created_at, updated_at, version)
        SELECT n.employer_id, n.basin_id, ns.need_id, st.id, {status}, {_day("ns.created_at")},
            CASE WHEN ns.status = 'done' THEN {_day("ns.updated_at")} END,
            ns.note, ns.created_by_id, ns.created_at, ns.updated_at, 1
        FROM need_services ns
        JOIN recruitment_needs n ON n.id = ns.need_id
        JOIN service_types st ON st.code = ns.kind
        ORDER BY ns.id
        """  # noqa: S608
    )
    op.drop_table("need_services")
    # The plans' indicators « solutions apportées » and « POE présentées aux TPE ».
    _set_plan_indicators(PLAN_INDICATORS + SOLUTION_INDICATORS)


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM plan_targets WHERE indicator IN :indicators").bindparams(
            sa.bindparam("indicators", list(SOLUTION_INDICATORS), expanding=True)
        )
    )
    _set_plan_indicators(PLAN_INDICATORS)
    kinds = tuple(code for code, _, _ in OLD_KINDS)
    op.create_table(
        "need_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*kinds, name="kind", native_enum=False, create_constraint=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*OLD_STATUSES, name="status", native_enum=False, create_constraint=True),
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
    # The mobilisations on a need of a kind need_services knew go back, the first of each kind per need.
    status = _case("sm.status", {new: old for old, new in OLD_STATUSES.items()})
    kind_list = ", ".join(f"'{kind}'" for kind in kinds)
    op.execute(  # built from this file's constants only
        f"""
        INSERT INTO need_services (need_id, kind, status, note, created_by_id, created_at, updated_at)
        SELECT sm.need_id, st.code, {status}, sm.note, sm.created_by_id, sm.created_at, sm.updated_at
        FROM service_mobilisations sm
        JOIN service_types st ON st.id = sm.service_type_id
        WHERE sm.need_id IS NOT NULL AND st.code IN ({kind_list})
          AND sm.id = (SELECT min(first.id) FROM service_mobilisations first
                       WHERE first.need_id = sm.need_id AND first.service_type_id = sm.service_type_id)
        """  # noqa: S608
    )
    with op.batch_alter_table("service_mobilisations", schema=None) as batch_op:
        batch_op.drop_index("ix_service_mobilisations_basin_id_delivered_on")
        batch_op.drop_index("ix_service_mobilisations_basin_id_proposed_on")
        batch_op.drop_index(batch_op.f("ix_service_mobilisations_service_type_id"))
        batch_op.drop_index(batch_op.f("ix_service_mobilisations_need_id"))
        batch_op.drop_index(batch_op.f("ix_service_mobilisations_employer_id"))
    op.drop_table("service_mobilisations")
    op.drop_index("ix_recruitment_needs_id_employer_id", table_name="recruitment_needs")
    op.drop_table("service_types")
