"""Employers engaged for inclusive hiring: membership of the "Les entreprises s'engagent" club and
the signed inclusion charter, each dated (joined or signed on, left on).

An employer is engaged on a day when one of its engagements covers it. Held in the database: dates
in order, at most one open engagement of each kind per employer (partial unique index); the
services refuse overlapping periods with a French message.
"""

import functools
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.models import Employer
from app.enums import LabelledEnum, enum_column_type
from app.errors import DomainError
from app.extensions import db, plan_once
from app.formatting import date_fr
from app.mixins import TimestampMixin
from app.timeutils import today_paris


class EngagementKind(LabelledEnum):
    CLUB = ("club", "Club « Les entreprises s'engagent »")
    CHARTER = ("charter", "Charte d'inclusion signée")


class EngagementError(DomainError):
    pass


class EmployerEngagement(TimestampMixin, db.Model):
    __tablename__ = "employer_engagements"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
        # One open engagement of each kind per employer.
        sa.Index(
            "uq_employer_engagements_open",
            "employer_id",
            "kind",
            unique=True,
            postgresql_where=sa.text("ends_on IS NULL"),
            sqlite_where=sa.text("ends_on IS NULL"),
        ),
        # The dashboard's count at a day and the employers list's filter.
        sa.Index("ix_employer_engagements_employer_id_starts_on", "employer_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    kind: Mapped[EngagementKind] = mapped_column(enum_column_type(EngagementKind, "kind"))
    starts_on: Mapped[date]  # joined the club, or signed the charter
    ends_on: Mapped[date | None]  # left the club, or withdrew from the charter
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    employer: Mapped[Employer] = relationship()

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


def covering(day: date, kind: EngagementKind | None = None) -> tuple[sa.ColumnElement[bool], ...]:
    """The engagement (of ``kind``, if given) covers ``day``: the one definition of "engaged"."""
    of_kind = (EmployerEngagement.kind == kind,) if kind is not None else ()
    return (
        EmployerEngagement.starts_on <= day,
        sa.or_(EmployerEngagement.ends_on.is_(None), EmployerEngagement.ends_on >= day),
        *of_kind,
    )


def engaged_on(day: date, kind: EngagementKind | None = None) -> sa.ColumnElement[bool]:
    """The employer (Employer.id) has an engagement (of ``kind``, if given) covering ``day``."""
    return sa.exists().where(EmployerEngagement.employer_id == Employer.id, *covering(day, kind))


def engagements_of(employer: Employer) -> list[EmployerEngagement]:
    return list(db.session.scalars(_engagements_statement(), {"employer_id": employer.id}))


@functools.cache
def _engagements_statement() -> sa.Select:
    # Built once per process and planned once, as each statement the employer page runs (app/employers/queries.py).
    return plan_once(
        sa.select(EmployerEngagement)
        .where(EmployerEngagement.employer_id == sa.bindparam("employer_id"))
        .order_by(EmployerEngagement.starts_on.desc(), EmployerEngagement.id.desc())
    )


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if starts_on > today_paris():
        raise EngagementError("La date d'engagement ne peut pas être dans le futur.")
    if ends_on is not None and ends_on < starts_on:
        raise EngagementError("La date de fin ne peut pas précéder la date d'engagement.")


def _check_no_overlap(employer_id: int, kind: EngagementKind, starts_on: date, ends_on: date | None, but=None):
    end = ends_on or date.max
    for other in db.session.scalars(
        sa.select(EmployerEngagement).where(
            EmployerEngagement.employer_id == employer_id, EmployerEngagement.kind == kind
        )
    ):
        if other is but:
            continue
        if other.starts_on <= end and (other.ends_on is None or other.ends_on >= starts_on):
            since = f"depuis le {date_fr(other.starts_on)}"
            until = f" jusqu'au {date_fr(other.ends_on)}" if other.ends_on else ", toujours en cours"
            raise EngagementError(f"{kind.label} : l'entreprise est déjà engagée sur cette période ({since}{until}).")


def add_engagement(
    employer: Employer, kind: EngagementKind, *, starts_on: date, ends_on: date | None = None, author: User | None
) -> EmployerEngagement:
    _check_dates(starts_on, ends_on)
    _check_no_overlap(employer.id, kind, starts_on, ends_on)
    engagement = EmployerEngagement(
        employer_id=employer.id,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=author.id if author else None,
    )
    db.session.add(engagement)
    db.session.flush()
    return engagement


def end_engagement(engagement: EmployerEngagement, *, ends_on: date) -> EmployerEngagement:
    if engagement.ends_on is not None:
        raise EngagementError("Cet engagement a déjà pris fin.")
    if ends_on > today_paris():
        raise EngagementError("La date de fin ne peut pas être dans le futur.")
    _check_dates(engagement.starts_on, ends_on)
    engagement.ends_on = ends_on
    db.session.flush()
    return engagement
