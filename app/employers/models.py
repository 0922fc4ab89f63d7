from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.enums import EmployerSource, ImportRunStatus
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.referential.enums import HeadcountBand
from app.referential.models import Basin, Commune, NafCode
from app.text import normalize_for_search
from app.timeutils import UTCDateTime, utcnow

# Portable digit check: ltrim(x, '0123456789') exists on SQLite and PostgreSQL.
SIRET_FORMAT_CHECK = "length(siret) = 14 AND ltrim(siret, '0123456789') = ''"
SIREN_FORMAT_CHECK = "length(siren) = 9 AND ltrim(siren, '0123456789') = ''"


employer_tags = sa.Table(
    "employer_tags",
    db.Model.metadata,
    sa.Column("employer_id", sa.ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    """A signal set on employers by the Region or partners (growing, restructuring…).

    Administered from the browser (``app/employers/tags.py``). An archived tag stays on its
    employers and in past plans, but is no longer offered for tagging.
    """

    __tablename__ = "tags"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    def __str__(self) -> str:
        return self.label


class Employer(TimestampMixin, db.Model):
    """One establishment, identified by its SIRET when it has one."""

    __tablename__ = "employers"
    __audited__ = True
    __audit_exclude__ = {"search_name", "version"}
    __table_args__ = (
        sa.CheckConstraint(SIRET_FORMAT_CHECK, name="siret_format"),
        sa.CheckConstraint(SIREN_FORMAT_CHECK, name="siren_format"),
        sa.CheckConstraint("siret IS NULL OR substr(siret, 1, 9) = siren", name="siren_matches_siret"),
        # With the ids: a small scope's name search reads it alone (queries._text_condition, migration 4400).
        sa.Index("ix_employers_basin_id_search_name", "basin_id", "search_name", "id"),
        sa.Index("ix_employers_commune_name_search_name", "commune_name", "search_name"),
        sa.Index("ix_employers_search_name_id", "search_name", "id"),
        # The API's incremental reads (updated_since).
        sa.Index("ix_employers_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    siret: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    siren: Mapped[str | None] = mapped_column(sa.String(9), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    enseigne: Mapped[str | None] = mapped_column(sa.String(255))
    search_name: Mapped[str] = mapped_column(sa.String(600), default="")
    naf_code: Mapped[str | None] = mapped_column(sa.ForeignKey("naf_codes.code", ondelete="RESTRICT"), index=True)
    # NAF 2025 as SIRENE gives it (activitePrincipaleNAF25Etablissement): INSEE's NAF 2025 list
    # is not loaded, so no foreign key; the filters and scores still read naf_code.
    naf25_code: Mapped[str | None] = mapped_column(sa.String(6))
    headcount_band: Mapped[HeadcountBand | None] = mapped_column(
        enum_column_type(HeadcountBand, "headcount_band"), index=True
    )
    street: Mapped[str | None] = mapped_column(sa.String(255))
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    commune_insee: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    commune_name: Mapped[str | None] = mapped_column(sa.String(120))
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    created_on: Mapped[date | None]  # the establishment's creation date (SIRENE)
    source: Mapped[EmployerSource] = mapped_column(
        enum_column_type(EmployerSource, "source"), default=EmployerSource.MANUAL
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when an adviser saves the record: imports then only fill its empty fields.
    edited_by_hand_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: an UPDATE that carries a stale version changes no row.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    basin: Mapped[Basin] = relationship()
    naf: Mapped[NafCode | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=employer_tags, order_by=Tag.label)
    contacts: Mapped[list["EmployerContact"]] = relationship(
        back_populates="employer", cascade="all, delete-orphan", order_by="EmployerContact.last_name"
    )

    @property
    def url_key(self) -> str:
        """What the employer's URL carries: its SIRET, or ``n<id>`` for one entered without SIRET."""
        return self.siret or f"n{self.id}"

    @property
    def display_name(self) -> str:
        if self.enseigne and self.enseigne.casefold() != self.name.casefold():
            return f"{self.name} ({self.enseigne})"
        return self.name

    def refresh_search_name(self) -> None:
        self.search_name = normalize_for_search(" ".join(filter(None, [self.name, self.enseigne, self.commune_name])))

    def __str__(self) -> str:
        return self.display_name


@sa.event.listens_for(Employer, "before_insert")
@sa.event.listens_for(Employer, "before_update")
def _keep_search_name_current(mapper, connection, employer: Employer) -> None:
    employer.refresh_search_name()


# Tables whose rows carry a copy of their employer's basin, so that the dashboard reads a
# basin's rows from one index range instead of joining each row to ``employers``.
_BASIN_COPIES: list[type] = []


def copies_employer_basin(model: type) -> type:
    """Class decorator: the model's ``basin_id`` always equals its employer's."""
    sa.event.listen(model, "before_insert", _copy_employer_basin)
    sa.event.listen(model, "before_update", _copy_employer_basin)
    _BASIN_COPIES.append(model)
    return model


def basin_copies() -> tuple[type, ...]:
    """The models whose rows carry a copy of their employer's basin."""
    return tuple(_BASIN_COPIES)


def _copy_employer_basin(_mapper, connection, row) -> None:
    # The employer row is flushed before the rows that point at it.
    if row.basin_id is None or sa.inspect(row).attrs.employer_id.history.has_changes():
        row.basin_id = connection.scalar(sa.select(Employer.basin_id).where(Employer.id == row.employer_id))


@sa.event.listens_for(Employer, "after_update")
def _follow_employer_basin(_mapper, connection, employer: Employer) -> None:
    """An employer moved to another basin takes its rows with it."""
    if sa.inspect(employer).attrs.basin_id.history.has_changes():
        move_rows_to_employer_basin(connection, employer.id)


def move_rows_to_employer_basin(connection, employer_id: int) -> None:
    """Copy the employer's basin onto its rows (after a basin change, or a merge that moved rows)."""
    basin = sa.select(Employer.basin_id).where(Employer.id == employer_id).scalar_subquery()
    for model in _BASIN_COPIES:
        table = model.__table__
        connection.execute(sa.update(table).where(table.c.employer_id == employer_id).values(basin_id=basin))


def move_employers_to_their_communes_basin(connection, insee_codes: list[str]) -> dict[str, int]:
    """The employers of these communes (which just changed basin) move to their commune's basin,
    the copies on their rows with them; returns {INSEE code: employers moved}.

    Bulk UPDATEs, a few per 500 communes: a région rolled out moves thousands of employers. Each
    moved employer's version goes up, so that a form opened before the move gets its conflict.
    """
    employers, communes = Employer.__table__, Commune.__table__
    commune_basin = (
        sa.select(communes.c.basin_id).where(communes.c.insee_code == employers.c.commune_insee).scalar_subquery()
    )
    moved: dict[str, int] = {}
    for start in range(0, len(insee_codes), 500):
        chunk = insee_codes[start : start + 500]
        leaving = sa.and_(employers.c.commune_insee.in_(chunk), employers.c.basin_id != commune_basin)
        counts = connection.execute(
            sa.select(employers.c.commune_insee, sa.func.count()).where(leaving).group_by(employers.c.commune_insee)
        ).all()
        if not counts:
            continue
        moved.update(counts)
        connection.execute(
            sa.update(employers).where(leaving).values(basin_id=commune_basin, version=employers.c.version + 1)
        )
        of_chunk = sa.select(employers.c.id).where(employers.c.commune_insee.in_(chunk))
        for model in _BASIN_COPIES:
            table = model.__table__
            employer_basin = sa.select(employers.c.basin_id).where(employers.c.id == table.c.employer_id)
            employer_basin = employer_basin.scalar_subquery()
            connection.execute(
                sa.update(table)
                .where(table.c.employer_id.in_(of_chunk), table.c.basin_id != employer_basin)
                .values(basin_id=employer_basin)
            )
    return moved


class EmployerContact(TimestampMixin, db.Model):
    """A person at the employer: personal data, purged 3 years after the last contact."""

    __tablename__ = "employer_contacts"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    # Personal data (docs/DONNEES-PERSONNELLES.md): anonymised by the retention and the erasure.
    first_name: Mapped[str | None] = mapped_column(sa.String(100), info={"personal": True})
    last_name: Mapped[str] = mapped_column(sa.String(100), info={"personal": True})
    job_title: Mapped[str | None] = mapped_column(sa.String(160), info={"personal": True})
    phone: Mapped[str | None] = mapped_column(sa.String(30), info={"personal": True})
    email: Mapped[str | None] = mapped_column(sa.String(254), info={"personal": True})
    is_opposed_to_contact: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_contacted_on: Mapped[date | None] = mapped_column(index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    employer: Mapped[Employer] = relationship(back_populates="contacts")

    @property
    def full_name(self) -> str:
        return " ".join(filter(None, [self.first_name, self.last_name]))


# Longer than any batch of an import takes: an unfinished run silent for longer was cut short.
IMPORT_RUN_SILENCE = timedelta(minutes=10)


class ImportRun(db.Model):
    """One spreadsheet import, run outside the request: its progress, then its report."""

    __tablename__ = "import_runs"
    __table_args__ = (sa.Index("ix_import_runs_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    # The upload under <instance>/imports/, until the run has read it.
    stored_name: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[ImportRunStatus] = mapped_column(
        enum_column_type(ImportRunStatus, "status"), default=ImportRunStatus.QUEUED
    )
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_imported: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    summary: Mapped[list] = mapped_column(sa.JSON, default=list)  # the report's lines, in French
    rejections: Mapped[list] = mapped_column(sa.JSON, default=list)  # {line, siret, reason}
    error: Mapped[str | None] = mapped_column(sa.Text)  # why the file could not be imported
    # The import form's "add this tag to every line", read by the run.
    tag_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tags.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moves with each batch: a run that stops moving was cut short (a restarted process).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()
    tag: Mapped[Tag | None] = relationship()

    @property
    def seems_interrupted(self) -> bool:
        """Unfinished and silent for long: its process stopped (a restart) and nobody will finish it."""
        finished = self.status in (ImportRunStatus.DONE, ImportRunStatus.FAILED)
        return not finished and utcnow() - self.updated_at > IMPORT_RUN_SILENCE
