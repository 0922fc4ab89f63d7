from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.models import Employer
from app.extensions import db
from app.referential.models import Operator
from app.timeutils import UTCDateTime, utcnow

ACTIVE = sa.text("ended_at IS NULL")


class Assignment(db.Model):
    """An employer's privileged contact over a period; the open one is the current one."""

    __tablename__ = "assignments"
    __audited__ = True
    __table_args__ = (
        # The rule "one door per employer" held by the database, under any concurrency.
        sa.Index(
            "uq_assignments_employer_id_active",
            "employer_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        sa.Index("ix_assignments_adviser_id_ended_at", "adviser_id", "ended_at"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("operators.id", ondelete="RESTRICT"))
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(500))

    employer: Mapped[Employer] = relationship()
    adviser: Mapped[User] = relationship(foreign_keys=[adviser_id])
    operator: Mapped[Operator] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
