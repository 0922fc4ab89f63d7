"""The employers each user opened last, shown under the search box while it is empty."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.employers.models import Employer
from app.extensions import db
from app.timeutils import UTCDateTime, utcnow


class RecentEmployer(db.Model):
    """One row per (user, employer), its time moved on each opening; a user keeps the last few."""

    __tablename__ = "recent_employers"
    __table_args__ = (sa.Index("ix_recent_employers_user_id_opened_at", "user_id", "opened_at"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employer: Mapped[Employer] = relationship()
