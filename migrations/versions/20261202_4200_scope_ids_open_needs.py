"""scope_ids_open_needs: the employers' basin ids indexed with their ids, and the open needs' employers.

« Sans contact depuis 6 mois + besoin ouvert » at 2.5 M employers, for an adviser of 14,697 in
3 basins: its bounded count read those employers' 13,334 heap pages for their ids (65 ms), then
hashed the 83,500 open needs read from the table (100 ms): 181 ms. The ids beside the basin ids
make the first an index-only scan (3 ms), and the open needs' employer ids alone the second
(10 ms): 49 ms. The basin index keeps its name: counting a scope's employers from it, as the
dashboard does, reads a wider index (a région of 87,000 employers 32 → 36 ms).

The open statuses are app/needs/enums.py's OPEN_STATUSES at this revision: a query naming them
(``status IN (…)``, in any order) can use the index. PostgreSQL only, as migration 3900.

Revision ID: 4200_scope_ids_open_needs
Revises: 4100_contacts_trigram_sqlite
Create Date: 2026-12-02 00:00:00
"""

from alembic import op

revision = "4200_scope_ids_open_needs"
down_revision = "4100_contacts_trigram_sqlite"
branch_labels = None
depends_on = None

BASIN_INDEX = "ix_employers_basin_id"
OPEN_NEEDS_INDEX = "ix_recruitment_needs_open_employer_id"
OPEN_STATUSES = ("identified", "qualified", "sourcing", "candidates_presented")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {BASIN_INDEX}")
    op.execute(f"CREATE INDEX {BASIN_INDEX} ON employers (basin_id, id)")
    statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    op.execute(f"CREATE INDEX {OPEN_NEEDS_INDEX} ON recruitment_needs (employer_id) WHERE status IN ({statuses})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {OPEN_NEEDS_INDEX}")
    op.execute(f"DROP INDEX {BASIN_INDEX}")
    op.execute(f"CREATE INDEX {BASIN_INDEX} ON employers (basin_id)")
