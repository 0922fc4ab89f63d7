"""basin_names_ids: the employers' names within each basin indexed with their ids.

A user of few employers (app/employers/queries.py, SMALL_SCOPE) has a name search read from their
basins' names: PostgreSQL filters the words while reading this index alone, and needs the ids in
it to stay there. An adviser of 14,697 employers at 2.5 M, a two-word search: 8 ms, where the
trigram bitmaps of its words over the whole register took 54 ms. The index keeps its name and,
on PostgreSQL, the byte order of its names (migration 0900). At 2.5 M employers it is rebuilt in
about 5 s (171 MB), during which writes to employers wait. SQLite's indexes already end with the
row id, which is the id; it is rebuilt there to match the model.

Revision ID: 4400_basin_names_ids
Revises: 4300_employers_basin_naf
Create Date: 2026-12-03 00:00:00
"""

from alembic import op

revision = "4400_basin_names_ids"
down_revision = "4300_employers_basin_naf"
branch_labels = None
depends_on = None

INDEX = "ix_employers_basin_id_search_name"


def _rebuild(columns: str, collated_columns: str) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.drop_index(INDEX, table_name="employers")
    op.execute(f"CREATE INDEX {INDEX} ON employers ({collated_columns if postgresql else columns})")


def upgrade() -> None:
    _rebuild("basin_id, search_name, id", 'basin_id, search_name COLLATE "C", id')


def downgrade() -> None:
    _rebuild("basin_id, search_name", 'basin_id, search_name COLLATE "C"')
