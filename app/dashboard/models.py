"""Indexes the dashboard reads through; the tables belong to other packages.

The activity figures (contacts, employers contacted, by channel, operator and week) read
only these columns of ``interactions``, and a contact carries its employer's basin
(``Interaction.basin_id``). One covering index then answers a basin, a département or a
région from one index range per basin, without a heap read or a join per contact; its
``(basin_id, occurred_on, author_id)`` prefix also hands the per-author-and-day grouping its
rows already in order.

Needs and privileged contacts carry their employer's basin too (``RecruitmentNeed.basin_id``,
``Assignment.basin_id``): the need figures read one index range per basin and date, and the
privileged contacts per basin and operator come from a small partial index alone.
"""

import sqlalchemy as sa

from app.activity.models import Interaction
from app.assignments.models import ACTIVE, Assignment
from app.needs.models import RecruitmentNeed

ACTIVITY_BY_BASIN = sa.Index(
    "ix_interactions_dashboard_by_basin",
    Interaction.basin_id,
    Interaction.occurred_on,
    Interaction.author_id,
    Interaction.channel,
    Interaction.employer_id,
)

# Needs open during a period (identified by its end) and needs closed in it, per basin.
NEEDS_BY_BASIN_IDENTIFIED = sa.Index(
    "ix_recruitment_needs_basin_id_identified_on", RecruitmentNeed.basin_id, RecruitmentNeed.identified_on
)
NEEDS_BY_BASIN_CLOSED = sa.Index(
    "ix_recruitment_needs_basin_id_closed_on", RecruitmentNeed.basin_id, RecruitmentNeed.closed_on
)
# Current privileged contacts per basin and operator, counted without a heap read.
ACTIVE_ASSIGNMENTS_BY_BASIN = sa.Index(
    "ix_assignments_basin_id_operator_id_active",
    Assignment.basin_id,
    Assignment.operator_id,
    sqlite_where=ACTIVE,
    postgresql_where=ACTIVE,
)
