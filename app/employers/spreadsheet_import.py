"""The spreadsheet import: employers kept in an operator's CSV or XLSX, within the user's basins.

The whole file is read and checked first, cell by cell (a bad cell rejects its line), so that
an unreadable file stops before anything is written; then the kept rows are written in
batches. An employer without SIRET is recognised by its name within its commune: each
commune's names are loaded once and compared in Python, which keeps the cost per row well
under a millisecond (one query per row took 23 ms).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from app.auth.models import User
from app.employers.enums import EmployerSource
from app.employers.establishments import (
    Establishment,
    ImportReport,
    Reference,
    first_occurrence_of_siret,
    upsert_establishments,
)
from app.employers.import_cells import ENSEIGNE_MAX, NAME_MAX, STREET_MAX, CellError, postcode_cell, text_cell
from app.employers.models import Employer
from app.employers.readers import ImportFileError, spreadsheet_rows
from app.employers.services import DUPLICATE_NAME_RATIO, PossibleDuplicates, comparable_name, names_look_alike
from app.extensions import db
from app.referential.enums import HeadcountBand
from app.referential.models import Commune
from app.text import normalize_for_search
from app.timeutils import utcnow

SPREADSHEET_MAX_ROWS = 20_000
WRITE_BATCH_SIZE = 1000
# As possible_duplicates: at most this many employers of the commune sharing the name's longest word.
LOOK_ALIKE_CANDIDATES = 200
# RapidFuzz's ratio is never below difflib's, so it only discards pairs that cannot look alike;
# floats may put a ratio of exactly 0.85 a hair below 85.
_PRE_FILTER_CUTOFF = DUPLICATE_NAME_RATIO * 100 - 0.01
_LOOK_ALIKE_REASON = str(PossibleDuplicates([]))

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


@dataclass
class _CommuneNames:
    """The names of a commune's employers, as the duplicate checks compare them."""

    comparables: set[str] = field(default_factory=set)
    # (name, search_name, comparable) in insertion order, and their positions by 4-letter substring.
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    by_substring: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, search_name: str) -> None:
        comparable = comparable_name(name)
        self.comparables.add(comparable)
        position = len(self.entries)
        self.entries.append((name, search_name, comparable))
        for start in {search_name[i : i + 4] for i in range(max(len(search_name) - 3, 1))}:
            self.by_substring[start].append(position)

    def has_look_alike(self, name: str) -> bool:
        """What possible_duplicates answers: a very close name among those holding the longest word's start."""
        wanted = comparable_name(name)
        words = [w for w in wanted.split() if len(w) >= 3] or wanted.split()[:1]
        if not words:
            return False
        pattern = max(words, key=len)[:4]
        if len(pattern) == 4:
            positions = self.by_substring.get(pattern, [])[:LOOK_ALIKE_CANDIDATES]
        else:
            positions = [i for i, entry in enumerate(self.entries) if pattern in entry[1]][:LOOK_ALIKE_CANDIDATES]
        if not positions:
            return False
        candidates = [self.entries[i] for i in positions]
        close = process.extract(
            wanted, [entry[2] for entry in candidates], scorer=fuzz.ratio, score_cutoff=_PRE_FILTER_CUTOFF, limit=None
        )
        return any(names_look_alike(name, candidates[index][0]) for _, _, index in close)


class _KnownNames:
    """Each commune's names, loaded once, then kept current with the rows this import creates."""

    def __init__(self):
        self._communes: dict[str, _CommuneNames] = {}

    def of(self, commune_insee: str) -> _CommuneNames:
        names = self._communes.get(commune_insee)
        if names is None:
            names = self._communes[commune_insee] = _CommuneNames()
            rows = db.session.execute(
                sa.select(Employer.name, Employer.search_name)
                .where(Employer.commune_insee == commune_insee)
                .order_by(Employer.id)
            )
            for name, search_name in rows:
                names.add(name, search_name)
        return names


def import_spreadsheet(
    user: User, binary: BinaryIO, filename: str, after_batch: Callable[[ImportReport], None] | None = None
) -> ImportReport:
    """Upsert employers kept in an operator's spreadsheet, within the user's basins. Does not commit.

    ``after_batch(report)`` runs after each batch written: a background run commits there.
    """
    report = ImportReport()
    with_siret, without_siret = _read(user, binary, filename, report)
    progress = (lambda: after_batch(report)) if after_batch is not None else None
    for start in range(0, len(without_siret), WRITE_BATCH_SIZE):
        batch = without_siret[start : start + WRITE_BATCH_SIZE]
        db.session.add_all(batch)
        db.session.flush()
        report.created += len(batch)
        if progress is not None:
            progress()
    report.kept += len(with_siret)
    upsert_establishments(with_siret, EmployerSource.SPREADSHEET, report, progress)
    return report


def _read(user: User, binary: BinaryIO, filename: str, report: ImportReport) -> tuple[list[Establishment], list]:
    """The file's rows checked: establishments with a SIRET, new employers without; the rest rejected."""
    basin_ids = None if user.sees_all_basins else user.basin_ids
    query = sa.select(Commune).where(Commune.basin_id.is_not(None))
    if basin_ids is not None:
        query = query.where(Commune.basin_id.in_(basin_ids))
    communes = {c.insee_code: c for c in db.session.scalars(query)}
    communes_by_name = {normalize_for_search(c.name): c for c in communes.values()}
    rows = spreadsheet_rows(binary, filename)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFileError("Le fichier est vide.") from None
    index = _spreadsheet_header(header)
    reference = Reference(communes)
    known = _KnownNames()
    now = utcnow()
    with_siret: list[Establishment] = []
    without_siret: list[Employer] = []
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
        try:
            name = text_cell(cell("name"), "raison sociale", NAME_MAX)
            enseigne = text_cell(cell("enseigne"), "enseigne", ENSEIGNE_MAX)
            street = text_cell(cell("street"), "adresse", STREET_MAX)
            postcode = postcode_cell(cell("postcode"))
        except CellError as error:
            report.reject(line, raw_siret, str(error))
            continue
        if not name:
            report.reject(line, raw_siret, "raison sociale manquante")
            continue
        if raw_siret:
            siret = first_occurrence_of_siret(line, raw_siret, None, None, seen, report)
            if siret is None:
                continue
            with_siret.append(
                Establishment(
                    line=line,
                    siret=siret,
                    name=name,
                    basin_id=commune.basin_id,
                    commune_insee=commune.insee_code,
                    commune_name=commune.name,
                    enseigne=enseigne,
                    naf_code=reference.naf(cell("naf_code"), report),
                    headcount_band=_band(cell("headcount_band")),
                    street=street,
                    postcode=postcode,
                )
            )
            continue
        report.kept += 1
        names = known.of(commune.insee_code)
        wanted = comparable_name(name)
        if wanted and wanted in names.comparables:
            report.unchanged += 1
            continue
        if names.has_look_alike(name):
            report.reject(line, "", _LOOK_ALIKE_REASON)
            continue
        employer = Employer(
            source=EmployerSource.SPREADSHEET,
            name=name,
            enseigne=enseigne,
            naf_code=reference.naf(cell("naf_code"), report),
            headcount_band=_band(cell("headcount_band")),
            street=street,
            postcode=postcode,
            commune_insee=commune.insee_code,
            commune_name=commune.name,
            basin_id=commune.basin_id,
            # As create_employer: a row entered by a person, which later imports only complete.
            edited_by_hand_at=now,
        )
        employer.refresh_search_name()
        names.add(employer.name, employer.search_name)
        without_siret.append(employer)
    return with_siret, without_siret
