"""The SIRENE import: the basin's active establishments from INSEE's stock files."""

from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from app.employers.enums import EmployerSource
from app.employers.establishments import (
    Establishment,
    ImportReport,
    Reference,
    first_occurrence_of_siret,
)
from app.employers.import_cells import (
    ENSEIGNE_MAX,
    NAME_MAX,
    STREET_MAX,
    CellError,
    date_cell,
    postcode_cell,
    text_cell,
)
from app.employers.readers import ImportFileError, PrefilteredCsv, open_binary
from app.employers.staging import Staging
from app.extensions import db
from app.referential.models import Basin, Commune
from app.timeutils import utcnow

WITHHELD = "[ND]"
COMMUNE_CODE_LENGTH = 5
SIREN_LENGTH = 9  # INSEE: field withheld at the person's request

SIRENE_REQUIRED = (
    "siren",
    "nic",
    "siret",
    "etatAdministratifEtablissement",
    "codeCommuneEtablissement",
    "activitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
)
LEGAL_UNITS_REQUIRED = ("siren", "denominationUniteLegale")


def _header_index(header: list[str], required: tuple[str, ...], name: str) -> dict[str, int]:
    """Columns by header name, never by position (INSEE adds columns over time)."""
    index = {column.strip().lstrip("\ufeff"): position for position, column in enumerate(header)}
    missing = [column for column in required if column not in index]
    if missing:
        raise ImportFileError(
            f"{name} : colonnes attendues absentes : {', '.join(missing)}. Est-ce bien un fichier stock SIRENE ?"
        )
    return index


def _value(cells: list[str], index: dict[str, int], column: str) -> str | None:
    position = index.get(column)
    if position is None or position >= len(cells):
        return None
    value = cells[position].strip()
    return None if value in ("", WITHHELD) else value


def _street(cells, index) -> str | None:
    parts = [
        _value(cells, index, column)
        for column in (
            "numeroVoieEtablissement",
            "indiceRepetitionEtablissement",
            "typeVoieEtablissement",
            "libelleVoieEtablissement",
        )
    ]
    return " ".join(p for p in parts if p) or None


def _open(path: Path, required: tuple[str, ...], on_bytes) -> tuple[PrefilteredCsv, dict[str, int]]:
    """The file, its header read, and the position of each column the header names."""
    binary, _size = open_binary(path)
    reader = PrefilteredCsv(binary, path.name, on_bytes)
    try:
        return reader, _header_index(reader.header, required, path.name)
    except ImportFileError:
        binary.close()
        raise


def read_sirene_establishments(
    path: Path, communes: dict[str, Commune], report: ImportReport, on_bytes=None
) -> Iterator[Establishment]:
    """The active establishments of the basin's communes, as they are read; the rest counted or rejected.

    A line of another commune is skipped before it is parsed (``PrefilteredCsv``): it is counted
    outside the basin, open or closed."""
    reader, index = _open(path, SIRENE_REQUIRED, on_bytes)
    reference = Reference(communes)
    seen: set[str] = set()
    try:
        for line, cells in reader.rows(index["codeCommuneEtablissement"], communes, COMMUNE_CODE_LENGTH):
            report.read += 1
            if _value(cells, index, "etatAdministratifEtablissement") != "A":
                report.closed += 1
                continue
            raw_siret = _value(cells, index, "siret") or ""
            commune_code = _value(cells, index, "codeCommuneEtablissement")
            if not commune_code or len(commune_code) != COMMUNE_CODE_LENGTH:
                report.reject(line, raw_siret, "commune inconnue (code commune absent ou mal formé)")
                continue
            commune = communes.get(commune_code)
            if commune is None:
                report.outside_basin += 1
                continue
            siret = first_occurrence_of_siret(
                line, raw_siret, _value(cells, index, "siren"), _value(cells, index, "nic"), seen, report
            )
            if siret is None:
                continue
            try:
                enseigne = text_cell(_value(cells, index, "enseigne1Etablissement"), "enseigne", ENSEIGNE_MAX)
                usual_name = text_cell(
                    _value(cells, index, "denominationUsuelleEtablissement"), "raison sociale", NAME_MAX
                )
                street = text_cell(_street(cells, index), "adresse", STREET_MAX)
                postcode = postcode_cell(_value(cells, index, "codePostalEtablissement"))
                created_on = date_cell(_value(cells, index, "dateCreationEtablissement"), "date de création")
            except CellError as error:
                report.reject(line, siret, str(error))
                continue
            yield Establishment(
                line=line,
                siret=siret,
                name=usual_name or enseigne,
                basin_id=commune.basin_id,
                commune_insee=commune.insee_code,
                commune_name=commune.name,
                enseigne=enseigne,
                naf_code=reference.naf(_value(cells, index, "activitePrincipaleEtablissement"), report),
                # Optional column: INSEE adds it to the stock files as NAF 2025 comes into force.
                naf25_code=reference.naf25(_value(cells, index, "activitePrincipaleNAF25Etablissement")),
                headcount_band=reference.bands.get(_value(cells, index, "trancheEffectifsEtablissement") or ""),
                street=street,
                postcode=postcode,
                created_on=created_on,
            )
    finally:
        report.read += reader.skipped
        report.outside_basin += reader.skipped


def read_legal_unit_names(path: Path, sirens: set[str], on_bytes=None) -> dict[str, str]:
    """denominationUniteLegale (or the person's name) of the given SIRENs only: memory stays bounded."""
    reader, index = _open(path, LEGAL_UNITS_REQUIRED, on_bytes)
    names = {}
    for _line, cells in reader.rows(index["siren"], sirens, SIREN_LENGTH):
        siren = _value(cells, index, "siren")
        if siren not in sirens:
            continue
        name = _value(cells, index, "denominationUniteLegale")
        if not name:
            person = [_value(cells, index, "prenom1UniteLegale"), _value(cells, index, "nomUniteLegale")]
            name = " ".join(p for p in person if p) or None
        if name:
            names[siren] = name
    return names


def import_sirene(
    basin_code: str, establishments_path: Path, legal_units_path: Path | None = None, on_bytes=None
) -> ImportReport:
    """Upsert the basin's active establishments from the SIRENE stock files. Does not commit."""
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == basin_code))
    if basin is None:
        raise ImportFileError(f"Bassin inconnu : {basin_code}. Les codes sont ceux des zones d'emploi (ex. 5219).")
    communes = {c.insee_code: c for c in db.session.scalars(sa.select(Commune).where(Commune.basin_id == basin.id))}
    report = ImportReport()
    staging = Staging()
    staging.add(read_sirene_establishments(Path(establishments_path), communes, report, on_bytes))
    if legal_units_path is not None:
        _name_after_legal_units(staging, Path(legal_units_path), report, on_bytes)
    report.kept = staging.count
    staging.upsert(EmployerSource.SIRENE, report, utcnow())
    return report


def _name_after_legal_units(staging: Staging, path: Path, report: ImportReport, on_bytes) -> None:
    """The legal unit's name is the employer's name; the establishment's own names stay as enseigne."""
    names, refused = {}, {}
    for siren, name in read_legal_unit_names(path, staging.sirens(), on_bytes).items():
        try:
            names[siren] = text_cell(name, "raison sociale", NAME_MAX)
        except CellError as error:
            refused[siren] = f"{error} (fichier des unités légales)"
    for line, siret in staging.remove(set(refused)):
        report.reject(line, siret, refused[siret[:9]])
    staging.rename({siren: name for siren, name in names.items() if name})
