"""Demo data for the reminders: last month's progress report of each demo manager.

Built like the monthly job builds it (same figures, same sent-item claim), without the
e-mail, so that the "Rapports mensuels" page has something to show from the start and
the real job does not report the same month again.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.notifications.models import MonthlyReport
from app.notifications.reports import MONTHLY_REPORT_JOB, month_figures, previous_month
from app.notifications.services import claim_sends
from app.timeutils import today_paris


def build_demo_reminders() -> int:
    month = previous_month(today_paris())
    managers = db.session.scalars(
        sa.select(User).where(User.role == Role.MANAGER, User.is_active.is_(True)).options(selectinload(User.basins))
    ).all()
    claimed = claim_sends(MONTHLY_REPORT_JOB, month.strftime("%Y-%m"), [m.id for m in managers if m.basins])
    for manager in managers:
        if manager.id in claimed:
            db.session.add(
                MonthlyReport(
                    manager=manager,
                    month=month,
                    basin_names=[basin.name for basin in manager.basins],
                    figures=month_figures([basin.id for basin in manager.basins], month),
                )
            )
    db.session.flush()
    return len(claimed)
