from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import enum_column_type
from app.extensions import db
from app.referential.enums import NafLevel, OperatorKind


class Region(db.Model):
    """A région of the Code officiel géographique: "52" is "Pays de la Loire"."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))

    def __str__(self) -> str:
        return self.name


class Departement(db.Model):
    __tablename__ = "departements"

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"), index=True)

    region: Mapped[Region] = relationship()

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(db.Model):
    """An intercommunality (communauté d'agglomération, de communes, métropole…), by its SIREN."""

    __tablename__ = "epcis"

    code: Mapped[str] = mapped_column(sa.String(9), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[str] = mapped_column(sa.String(10))  # CA, CC, CU, METRO, MET69

    def __str__(self) -> str:
        return self.name


class Basin(db.Model):
    """A bassin d'emploi (usually an INSEE zone d'emploi), made of the communes admins give it."""

    __tablename__ = "basins"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Where the dashboards group it: the département and région of most of its communes.
    departement_code: Mapped[str] = mapped_column(sa.ForeignKey("departements.code", ondelete="RESTRICT"), index=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"), index=True)
    # A closed basin keeps its history but takes no new employer, need or lead.
    closed_on: Mapped[date | None]

    # Joined: every page that names a basin's département or région (the dashboards' scopes) has them.
    departement: Mapped[Departement] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")
    communes: Mapped[list["Commune"]] = relationship(back_populates="basin", order_by="Commune.name")

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @staticmethod
    def joined_alone(relationship_to_basin) -> sa.orm.interfaces.LoaderOption:
        """The basin joined without its département and région, for the statements of every request
        that only name the basin: two joins less to plan (the user's statement planned in 0.7 ms,
        0.2 without them). Read, they load on their own."""
        return sa.orm.joinedload(relationship_to_basin).options(
            sa.orm.lazyload(Basin.departement), sa.orm.lazyload(Basin.region)
        )

    def __str__(self) -> str:
        return self.name


class Commune(db.Model):
    """A commune of France (or a municipal arrondissement of Paris, Lyon, Marseille), in one basin at most.

    The primary key on the INSEE code is what holds "one basin per commune" in the database.
    """

    __tablename__ = "communes"
    __table_args__ = (sa.CheckConstraint("length(insee_code) = 5", name="insee_code_length"),)

    insee_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # The name as app.text.normalize_for_search folds it, for accent-insensitive lookups.
    search_name: Mapped[str] = mapped_column(sa.String(120), index=True, default="", server_default="")
    # Paris has 21 postcodes.
    postcodes: Mapped[str] = mapped_column(sa.String(200), default="")
    population: Mapped[int | None]
    departement_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("departements.code", ondelete="RESTRICT"), index=True
    )
    epci_code: Mapped[str | None] = mapped_column(sa.ForeignKey("epcis.code", ondelete="RESTRICT"), index=True)
    basin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"), index=True)

    basin: Mapped[Basin | None] = relationship(back_populates="communes")
    departement: Mapped[Departement | None] = relationship()
    epci: Mapped[Epci | None] = relationship()

    def __str__(self) -> str:
        return self.name


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
