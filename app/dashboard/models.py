"""Indexes the dashboard reads through; the tables belong to other packages.

The activity figures (contacts, employers contacted, by channel, operator and week) read
only these four columns of ``interactions``. Covering indexes let both databases answer
from the index alone, without one random heap read per contact:
- a basin's dashboard walks its employers, then each employer's contacts of the period;
- a région's (or the whole network's) walks the period's contacts, then their employer.
"""

import sqlalchemy as sa

from app.activity.models import Interaction

ACTIVITY_BY_EMPLOYER = sa.Index(
    "ix_interactions_dashboard_by_employer",
    Interaction.employer_id,
    Interaction.occurred_on,
    Interaction.channel,
    Interaction.author_id,
)
ACTIVITY_BY_DAY = sa.Index(
    "ix_interactions_dashboard_by_day",
    Interaction.occurred_on,
    Interaction.employer_id,
    Interaction.channel,
    Interaction.author_id,
)
