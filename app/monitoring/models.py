from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutils import UTCDateTime


class ErrorReport(db.Model):
    """One cause of unhandled errors (exception type and innermost application frame), however
    often it happened. It holds no request body, no parameters and no exception message: those
    can carry personal data. The request id leads to the log lines of the last occurrence."""

    __tablename__ = "error_reports"
    __table_args__ = (
        sa.Index("ix_error_reports_last_seen_at", "last_seen_at"),
        sa.CheckConstraint("occurrences >= 1", name="occurrences_positive"),
        sa.CheckConstraint("alerted_occurrences <= occurrences", name="alerted_within_occurrences"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    exception_type: Mapped[str] = mapped_column(sa.String(200))
    location: Mapped[str] = mapped_column(sa.String(300))  # app/needs/views.py, in edit
    route: Mapped[str | None] = mapped_column(sa.String(300))  # POST /besoins/<int:need_id>/modifier
    traceback: Mapped[str] = mapped_column(sa.Text)  # frames only: file, line, function, source
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    occurrences: Mapped[int]
    last_request_id: Mapped[str | None] = mapped_column(sa.String(64))
    # The admins' last e-mail about this cause, and how many occurrences it had counted.
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_occurrences: Mapped[int] = mapped_column(default=0, server_default="0")
