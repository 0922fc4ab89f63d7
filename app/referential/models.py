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
    """An organisation of the network: a France Travail agency, a mission locale…"""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[OperatorKind] = mapped_column(enum_column_type(OperatorKind, "kind"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    basins: Mapped[list[Basin]] = relationship(secondary=operator_basins, order_by=Basin.name)

    def __str__(self) -> str:
        return self.name


class NafCode(db.Model):
    """NAF rév. 2: sections (A), divisions (56) and sub-classes (56.10A)."""

    __tablename__ = "naf_codes"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(255))
    level: Mapped[NafLevel] = mapped_column(enum_column_type(NafLevel, "level"))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("naf_codes.code", ondelete="RESTRICT"), index=True)


class RomeCode(db.Model):
    """ROME 4.0: the 14 domains (one letter) and job codes (J1501)."""

    __tablename__ = "rome_codes"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(255))
    domain: Mapped[str] = mapped_column(sa.String(1), index=True)
    is_in_shortage: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
