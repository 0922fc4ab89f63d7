from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.models import SIRET_FORMAT_CHECK, Employer
from app.enums import enum_column_type
from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus, RejectionReason, SpotterKind, Urgency
from app.mixins import TimestampMixin
from app.needs.enums import ContractType
from app.needs.models import RecruitmentNeed
from app.referential.models import Basin, Commune
from app.timeutils import UTCDateTime

NEW = sa.text("status = 'new'")


class SpotterOrganisation(TimestampMixin, db.Model):
    """A partner close to employers (CCI, OPCO, agence d'intérim…) whose users report leads."""

    __tablename__ = "spotter_organisations"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("basin_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[SpotterKind] = mapped_column(enum_column_type(SpotterKind, "kind"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    basin: Mapped[Basin] = relationship()
    members: Mapped[list[User]] = relationship(order_by=User.full_name, viewonly=True)

    def __str__(self) -> str:
        return self.name


class Lead(TimestampMixin, db.Model):
    """A hiring need reported by a spotter or by the employer itself, until the task force triages it."""

    __tablename__ = "leads"
    __audited__ = True
    __audit_exclude__ = {"version"}
    __table_args__ = (
        sa.CheckConstraint("siret IS NULL OR (" + SIRET_FORMAT_CHECK + ")", name="siret_format"),
        sa.CheckConstraint("positions >= 1", name="positions_positive"),
        sa.CheckConstraint("contact_consent", name="contact_consent_given"),
        # The same report sent twice (double click, resubmission) while still untriaged.
        sa.Index(
            "uq_leads_submitter_key_dedup_key_new",
            "submitter_key",
            "dedup_key",
            unique=True,
            sqlite_where=NEW,
            postgresql_where=NEW,
        ),
        sa.Index("ix_leads_basin_id_status_created_at", "basin_id", "status", "created_at"),
        sa.Index("ix_leads_spotter_id_created_at", "spotter_id", "created_at"),
        sa.Index("ix_leads_siret_status", "siret", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a need filed on the public form for a commune of no open basin, kept in the
    # « hors bassin » list until an admin routes it (leads.services.route_lead).
    basin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    source: Mapped[LeadSource] = mapped_column(enum_column_type(LeadSource, "source"))
    spotter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    spotter_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("spotter_organisations.id", ondelete="SET NULL"), index=True
    )
    # Who sent it ("user:12", "public:mail@x.fr") and what (employer + job): equal pairs are duplicates.
    # A public submitter's key holds their e-mail: personal data, like the contact fields below.
    submitter_key: Mapped[str] = mapped_column(sa.String(300), info={"personal": True})
    dedup_key: Mapped[str] = mapped_column(sa.String(500))

    siret: Mapped[str | None] = mapped_column(sa.String(14))
    employer_name: Mapped[str] = mapped_column(sa.String(255))
    commune_insee: Mapped[str | None] = mapped_column(sa.String(5))
    commune_name: Mapped[str | None] = mapped_column(sa.String(120))
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id", ondelete="SET NULL"), index=True)

    job_title: Mapped[str] = mapped_column(sa.String(200))
    positions: Mapped[int] = mapped_column(default=1)
    contract: Mapped[ContractType] = mapped_column(enum_column_type(ContractType, "contract"))
    start_on: Mapped[date | None]
    urgency: Mapped[Urgency] = mapped_column(enum_column_type(Urgency, "urgency"), default=Urgency.NORMAL)
    # Free text: it may name the contact person, so the trail keeps it where it can be blanked.
    details: Mapped[str] = mapped_column(sa.Text, default="", info={"names_people": True})

    # Personal data (docs/DONNEES-PERSONNELLES.md): anonymised 3 years after the lead's last
    # decision (app/leads/tasks.py) or on the person's erasure.
    contact_name: Mapped[str] = mapped_column(sa.String(160), info={"personal": True})
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30), info={"personal": True})
    contact_email: Mapped[str | None] = mapped_column(sa.String(254), info={"personal": True})
    contact_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    contact_anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    status: Mapped[LeadStatus] = mapped_column(enum_column_type(LeadStatus, "status"), default=LeadStatus.NEW)
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column_type(RejectionReason, "rejection_reason")
    )
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="SET NULL"), index=True)
    # Two leads triaging the same lead at once: the second decision is refused, not lost.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    basin: Mapped[Basin | None] = relationship()
    spotter: Mapped[User | None] = relationship(foreign_keys=[spotter_id])
    spotter_organisation: Mapped[SpotterOrganisation | None] = relationship()
    employer: Mapped[Employer | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    need: Mapped[RecruitmentNeed | None] = relationship()
    # Read only, no foreign key (the lead keeps the commune as typed): the « hors bassin » list
    # shows its département and suggests a basin from its EPCI.
    commune: Mapped[Commune | None] = relationship(
        primaryjoin="foreign(Lead.commune_insee) == Commune.insee_code", viewonly=True
    )

    @property
    def is_open(self) -> bool:
        return self.status is LeadStatus.NEW
