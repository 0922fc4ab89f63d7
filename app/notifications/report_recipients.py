"""The monthly report's recipients without an account: each basin's committee co-chairs.

A basin's manager (or an admin) keeps the list; on the 1st, each recipient gets the basin's report
as an HTML attachment, through the outbox. ``last_sent_month`` is the claim: one UPDATE … RETURNING
moves it to the month for the recipients not served yet, so a retry or a second scheduler cannot
send twice (on PostgreSQL a concurrent claim waits for the row and then finds it served).
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.services import redact_personal_values
from app.employers.tasks import retention_cutoff
from app.errors import DomainError
from app.extensions import db
from app.mixins import TimestampMixin
from app.personal_data import ANONYMISED_NAME
from app.referential.models import Basin
from app.timeutils import PARIS


class ReportRecipient(TimestampMixin, db.Model):
    __tablename__ = "report_recipients"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("basin_id", "email"),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(sa.String(160), info={"personal": True})
    # NULL once anonymised by the retention: nothing is sent to it any more.
    email: Mapped[str | None] = mapped_column(sa.String(254), info={"personal": True})
    last_sent_month: Mapped[date | None]

    basin: Mapped[Basin] = relationship()


def basin_recipients(basin_id: int) -> list[ReportRecipient]:
    return list(
        db.session.scalars(
            sa.select(ReportRecipient)
            .where(ReportRecipient.basin_id == basin_id, ReportRecipient.email.is_not(None))
            .order_by(ReportRecipient.full_name, ReportRecipient.id)
        )
    )


def add_recipient(basin: Basin, full_name: str, email: str) -> ReportRecipient:
    email = email.strip().lower()
    exists = sa.select(ReportRecipient.id).where(ReportRecipient.basin_id == basin.id, ReportRecipient.email == email)
    if db.session.scalar(exists) is not None:
        raise DomainError("Cette adresse reçoit déjà le point mensuel de ce bassin.")
    recipient = ReportRecipient(basin=basin, full_name=full_name.strip(), email=email)
    db.session.add(recipient)
    return recipient


def remove_recipient(recipient: ReportRecipient) -> None:
    db.session.delete(recipient)


def claim_recipients(month: date) -> list[sa.Row]:
    """The recipients not served for ``month`` yet, now marked served: (id, basin id, name, e-mail)."""
    table = ReportRecipient.__table__
    statement = (
        sa.update(table)
        .where(table.c.email.is_not(None), sa.or_(table.c.last_sent_month.is_(None), table.c.last_sent_month < month))
        .values(last_sent_month=month)
        .returning(table.c.id, table.c.basin_id, table.c.full_name, table.c.email)
    )
    return sorted(db.session.execute(statement).all(), key=lambda row: (row.basin_id, row.id))


def anonymise_old_recipients(now: datetime) -> dict[str, int]:
    """The recipients added more than 3 years ago are anonymised, with the trail's copies: Core
    statements, so that the audit hook copies nothing it must forget (as the contact persons')."""
    cutoff = retention_cutoff(now.astimezone(PARIS).date())
    added_before = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=PARIS)
    table = ReportRecipient.__table__
    ids = list(
        db.session.scalars(sa.select(table.c.id).where(table.c.created_at < added_before, table.c.email.is_not(None)))
    )
    if ids:
        db.session.execute(table.update().where(table.c.id.in_(ids)).values(full_name=ANONYMISED_NAME, email=None))
        redact_personal_values(ReportRecipient.__name__, ids, now)
    return {"destinataires_anonymises": len(ids)}
