"""The read side of the after-the-hire follow-ups."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.aftercare.models import RetentionCheck
from app.extensions import db
from app.needs.models import RecruitmentNeed


def retention_checks_of(need: RecruitmentNeed) -> list[RetentionCheck]:
    return list(
        db.session.scalars(
            sa.select(RetentionCheck)
            .where(RetentionCheck.need_id == need.id)
            .options(joinedload(RetentionCheck.adviser), joinedload(RetentionCheck.answered_by))
            .order_by(RetentionCheck.due_on, RetentionCheck.id)
        )
    )
