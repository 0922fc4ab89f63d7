"""Imports of establishments: INSEE's SIRENE stock files and operators' spreadsheets.

Both end in the same upsert by SIRET, in batches, inside the caller's transaction: a bad
file stops before anything is written, and any error leaves the database as it was.
An import never overwrites a field of an employer that an adviser created or edited by
hand; it only fills the fields left empty there.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.auth.models import User
from app.employers.enums import EmployerSource
from app.employers.models import Employer
from app.errors import DomainError
from app.extensions import db
from app.referential.enums import HeadcountBand
from app.referential.models import Basin, BasinCommune, NafCode
from app.text import normalize_for_search
from app.timeutils import utcnow

BATCH_SIZE = 1000
MAX_REPORTED_REJECTIONS = 1000
SPREADSHEET_MAX_ROWS = 20_000
WITHHELD = "[ND]"  # INSEE: field withheld at the person's request

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
# Compared on the stored row to decide between "updated" and "unchanged".
COMPARED_FIELDS = ("name", "enseigne", "naf_code", "headcount_band", "street", "postcode", "created_on")


class ImportFileError(DomainError):
    """The file cannot be imported at all; the message says why, in French."""


@dataclass
class Rejection:
    line: int
    siret: str
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    kept: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    outside_basin: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    naf_left_empty: int = 0

    def reject(self, line: int, siret: str, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REPORTED_REJECTIONS:
            self.rejected.append(Rejection(line, siret, reason))

    @property
    def changed_nothing(self) -> bool:
        return self.created == 0 and self.updated == 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Lignes lues : {self.read}",
            f"Établissements retenus : {self.kept}",
            f"Créés : {self.created}",
            f"Mis à jour : {self.updated}",
            f"Inchangés : {self.unchanged}",
        ]
        if self.closed:
            lines.append(f"Ignorés car fermés : {self.closed}")
        if self.outside_basin:
            lines.append(f"Ignorés car hors du bassin : {self.outside_basin}")
        if self.naf_left_empty:
            lines.append(f"Code NAF absent du référentiel (laissé vide) : {self.naf_left_empty}")
        lines.append(f"Rejetés : {self.rejected_count}")
        if self.changed_nothing:
            lines.append("Aucun changement : la base était déjà à jour.")
        return lines


@dataclass
class Establishment:
    """One establishment as a file describes it, ready to upsert."""

    line: int
    siret: str
    name: str | None
    basin_id: int
    commune_insee: str
    commune_name: str
    enseigne: str | None = None
    naf_code: str | None = None
    headcount_band: HeadcountBand | None = None
    street: str | None = None
    postcode: str | None = None
    created_on: date | None = None


# --- Reading files -------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for the progress bar."""

    def __init__(self, raw, on_bytes: Callable[[int], None] | None):
        self._raw = raw
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if self._on_bytes and data:
            self._on_bytes(len(data))
        return len(data)


def _open_binary(path: Path):
    """The CSV's bytes and size: the file itself, or the single CSV inside a zip."""
    if not path.exists():
        raise ImportFileError(f"Fichier introuvable : {path}")
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        except (zipfile.BadZipFile, OSError, EOFError):
            raise ImportFileError(f"{path.name} : archive zip illisible ou tronquée.") from None
        if len(members) != 1:
            raise ImportFileError(f"{path.name} : l'archive doit contenir un seul fichier CSV.")
        return archive.open(members[0]), members[0].file_size
    return path.open("rb"), path.stat().st_size


def _csv_rows(binary, name: str, on_bytes=None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a UTF-8 comma-separated file, file errors turned into ImportFileError."""
    text = io.TextIOWrapper(io.BufferedReader(_CountingReader(binary, on_bytes), 1 << 20), "utf-8", newline="")
    reader = csv.reader(text)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{name} : le fichier n'est pas encodé en UTF-8 (vers la ligne {reader.line_num + 1})."
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ImportFileError(f"{name} : archive tronquée ou corrompue (vers la ligne {reader.line_num}).") from None
    except csv.Error as error:
        raise ImportFileError(f"{name} : CSV mal formé à la ligne {reader.line_num} ({error}).") from None
    finally:
        binary.close()


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


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


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


class _Reference:
    """What rows are checked against, loaded once."""

    def __init__(self, communes: dict[str, BasinCommune]):
        self.communes = communes
        self.naf_codes = set(db.session.scalars(sa.select(NafCode.code)))
        self.bands = {band.value: band for band in HeadcountBand}

    def naf(self, code: str | None, report: ImportReport) -> str | None:
        if code and code not in self.naf_codes:
            report.naf_left_empty += 1
            return None
        return code


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
# La Poste's establishments follow another rule (digit sum % 5), except its head office.
LA_POSTE_SIREN, LA_POSTE_HEAD_OFFICE = "356000000", "35600000000048"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        total += _LUHN_DOUBLED[digit] if position % 2 else digit
    return total % 10 == 0


def is_valid_siret(siret: str) -> bool:
    """The same answer as python-stdnum's ``siret.is_valid``, about ten times faster.

    The interactive forms use stdnum itself; an import checks millions of lines, where
    stdnum's generic cleaning and checksum code was the largest cost after the database.
    """
    if len(siret) != 14 or not siret.isdigit() or not _luhn_ok(siret[:9]):
        return False
    if siret[:9] == LA_POSTE_SIREN and siret != LA_POSTE_HEAD_OFFICE:
        return sum(ord(c) - 48 for c in siret) % 5 == 0
    return _luhn_ok(siret)


def _valid_siret(siret: str | None, siren: str | None, nic: str | None) -> str | None:
    if not siret or not is_valid_siret(siret):
        return None
    if (siren and siret[:9] != siren) or (nic and siret[9:] != nic):
        return None
    return siret


def read_sirene_establishments(
    path: Path, communes: dict[str, BasinCommune], report: ImportReport, on_bytes=None
) -> list[Establishment]:
    """The active establishments of the basin's communes; the rest counted or rejected."""
    binary, _size = _open_binary(path)
    rows = _csv_rows(binary, path.name, on_bytes)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFileError(f"{path.name} : le fichier est vide.") from None
    index = _header_index(header, SIRENE_REQUIRED, path.name)
    reference = _Reference(communes)
    kept: list[Establishment] = []
    seen: set[str] = set()
    for line, cells in rows:
        report.read += 1
        if _value(cells, index, "etatAdministratifEtablissement") != "A":
            report.closed += 1
            continue
        raw_siret = _value(cells, index, "siret") or ""
        commune_code = _value(cells, index, "codeCommuneEtablissement")
        if not commune_code or len(commune_code) != 5:
            report.reject(line, raw_siret, "commune inconnue (code commune absent ou mal formé)")
            continue
        commune = communes.get(commune_code)
        if commune is None:
            report.outside_basin += 1
            continue
        siret = _valid_siret(raw_siret, _value(cells, index, "siren"), _value(cells, index, "nic"))
        if siret is None:
            report.reject(line, raw_siret, "SIRET invalide (format ou clé de contrôle)")
            continue
        if siret in seen:
            report.reject(line, siret, "SIRET en double dans le fichier")
            continue
        seen.add(siret)
        enseigne = _value(cells, index, "enseigne1Etablissement")
        kept.append(
            Establishment(
                line=line,
                siret=siret,
                name=_value(cells, index, "denominationUsuelleEtablissement") or enseigne,
                basin_id=commune.basin_id,
                commune_insee=commune.insee_code,
                commune_name=commune.name,
                enseigne=enseigne,
                naf_code=reference.naf(_value(cells, index, "activitePrincipaleEtablissement"), report),
                headcount_band=reference.bands.get(_value(cells, index, "trancheEffectifsEtablissement") or ""),
                street=_street(cells, index),
                postcode=_value(cells, index, "codePostalEtablissement"),
                created_on=_parse_date(_value(cells, index, "dateCreationEtablissement")),
            )
        )
    return kept


def read_legal_unit_names(path: Path, sirens: set[str], on_bytes=None) -> dict[str, str]:
    """denominationUniteLegale (or the person's name) of the given SIRENs only: memory stays bounded."""
    binary, _size = _open_binary(path)
    rows = _csv_rows(binary, path.name, on_bytes)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFileError(f"{path.name} : le fichier est vide.") from None
    index = _header_index(header, LEGAL_UNITS_REQUIRED, path.name)
    names = {}
    for _line, cells in rows:
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


# --- Upsert ----------------------------------------------------------------------------------

_TABLE = Employer.__table__


def _search_name(name: str, enseigne: str | None, commune_name: str | None) -> str:
    # Same text as Employer.refresh_search_name: Core statements bypass the ORM event.
    return normalize_for_search(" ".join(filter(None, [name, enseigne, commune_name])))


def _stored(sirets: list[str]) -> dict[str, sa.Row]:
    columns = [_TABLE.c.id, _TABLE.c.siret, _TABLE.c.source, _TABLE.c.edited_by_hand_at, _TABLE.c.commune_name]
    columns += [_TABLE.c[name] for name in COMPARED_FIELDS]
    return {row.siret: row for row in db.session.execute(sa.select(*columns).where(_TABLE.c.siret.in_(sirets)))}


def _desired(row: sa.Row, establishment: Establishment, source: EmployerSource) -> dict:
    """The values to store: all of the file's on a record untouched by hand, else only the empty fields."""
    overwrite = row.edited_by_hand_at is None and row.source == source.value
    values = {}
    for name in COMPARED_FIELDS:
        incoming = getattr(establishment, name)
        current = getattr(row, name)
        if isinstance(incoming, HeadcountBand):
            incoming = incoming.value
        if incoming is None:
            values[name] = current
        elif overwrite or current is None:
            values[name] = incoming
        else:
            values[name] = current
    return values


def upsert_establishments(establishments: list[Establishment], source: EmployerSource, report: ImportReport) -> None:
    """Insert the new SIRETs, update the changed ones, in batches of executemany statements."""
    now = utcnow()
    insert = sa.insert(_TABLE)
    update = (
        sa.update(_TABLE)
        .where(_TABLE.c.id == sa.bindparam("b_id"))
        .values(
            {name: sa.bindparam(f"b_{name}") for name in COMPARED_FIELDS}
            | {
                "search_name": sa.bindparam("b_search_name"),
                "updated_at": sa.bindparam("b_updated_at"),
                "version": _TABLE.c.version + 1,
            }
        )
    )
    for start in range(0, len(establishments), BATCH_SIZE):
        batch = establishments[start : start + BATCH_SIZE]
        stored = _stored([e.siret for e in batch])
        new_rows, changed_rows = [], []
        for establishment in batch:
            row = stored.get(establishment.siret)
            if row is None:
                if not establishment.name:
                    report.reject(
                        establishment.line, establishment.siret, "aucun nom (joignez le fichier des unités légales)"
                    )
                    continue
                new_rows.append(_new_row(establishment, source, now))
                continue
            values = _desired(row, establishment, source)
            if all(values[name] == _comparable(getattr(row, name)) for name in COMPARED_FIELDS):
                report.unchanged += 1
                continue
            changed_rows.append(
                {f"b_{name}": value for name, value in values.items()}
                | {
                    "b_id": row.id,
                    "b_search_name": _search_name(values["name"], values["enseigne"], row.commune_name),
                    "b_updated_at": now,
                }
            )
        if new_rows:
            db.session.execute(insert, new_rows)
        if changed_rows:
            db.session.execute(update, changed_rows)
        report.created += len(new_rows)
        report.updated += len(changed_rows)


def _comparable(value):
    return value.value if isinstance(value, HeadcountBand) else value


def _new_row(establishment: Establishment, source: EmployerSource, now) -> dict:
    return {
        "siret": establishment.siret,
        "siren": establishment.siret[:9],
        "name": establishment.name,
        "enseigne": establishment.enseigne,
        "search_name": _search_name(establishment.name, establishment.enseigne, establishment.commune_name),
        "naf_code": establishment.naf_code,
        "headcount_band": establishment.headcount_band.value if establishment.headcount_band else None,
        "street": establishment.street,
        "postcode": establishment.postcode,
        "commune_insee": establishment.commune_insee,
        "commune_name": establishment.commune_name,
        "basin_id": establishment.basin_id,
        "created_on": establishment.created_on,
        "source": source.value,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def import_sirene(
    basin_code: str, establishments_path: Path, legal_units_path: Path | None = None, on_bytes=None
) -> ImportReport:
    """Upsert the basin's active establishments from the SIRENE stock files. Does not commit."""
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == basin_code))
    if basin is None:
        raise ImportFileError(f"Bassin inconnu : {basin_code}. Les codes sont ceux des zones d'emploi (ex. 5219).")
    communes = {
        c.insee_code: c for c in db.session.scalars(sa.select(BasinCommune).where(BasinCommune.basin_id == basin.id))
    }
    report = ImportReport()
    establishments = read_sirene_establishments(Path(establishments_path), communes, report, on_bytes)
    if legal_units_path is not None:
        names = read_legal_unit_names(Path(legal_units_path), {e.siret[:9] for e in establishments}, on_bytes)
        for establishment in establishments:
            # The legal unit's name is the employer's name; the establishment's own names stay as enseigne.
            establishment.name = names.get(establishment.siret[:9], establishment.name)
    report.kept = len(establishments)
    upsert_establishments(establishments, EmployerSource.SIRENE, report)
    return report


# --- Spreadsheets ----------------------------------------------------------------------------

SPREADSHEET_COLUMNS = {
    "siret": ("siret",),
    "name": ("raison sociale", "nom", "denomination", "entreprise"),
    "enseigne": ("enseigne",),
    "naf_code": ("code naf", "naf", "code ape", "ape"),
    "headcount_band": ("tranche d effectif", "effectif", "tranche effectif"),
    "street": ("adresse", "rue"),
    "postcode": ("code postal", "cp"),
    "commune_insee": ("code commune insee", "code commune", "code insee", "insee"),
    "commune_name": ("commune", "ville"),
}


def _spreadsheet_rows(stream, filename: str) -> Iterator[tuple[int, list[str]]]:
    data = stream.read()
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
            raise ImportFileError("Le fichier XLSX est illisible ou endommagé.") from None
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield (
                number,
                ["" if v is None else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)) for v in row],
            )
        workbook.close()
        return
    if not filename.lower().endswith(".csv"):
        raise ImportFileError("Format non pris en charge : envoyez un fichier .csv ou .xlsx.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in French saves "CSV" in Windows-1252.
        text = data.decode("cp1252", errors="strict") if _looks_cp1252(data) else None
        if text is None:
            raise ImportFileError("Le fichier CSV n'est ni en UTF-8 ni en Windows-1252.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise ImportFileError(f"CSV mal formé à la ligne {reader.line_num} ({error}).") from None


def _looks_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _spreadsheet_header(header: list[str]) -> dict[str, int]:
    normalized = [normalize_for_search(cell) for cell in header]
    index = {}
    for key, names in SPREADSHEET_COLUMNS.items():
        for position, cell in enumerate(normalized):
            if cell in names:
                index[key] = position
                break
    if "name" not in index or not ({"commune_insee", "commune_name"} & index.keys()):
        raise ImportFileError(
            "Colonnes attendues : « Raison sociale » et « Code commune INSEE » (ou « Commune »), "
            "et si possible « SIRET », « Enseigne », « Code NAF », « Tranche d'effectif », « Adresse », « Code postal »."
        )
    return index


def _row_values(cells: list[str], index: dict[str, int]) -> dict[str, str]:
    """The row's non-empty cells by field name."""
    values = {key: cells[position].strip() for key, position in index.items() if position < len(cells)}
    return {key: value for key, value in values.items() if value}


def _band(text: str | None) -> HeadcountBand | None:
    if not text:
        return None
    for band in HeadcountBand:
        if text in (band.value, band.label) or normalize_for_search(text) == normalize_for_search(band.label):
            return band
    return None


def import_spreadsheet(user: User, stream, filename: str) -> ImportReport:
    """Upsert employers kept in an operator's spreadsheet, within the user's basins. Does not commit."""
    from app.employers.services import EmployerData, EmployerError, create_employer

    basin_ids = None if user.sees_all_basins else user.basin_ids
    query = sa.select(BasinCommune)
    if basin_ids is not None:
        query = query.where(BasinCommune.basin_id.in_(basin_ids))
    communes = {c.insee_code: c for c in db.session.scalars(query)}
    communes_by_name = {normalize_for_search(c.name): c for c in communes.values()}
    report = ImportReport()
    rows = _spreadsheet_rows(stream, filename)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFileError("Le fichier est vide.") from None
    index = _spreadsheet_header(header)
    reference = _Reference(communes)
    with_siret: list[Establishment] = []
    seen: set[str] = set()
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        report.read += 1
        if report.read > SPREADSHEET_MAX_ROWS:
            raise ImportFileError(f"Le fichier dépasse {SPREADSHEET_MAX_ROWS} lignes : découpez-le.")

        cell = _row_values(cells, index).get
        commune = communes.get(cell("commune_insee") or "") or communes_by_name.get(
            normalize_for_search(cell("commune_name") or "")
        )
        raw_siret = "".join((cell("siret") or "").split())
        if commune is None:
            report.reject(line, raw_siret, "commune inconnue ou hors de vos bassins")
            continue
        name = cell("name")
        if not name:
            report.reject(line, raw_siret, "raison sociale manquante")
            continue
        if raw_siret:
            siret = _valid_siret(raw_siret, None, None)
            if siret is None:
                report.reject(line, raw_siret, "SIRET invalide (format ou clé de contrôle)")
                continue
            if siret in seen:
                report.reject(line, siret, "SIRET en double dans le fichier")
                continue
            seen.add(siret)
            with_siret.append(
                Establishment(
                    line=line,
                    siret=siret,
                    name=name,
                    basin_id=commune.basin_id,
                    commune_insee=commune.insee_code,
                    commune_name=commune.name,
                    enseigne=cell("enseigne"),
                    naf_code=reference.naf(cell("naf_code"), report),
                    headcount_band=_band(cell("headcount_band")),
                    street=cell("street"),
                    postcode=cell("postcode"),
                )
            )
            continue
        report.kept += 1
        existing = _same_name_in_commune(name, commune.insee_code)
        if existing is not None:
            report.unchanged += 1
            continue
        try:
            with db.session.begin_nested():
                create_employer(
                    user,
                    EmployerData(
                        name=name,
                        commune_insee=commune.insee_code,
                        enseigne=cell("enseigne"),
                        naf_code=reference.naf(cell("naf_code"), report),
                        headcount_band=_band(cell("headcount_band")),
                        street=cell("street"),
                        postcode=cell("postcode"),
                    ),
                    source=EmployerSource.SPREADSHEET,
                )
        except EmployerError as error:
            report.reject(line, "", str(error))
            continue
        report.created += 1
    report.kept += len(with_siret)
    upsert_establishments(with_siret, EmployerSource.SPREADSHEET, report)
    return report


def _same_name_in_commune(name: str, commune_insee: str) -> Employer | None:
    from app.employers.services import comparable_name

    wanted = comparable_name(name)
    candidates = db.session.scalars(
        sa.select(Employer).where(
            Employer.commune_insee == commune_insee,
            Employer.search_name.like(f"%{wanted.split()[0]}%") if wanted else sa.false(),
        )
    )
    return next((e for e in candidates if comparable_name(e.name) == wanted), None)
