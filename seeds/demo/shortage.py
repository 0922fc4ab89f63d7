"""Demo métiers en tension: a small list per pilot basin, as its lead would import France Travail's BMO."""

from datetime import date

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.referential.models import Basin
from app.referential.shortage import add_shortage_job

SOURCE = "BMO 2026, France Travail"
AS_OF = date(2026, 4, 15)
# (ROME code, share of difficult hires "as typed"): the jobs the demo's needs are about, each
# basin keeping a slightly different list, as real basins do.
COMMON = [("G1602", "78,4"), ("G1803", "71,2"), ("J1501", "82,0"), ("K1302", "76,5")]
BY_BASIN_RANK = [[("F1703", "80,1")], [("N4101", "69,3")], [("F1703", "74,8"), ("N4101", "66,0")]]


def build_demo_shortage_lists(basins: list[Basin]) -> int:
    added = 0
    for rank, basin in enumerate(basins):
        lead = db.session.scalar(
            sa.select(User)
            .where(User.role == Role.TASKFORCE_LEAD, User.basins.any(Basin.id == basin.id))
            .order_by(User.id)
        )
        for code, share in COMMON + BY_BASIN_RANK[rank % len(BY_BASIN_RANK)]:
            add_shortage_job(basin, code, share=share, source=SOURCE, as_of=AS_OF, author_id=lead.id if lead else None)
            added += 1
    return added
