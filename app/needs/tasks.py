"""The needs' periodic check: open needs nobody has touched for a while, and who should hear
about each (the weekly ``stale_needs`` job of app/scheduler/registry.py tells them)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.activity.models import Interaction
from app.assignments.models import Assignment
from app.auth.models import User
from app.auth.queries import basin_leads
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import OPEN_STATUSES
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.timeutils import PARIS

STALE_ADVISER_DAYS = 30
STALE_LEAD_DAYS = 60


@dataclass
class StaleNeeds:
    needs: list  # rows: the need, its employer, its active privileged contact, quiet_days (30 or 60)
    by_recipient: dict[int, list]  # {user id: the rows they should hear about}


def _quiet_since(cutoff: datetime):
    """No change to the need, no stage change and no contact with the employer since ``cutoff``."""
    changed = (
        sa.select(NeedStatusChange.id)
        .where(NeedStatusChange.need_id == RecruitmentNeed.id, NeedStatusChange.changed_at >= cutoff)
        .exists()
    )
    contacted = (
        sa.select(Interaction.id)
        .where(
            Interaction.employer_id == RecruitmentNeed.employer_id,
            Interaction.occurred_on >= cutoff.astimezone(PARIS).date(),
        )
        .exists()
    )
    return sa.and_(RecruitmentNeed.updated_at < cutoff, ~changed, ~contacted)


def stale_needs(now: datetime) -> StaleNeeds:
    """Open needs quiet for 30 days concern their privileged contact; after 60 days (or
    without a privileged contact), the basin's leads too."""
    active_contact = (
        sa.select(Assignment.employer_id, Assignment.adviser_id)
        .join(User, User.id == Assignment.adviser_id)
        .where(Assignment.ended_at.is_(None), User.is_active.is_(True))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            RecruitmentNeed.id,
            RecruitmentNeed.title,
            RecruitmentNeed.identified_on,
            Employer.name.label("employer_name"),
            Employer.siret,
            Employer.basin_id,
            active_contact.c.adviser_id,
            sa.case(
                (_quiet_since(now - timedelta(days=STALE_LEAD_DAYS)), STALE_LEAD_DAYS), else_=STALE_ADVISER_DAYS
            ).label("quiet_days"),
        )
        .join(Employer, Employer.id == RecruitmentNeed.employer_id)
        .outerjoin(active_contact, active_contact.c.employer_id == RecruitmentNeed.employer_id)
        .where(RecruitmentNeed.status.in_(OPEN_STATUSES), _quiet_since(now - timedelta(days=STALE_ADVISER_DAYS)))
        .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
    ).all()
    leads = basin_leads({row.basin_id for row in rows if row.quiet_days >= STALE_LEAD_DAYS or not row.adviser_id})
    lead_basins = {lead_id: {row.basin_id for row in lead_rows} for lead_id, lead_rows in leads.items()}
    by_recipient: dict[int, list] = defaultdict(list)
    for row in rows:
        if row.adviser_id:
            by_recipient[row.adviser_id].append(row)
        if row.quiet_days >= STALE_LEAD_DAYS or not row.adviser_id:
            for lead_id, basin_ids in lead_basins.items():
                if row.basin_id in basin_ids and lead_id != row.adviser_id:
                    by_recipient[lead_id].append(row)
    return StaleNeeds(needs=rows, by_recipient=by_recipient)
