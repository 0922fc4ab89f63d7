"""The spreadsheet import: employers kept in an operator's CSV or XLSX, within the user's basins.

The whole file is read and checked first, cell by cell (a bad cell rejects its line), so that
an unreadable file stops before anything is written; then the kept rows are written in
batches. An employer without SIRET is recognised by its name within its commune: each
commune's names are loaded once and compared in Python, which keeps the cost per row well
under a millisecond (one query per row took 23 ms).

Tags (an « Étiquettes » column, and the form's tag for every line) are added to what the
employer carries, never replace it, once the rows are written: a few statements per batch.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from app.audit.services import record_event
from app.auth.models import User
from app.dialects import insert
from app.employers.enums import EmployerSource
from app.employers.establishments import (
    Establishment,
    ImportReport,
    Reference,
    first_occurrence_of_siret,
    upsert_establishments,
)
from app.employers.import_cells import (
    ENSEIGNE_MAX,
    NAME_MAX,
    STREET_MAX,
    CellError,
    postcode_cell,
    tags_by_name,
    tags_cell,
    text_cell,
)
from app.employers.models import Employer, Tag, employer_tags
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
    "tags": ("etiquettes", "etiquette", "tags"),
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
            "et si possible « SIRET », « Enseigne », « Code NAF », « Tranche d'effectif », « Adresse », « Code postal », "
            "« Étiquettes »."
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
    # The employer behind each comparable name: its id, or the Employer this import creates.
    employers: dict[str, "int | Employer"] = field(default_factory=dict)
    # (name, search_name, comparable) in insertion order, and their positions by 4-letter substring.
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    by_substring: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, search_name: str, employer: "int | Employer") -> None:
        comparable = comparable_name(name)
        self.comparables.add(comparable)
        self.employers.setdefault(comparable, employer)
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
                sa.select(Employer.name, Employer.search_name, Employer.id)
                .where(Employer.commune_insee == commune_insee)
                .order_by(Employer.id)
            )
            for name, search_name, employer_id in rows:
                names.add(name, search_name, employer_id)
        return names


def import_spreadsheet(
    user: User,
    binary: BinaryIO,
    filename: str,
    after_batch: Callable[[ImportReport], None] | None = None,
    tag: Tag | None = None,
) -> ImportReport:
    """Upsert employers kept in an operator's spreadsheet, within the user's basins. Does not commit.

    ``after_batch(report)`` runs after each batch written: a background run commits there.
    ``tag`` is added to every line's employer, with the tags of its « Étiquettes » cell.
    """
    if tag is not None and not tag.is_active:
        raise ImportFileError(f"L'étiquette « {tag.label} » choisie pour toutes les lignes est archivée.")
    report = ImportReport()
    tagging = _Tagging(tag.id if tag is not None else None)
    with_siret, without_siret = _read(user, binary, filename, report, tagging)
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
    tagging.write(user, filename, report)
    return report


class _Tagging:
    """The tags each kept line asks for, set once its employer is written."""

    def __init__(self, every_line_tag_id: int | None):
        self.every_line = {every_line_tag_id} if every_line_tag_id is not None else set()
        self.by_siret: dict[str, set[int]] = {}
        self.by_employer: list[tuple[int | Employer, set[int]]] = []

    def wanted(self, tag_ids: set[int]) -> set[int]:
        return tag_ids | self.every_line

    def write(self, user: User, filename: str, report: ImportReport) -> None:
        pairs: set[tuple[int, int]] = set()
        for employer, tag_ids in self.by_employer:
            employer_id = employer if isinstance(employer, int) else employer.id
            pairs.update((employer_id, tag_id) for tag_id in tag_ids)
        sirets = list(self.by_siret)
        for start in range(0, len(sirets), WRITE_BATCH_SIZE):
            # A SIRET rejected while written (no name) has no row, hence no tag.
            query = sa.select(Employer.siret, Employer.id).where(
                Employer.siret.in_(sirets[start : start + WRITE_BATCH_SIZE])
            )
            if not user.sees_all_basins:
                query = query.where(Employer.basin_id.in_(user.basin_ids))
            for siret, employer_id in db.session.execute(query):
                pairs.update((employer_id, tag_id) for tag_id in self.by_siret[siret])
        added_by_tag: dict[int, int] = defaultdict(int)
        ordered = sorted(pairs)
        for start in range(0, len(ordered), WRITE_BATCH_SIZE):
            batch = ordered[start : start + WRITE_BATCH_SIZE]
            present = set(
                db.session.execute(
                    sa.select(employer_tags.c.employer_id, employer_tags.c.tag_id).where(
                        employer_tags.c.employer_id.in_({employer_id for employer_id, _ in batch})
                    )
                ).tuples()
            )
            new = [{"employer_id": e, "tag_id": t} for e, t in batch if (e, t) not in present]
            if new:
                db.session.execute(insert(employer_tags).on_conflict_do_nothing(), new)
            for row in new:
                added_by_tag[row["tag_id"]] += 1
        codes = dict(
            db.session.execute(sa.select(Tag.id, Tag.code).where(Tag.id.in_(list(added_by_tag)))).tuples().all()
        )
        for tag_id, added in sorted(added_by_tag.items()):
            # As a bulk action from the list: which tag, how many employers, and here which file.
            changes = {"bulk": "add", "tag": codes[tag_id], "employers": added, "import": filename}
            record_event("update", "Tag", str(tag_id), changes)
        report.tagged += sum(added_by_tag.values())


def _read(
    user: User, binary: BinaryIO, filename: str, report: ImportReport, tagging: _Tagging
) -> tuple[list[Establishment], list]:
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
    known_tags = tags_by_name(list(db.session.scalars(sa.select(Tag))))
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
            tag_ids = tagging.wanted(tags_cell(cell("tags"), known_tags))
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
            if tag_ids:
                tagging.by_siret[siret] = tag_ids
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
            if tag_ids:
                tagging.by_employer.append((names.employers[wanted], tag_ids))
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
        names.add(employer.name, employer.search_name, employer)
        without_siret.append(employer)
        if tag_ids:
            tagging.by_employer.append((employer, tag_ids))
    return with_siret, without_siret
