"""public-form needs outside every basin

A need filed on the public form for a commune of no basin (or of a closed basin) is kept with
no basin, in the « hors bassin » list, until an admin routes it to a basin.

Revision ID: 2300_leads_outside_basins
Revises: 2200_invitation_status
Create Date: 2026-11-30 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2300_leads_outside_basins"
down_revision = "2200_invitation_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.alter_column("basin_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A lead with no basin cannot go back to a NOT NULL column, and deleting it would lose an
    # employer's request: route them first (/signalements/hors-bassin).
    waiting = op.get_bind().scalar(sa.text("SELECT count(*) FROM leads WHERE basin_id IS NULL"))
    if waiting:
        raise RuntimeError(
            f"{waiting} signalement(s) hors bassin : routez-les vers un bassin avant de revenir en arrière."
        )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.alter_column("basin_id", existing_type=sa.Integer(), nullable=False)
