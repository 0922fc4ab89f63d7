from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.models import Employer, copies_employer_basin
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.needs.enums import (
    ContractType,
    NeedOrigin,
    NeedStatus,
    Public,
    QualificationLevel,
    ServiceKind,
    ServiceStatus,
    WorkingTime,
)
from app.referential.models import JobTitle, RomeCode
from app.timeutils import UTCDateTime, utcnow


@copies_employer_basin
class RecruitmentNeed(TimestampMixin, db.Model):
    """A hiring need of an employer, followed from identification to hire."""

    __tablename__ = "recruitment_needs"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("positions >= 1", name="positions_positive"),
        sa.CheckConstraint("positions_filled >= 0 AND positions_filled <= positions", name="positions_filled_range"),
        sa.Index("ix_recruitment_needs_employer_id_status", "employer_id", "status"),
        sa.Index("ix_recruitment_needs_status_identified_on", "status", "identified_on"),
        sa.Index("ix_recruitment_needs_closed_on", "closed_on"),
        sa.CheckConstraint("satisfaction_score BETWEEN 1 AND 5", name="satisfaction_score_range"),
        sa.CheckConstraint(
            "(satisfaction_score IS NULL) = (satisfaction_recorded_at IS NULL)", name="satisfaction_recorded_at_matches"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    # The employer's basin, copied (see copies_employer_basin) so that the dashboard reads a basin's
    # needs from one index range (app/dashboard/models.py), without joining every need to its employer.
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    rome_code: Mapped[str | None] = mapped_column(sa.ForeignKey("rome_codes.code", ondelete="RESTRICT"), index=True)
    # The ROME job title the adviser picked, if any: its ROME code is rome_code.
    job_title_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("job_titles.code", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    positions: Mapped[int] = mapped_column(default=1)
    positions_filled: Mapped[int] = mapped_column(default=0, server_default="0")
    contract: Mapped[ContractType] = mapped_column(enum_column_type(ContractType, "contract"))
    working_time: Mapped[WorkingTime | None] = mapped_column(enum_column_type(WorkingTime, "working_time"))
    start_on: Mapped[date | None]
    place: Mapped[str | None] = mapped_column(sa.String(200))
    qualification_level: Mapped[QualificationLevel | None] = mapped_column(
        enum_column_type(QualificationLevel, "qualification_level")
    )
    origin: Mapped[NeedOrigin] = mapped_column(enum_column_type(NeedOrigin, "origin"), default=NeedOrigin.CONTACT)
    status: Mapped[NeedStatus] = mapped_column(enum_column_type(NeedStatus, "status"), default=NeedStatus.IDENTIFIED)
    identified_on: Mapped[date]
    closed_on: Mapped[date | None]
    closed_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # The employer's satisfaction, recorded by the privileged contact once the need is closed.
    satisfaction_score: Mapped[int | None]
    satisfaction_comment: Mapped[str | None] = mapped_column(sa.String(1000))
    satisfaction_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    employer: Mapped[Employer] = relationship()
    rome: Mapped[RomeCode | None] = relationship()
    job_title: Mapped[JobTitle | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    satisfaction_recorded_by: Mapped[User | None] = relationship(foreign_keys=[satisfaction_recorded_by_id])
    services: Mapped[list["NeedService"]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedService.id"
    )
    status_changes: Mapped[list["NeedStatusChange"]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedStatusChange.changed_at"
    )
    public_rows: Mapped[list["NeedPublic"]] = relationship(back_populates="need", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def publics(self) -> list[Public]:
        """The publics the need targets, in the enum's order; none is "tout public"."""
        chosen = {row.public for row in self.public_rows}
        return [public for public in Public if public in chosen]

    @publics.setter
    def publics(self, publics) -> None:
        wanted = set(publics)
        kept = [row for row in self.public_rows if row.public in wanted]
        have = {row.public for row in kept}
        self.public_rows = kept + [NeedPublic(public=public) for public in Public if public in wanted - have]

    @property
    def publics_label(self) -> str:
        return ", ".join(public.label for public in self.publics) or "Tout public"


class NeedPublic(db.Model):
    """One public a need targets (RSA, RQTH…): a need without any is open to every public."""

    __tablename__ = "need_publics"
    # The needs of one public (the needs list's filter); the primary key serves one need's publics.
    __table_args__ = (sa.Index("ix_need_publics_public_need_id", "public", "need_id"),)

    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"), primary_key=True)
    public: Mapped[Public] = mapped_column(enum_column_type(Public, "public"), primary_key=True)

    need: Mapped[RecruitmentNeed] = relationship(back_populates="public_rows")


class NeedStatusChange(db.Model):
    """Every stage change, dated: time to fill and time per stage are computed from these."""

    __tablename__ = "need_status_changes"
    __table_args__ = (sa.Index("ix_need_status_changes_need_id_changed_at", "need_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"))
    from_status: Mapped[NeedStatus | None] = mapped_column(enum_column_type(NeedStatus, "from_status"))
    to_status: Mapped[NeedStatus] = mapped_column(enum_column_type(NeedStatus, "to_status"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    need: Mapped[RecruitmentNeed] = relationship(back_populates="status_changes")
    changed_by: Mapped[User | None] = relationship()


class NeedService(TimestampMixin, db.Model):
    """A service of the network mobilised on a need (immersion, POE, MRS…), with its status."""

    __tablename__ = "need_services"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("need_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"))
    kind: Mapped[ServiceKind] = mapped_column(enum_column_type(ServiceKind, "kind"))
    status: Mapped[ServiceStatus] = mapped_column(
        enum_column_type(ServiceStatus, "status"), default=ServiceStatus.PROPOSED
    )
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    need: Mapped[RecruitmentNeed] = relationship(back_populates="services")
