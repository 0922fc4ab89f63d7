"""Indexes the dashboard reads through other packages' tables, and its own table of averages.

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

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.activity.models import Interaction
from app.assignments.models import ACTIVE, Assignment
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.timeutils import UTCDateTime

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


class TerritoryAverageSnapshot(db.Model):
    """A département's or a région's averages over one period, as the ``territory_averages`` job
    last computed them (app/dashboard/averages.py): a basin's page reads them instead of the région."""

    __tablename__ = "territory_averages"
    __table_args__ = (
        sa.UniqueConstraint("territory", "period_start", "period_end", name="uq_territory_averages_period"),
        sa.CheckConstraint("period_start <= period_end", name="period_in_order"),
        sa.CheckConstraint("basin_count > 0", name="basin_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "departement:44" or "region:52".
    territory: Mapped[str] = mapped_column(sa.String(20))
    period_start: Mapped[date]
    period_end: Mapped[date]
    basin_count: Mapped[int]
    # Figure name -> the territory's average (None where it has no value, a rate without a base).
    figures: Mapped[dict] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
