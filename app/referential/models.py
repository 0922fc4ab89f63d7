from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import enum_column_type
from app.extensions import db
from app.referential.enums import NafLevel, OperatorKind


class Basin(db.Model):
    """A bassin d'emploi: INSEE zone d'emploi code, with communes that admins may edit."""

    __tablename__ = "basins"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    departement: Mapped[str] = mapped_column(sa.String(3), index=True)
    region: Mapped[str] = mapped_column(sa.String(3), index=True)

    communes: Mapped[list["BasinCommune"]] = relationship(
        back_populates="basin", cascade="all, delete-orphan", order_by="BasinCommune.name"
    )

    def __str__(self) -> str:
        return self.name


class BasinCommune(db.Model):
    __tablename__ = "basin_communes"
    __table_args__ = (sa.CheckConstraint("length(insee_code) = 5", name="insee_code_length"),)

    insee_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    postcodes: Mapped[str] = mapped_column(sa.String(120), default="")
    population: Mapped[int | None]

    basin: Mapped[Basin] = relationship(back_populates="communes")


operator_basins = sa.Table(
    "operator_basins",
    db.Model.metadata,
    sa.Column("operator_id", sa.ForeignKey("operators.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("basin_id", sa.ForeignKey("basins.id", ondelete="CASCADE"), primary_key=True),
)


class Operator(db.Model):
    """An organisation of the network: a France Travail agency, a mission locale…

    Audited; the basins it serves are a many-to-many table the session hook does not see, so
    ``referential.services`` writes their changes to the trail itself."""

    __tablename__ = "operators"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[OperatorKind] = mapped_column(enum_column_type(OperatorKind, "kind"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    basins: Mapped[list[Basin]] = relationship(secondary=operator_basins, order_by=Basin.name)

    def __str__(self) -> str:
        return self.name


class NafCode(db.Model):
    """NAF rév. 2: sections (A), divisions (56), groups (56.1), classes (56.10), sub-classes (56.10A).

    An establishment's activity (APE) is a sub-class; ``parent_code`` is the level above.
    """

    __tablename__ = "naf_codes"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(255))
    level: Mapped[NafLevel] = mapped_column(enum_column_type(NafLevel, "level"))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("naf_codes.code", ondelete="RESTRICT"), index=True)


class RomeCode(db.Model):
    """ROME 4.0: the 14 major domains (one letter) and the 532 job codes (J1501)."""

    __tablename__ = "rome_codes"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(255))
    # The major domain's letter (A–N).
    domain: Mapped[str] = mapped_column(sa.String(1), index=True)
    major_domain_label: Mapped[str | None] = mapped_column(sa.String(255))
    # The professional domain (J15, "Soins paramédicaux"); none on a major domain's own row.
    professional_domain_code: Mapped[str | None] = mapped_column(sa.String(3))
    professional_domain_label: Mapped[str | None] = mapped_column(sa.String(255))


class JobTitle(db.Model):
    """A ROME job title ("appellation"): what an adviser types, "Aide-soignant / Aide-soignante" → J1501."""

    __tablename__ = "job_titles"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(255))
    rome_code: Mapped[str] = mapped_column(sa.ForeignKey("rome_codes.code", ondelete="RESTRICT"), index=True)
    # The label as app.text.normalize_for_search folds it; its index serves prefix searches
    # (PostgreSQL adds a trigram index for word starts inside the label, see the migration).
    search_label: Mapped[str] = mapped_column(sa.String(255), index=True)

    rome: Mapped[RomeCode] = relationship()

    def __str__(self) -> str:
        return self.label


class ShortageJob(db.Model):
    """A ROME code in shortage on one basin (métier en tension), as its lead or an admin recorded it.

    The list is data with its source (France Travail's "Besoins en main-d'œuvre", a regional
    study…) and date, shown wherever it counts: each basin hires differently.
    """

    __tablename__ = "shortage_jobs"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("basin_id", "rome_code", name="uq_shortage_jobs_basin_rome"),
        sa.CheckConstraint(
            "difficult_hires_share IS NULL OR (difficult_hires_share >= 0 AND difficult_hires_share <= 100)",
            name="difficult_hires_share_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="CASCADE"))
    rome_code: Mapped[str] = mapped_column(sa.ForeignKey("rome_codes.code", ondelete="RESTRICT"), index=True)
    # The share of hires expected to be difficult, in percent (BMO's "difficultés à recruter").
    difficult_hires_share: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))
    source: Mapped[str] = mapped_column(sa.String(200))
    as_of: Mapped[date]
    # A string reference: users live in a layer above the referential.
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    rome: Mapped[RomeCode] = relationship()
    recorded_by = relationship("User")
