"""the complete ROME and its job titles

Revision ID: 1500_rome_job_titles
Revises: 1400_personal_data
Create Date: 2026-11-30 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1500_rome_job_titles"
down_revision = "1400_personal_data"
branch_labels = None
depends_on = None


# PostgreSQL only: word starts inside a title ("soignant" in "aide soignant") served by pg_trgm;
# SQLite scans the 11,061 short labels, well within the 30 ms budget (bench/job_titles_bench.py).
TRIGRAM_INDEX = "ix_job_titles_search_label_trgm"


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("rome_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("major_domain_label", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("professional_domain_code", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("professional_domain_label", sa.String(length=255), nullable=True))

    op.create_table(
        "job_titles",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("rome_code", sa.String(length=5), nullable=False),
        sa.Column("search_label", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["rome_code"], ["rome_codes.code"], name=op.f("fk_job_titles_rome_code_rome_codes"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_job_titles")),
    )
    with op.batch_alter_table("job_titles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_titles_rome_code"), ["rome_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_titles_search_label"), ["search_label"], unique=False)
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            TRIGRAM_INDEX,
            "job_titles",
            ["search_label"],
            postgresql_using="gin",
            postgresql_ops={"search_label": "gin_trgm_ops"},
        )

    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_title_code", sa.String(length=6), nullable=True))
        batch_op.create_index(batch_op.f("ix_recruitment_needs_job_title_code"), ["job_title_code"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_recruitment_needs_job_title_code_job_titles"),
            "job_titles",
            ["job_title_code"],
            ["code"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("recruitment_needs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_recruitment_needs_job_title_code_job_titles"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_recruitment_needs_job_title_code"))
        batch_op.drop_column("job_title_code")

    if _is_postgresql():
        op.drop_index(TRIGRAM_INDEX, table_name="job_titles")
    with op.batch_alter_table("job_titles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_titles_search_label"))
        batch_op.drop_index(batch_op.f("ix_job_titles_rome_code"))
    op.drop_table("job_titles")

    with op.batch_alter_table("rome_codes", schema=None) as batch_op:
        batch_op.drop_column("professional_domain_label")
        batch_op.drop_column("professional_domain_code")
        batch_op.drop_column("major_domain_label")
