"""employers: names sorted byte-wise on PostgreSQL, whatever the database's collation

Revision ID: 0900_name_byte_order
Revises: 0800_dashboard_speed
Create Date: 2026-11-22 09:00:00
"""

from alembic import op

revision = "0900_name_byte_order"
down_revision = "0800_dashboard_speed"
branch_labels = None
depends_on = None

# The employer search sorts names with COLLATE "C" (app/dialects.py, byte_order): a
# name search finds its first page by ranges of names, which only byte order makes exact. The
# indexes that serve the name sorts (all employers; one basin's) are built in that order too,
# otherwise a database created with fr_FR.UTF-8 would sort every row to show 25. SQLite's
# default BINARY collation already is byte order. Reflection does not report an index
# column's collation, so the model comparison sees these indexes as the models declare them.
NAME_INDEXES = {
    "ix_employers_search_name_id": ("search_name", "id"),
    "ix_employers_basin_id_search_name": ("basin_id", "search_name"),
}


def _rebuild(collated: bool) -> None:
    for index, columns in NAME_INDEXES.items():
        listed = ", ".join(
            f'{column} COLLATE "C"' if collated and column == "search_name" else column for column in columns
        )
        op.drop_index(index, table_name="employers")
        op.execute(f"CREATE INDEX {index} ON employers ({listed})")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(collated=True)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(collated=False)
