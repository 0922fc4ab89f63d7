"""Demo prospection plans: this quarter's plan of each pilot basin, built and shared out."""

import calendar
from datetime import date

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.plans.enums import PlanIndicator, SegmentKind
from app.plans.services import save_plan
from app.plans.share_out import share_out
from app.plans.target_list import build_target_list
from app.referential.models import Basin
from app.timeutils import today_paris

TARGETS = {
    PlanIndicator.EMPLOYERS_CONTACTED: 120,
    PlanIndicator.VISITS: 45,
    PlanIndicator.NEEDS_IDENTIFIED: 40,
    PlanIndicator.POSITIONS_FILLED: 30,
    PlanIndicator.EVENTS_HELD: 3,
    PlanIndicator.EVENT_HIRES: 15,
    PlanIndicator.EMPLOYERS_WITH_CONTACT: 40,
}
SEGMENTS = {
    SegmentKind.NAF_DIVISION: ["41", "43", "55", "56", "87", "88"],
    SegmentKind.HEADCOUNT_BAND: ["03", "11", "12"],
    SegmentKind.TAG: ["likely_to_hire", "hiring_difficulties", "growing"],
    SegmentKind.SHORTAGE_JOB: ["G1602", "G1803", "F1703", "J1501", "K1302", "N4101"],
}


def _quarter(today: date) -> tuple[date, date]:
    first_month = (today.month - 1) // 3 * 3 + 1
    last_month = first_month + 2
    return date(today.year, first_month, 1), date(
        today.year, last_month, calendar.monthrange(today.year, last_month)[1]
    )


def build_demo_plans() -> int:
    starts_on, ends_on = _quarter(today_paris())
    plans = 0
    for basin in db.session.scalars(sa.select(Basin).order_by(Basin.code)):
        leads = list(
            db.session.scalars(
                sa.select(User).where(User.role == Role.TASKFORCE_LEAD, User.basins.any(Basin.id == basin.id))
            )
        )
        plan = save_plan(
            None,
            basin=basin,
            title=f"Plan de prospection renforcée — {basin.name}",
            starts_on=starts_on,
            ends_on=ends_on,
            owners=leads,
            targets=TARGETS,
            segments=SEGMENTS,
            target_list_size=60,
            author=leads[0] if leads else None,
        )
        db.session.flush()
        build_target_list(plan)
        db.session.flush()
        share_out(plan)
        plans += 1
    db.session.flush()
    return plans
