"""activity_names_sqlite: SQLite's employers indexed by activity (NAF), basin and name.

The list filtered by an activity (« NAF 56 ») on SQLite, 200,000 employers: without statistics,
SQLite read every employer of the division (30,000) from the NAF index, with its basin and
activity rows, and kept the first 25 in name order (60–100 ms). The page's ids are now read from
this index alone (app/employers/queries.py, ``_first_ids_of_an_activity``; SQLite's indexes end
with the row id, which is the id), then only the page's rows. SQLite only: PostgreSQL reads the
activity within each basin (migration 4300).

Revision ID: 4500_activity_names_sqlite
Revises: 4400_basin_names_ids
Create Date: 2026-12-03 00:00:00
"""

from alembic import op

revision = "4500_activity_names_sqlite"
down_revision = "4400_basin_names_ids"
branch_labels = None
depends_on = None

INDEX = "ix_employers_naf_code_basin_id_search_name"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE INDEX {INDEX} ON employers (naf_code, basin_id, search_name)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP INDEX {INDEX}")
