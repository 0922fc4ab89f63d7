"""Columns that several models declare the same way."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.timeutils import UTCDateTime, utcnow


class TimestampMixin:
    """The instant the row was created, in UTC, set by Python on insert (no server default)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
