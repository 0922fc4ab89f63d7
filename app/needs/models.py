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
    Funder,
    MobilisationStatus,
    NeedOrigin,
    NeedStatus,
    Public,
    QualificationLevel,
    ServiceFamily,
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
        # The API's incremental reads (updated_since).
        sa.Index("ix_recruitment_needs_updated_at_id", "updated_at", "id"),
        sa.Index("ix_recruitment_needs_status_identified_on", "status", "identified_on"),
        sa.Index("ix_recruitment_needs_closed_on", "closed_on"),
        sa.CheckConstraint("satisfaction_score BETWEEN 1 AND 5", name="satisfaction_score_range"),
        sa.CheckConstraint(
            "(satisfaction_score IS NULL) = (satisfaction_recorded_at IS NULL)", name="satisfaction_recorded_at_matches"
        ),
        # The target of service_mobilisations' (need_id, employer_id) foreign key: a mobilisation
        # on a need is for that need's employer.
        sa.Index("ix_recruitment_needs_id_employer_id", "id", "employer_id", unique=True),
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
    services: Mapped[list["ServiceMobilisation"]] = relationship(
        back_populates="need",
        cascade="all, delete-orphan",
        order_by="ServiceMobilisation.id",
        primaryjoin="RecruitmentNeed.id == ServiceMobilisation.need_id",
        foreign_keys="ServiceMobilisation.need_id",
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


class ServiceType(TimestampMixin, db.Model):
    """One service of the catalogue the network can mobilise (POEI, MRS, PCRH…), kept by admins.

    Its code never changes (seeds and figures name it); a used one is deactivated, never deleted.
    """

    __tablename__ = "service_types"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120), unique=True)
    family: Mapped[ServiceFamily] = mapped_column(enum_column_type(ServiceFamily, "family"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    def __str__(self) -> str:
        return self.label


@copies_employer_basin
class ServiceMobilisation(TimestampMixin, db.Model):
    """A service of the catalogue mobilised for an employer, on one of its needs or for the employer
    alone (a PCRH has no need), followed from proposal to delivery and the hires it led to."""

    __tablename__ = "service_mobilisations"
    __audited__ = True
    __table_args__ = (
        # A mobilisation on a need is for that need's employer; a merge moving the need takes it along.
        sa.ForeignKeyConstraint(
            ["need_id", "employer_id"],
            ["recruitment_needs.id", "recruitment_needs.employer_id"],
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.CheckConstraint("people IS NULL OR people >= 0", name="people_not_negative"),
        sa.CheckConstraint("hires IS NULL OR hires >= 0", name="hires_not_negative"),
        sa.CheckConstraint("hires IS NULL OR people IS NULL OR hires <= people", name="hires_within_people"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("(status = 'delivered') = (delivered_on IS NOT NULL)", name="delivered_on_matches_status"),
        sa.CheckConstraint("delivered_on IS NULL OR delivered_on >= proposed_on", name="delivered_after_proposed"),
        # The dashboard reads a basin's mobilisations by date (app/dashboard/solutions.py).
        sa.Index("ix_service_mobilisations_basin_id_proposed_on", "basin_id", "proposed_on"),
        sa.Index("ix_service_mobilisations_basin_id_delivered_on", "basin_id", "delivered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    # The employer's basin, copied (see copies_employer_basin) for the dashboard.
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    need_id: Mapped[int | None] = mapped_column(index=True)
    service_type_id: Mapped[int] = mapped_column(sa.ForeignKey("service_types.id", ondelete="RESTRICT"), index=True)
    status: Mapped[MobilisationStatus] = mapped_column(
        enum_column_type(MobilisationStatus, "status"), default=MobilisationStatus.PROPOSED
    )
    proposed_on: Mapped[date]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    delivered_on: Mapped[date | None]
    # How many people it served (trainees of a POE, candidates of an MRS…), and hired afterwards.
    people: Mapped[int | None]
    hires: Mapped[int | None]
    funder: Mapped[Funder | None] = mapped_column(enum_column_type(Funder, "funder"))
    note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    employer: Mapped[Employer] = relationship()
    service_type: Mapped[ServiceType] = relationship()
    need: Mapped[RecruitmentNeed | None] = relationship(
        back_populates="services",
        primaryjoin="RecruitmentNeed.id == ServiceMobilisation.need_id",
        foreign_keys=[need_id],
    )
