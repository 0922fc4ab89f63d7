"""employers_basin_naf: the employers' activity (NAF) indexed within each basin.

The list filtered by an activity (« NAF 56 ») at 2.5 M employers, for an adviser of 14,697 in 3
basins: PostgreSQL ANDed the basins' bitmap with the 374,658 entries of division 56 in the NAF
index (30 ms), for its bounded count (41 ms) and for the portfolio filter (47 ms). Within each
basin the division is one range of this index: 0.4 and 8 ms. 18 MB at 2.5 M, built in 4 s while
writes to employers wait. The NAF index alone stays, for a scope of every basin. PostgreSQL only,
as migrations 3900 and 4200.

Revision ID: 4300_employers_basin_naf
Revises: 4200_scope_ids_open_needs
Create Date: 2026-12-03 00:00:00
"""

from alembic import op

revision = "4300_employers_basin_naf"
down_revision = "4200_scope_ids_open_needs"
branch_labels = None
depends_on = None

INDEX = "ix_employers_basin_id_naf_code"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX {INDEX} ON employers (basin_id, naf_code)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {INDEX}")
