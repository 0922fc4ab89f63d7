"""Indexes the dashboard reads through; the tables belong to other packages.

The activity figures (contacts, employers contacted, by channel, operator and week) read
only these columns of ``interactions``, and a contact carries its employer's basin
(``Interaction.basin_id``). One covering index then answers a basin, a département or a
région from one index range per basin, without a heap read or a join per contact; its
``(basin_id, occurred_on, author_id)`` prefix also hands the per-author-and-day grouping its
rows already in order.
"""

import sqlalchemy as sa

from app.activity.models import Interaction

ACTIVITY_BY_BASIN = sa.Index(
    "ix_interactions_dashboard_by_basin",
    Interaction.basin_id,
    Interaction.occurred_on,
    Interaction.author_id,
    Interaction.channel,
    Interaction.employer_id,
)
