"""The spreadsheet import: employers kept in an operator's CSV or XLSX, within the user's basins."""

import sqlalchemy as sa

from app.auth.models import User
from app.employers.enums import EmployerSource
from app.employers.establishments import Establishment, ImportReport, Reference, upsert_establishments, valid_siret
from app.employers.models import Employer
from app.employers.readers import ImportFileError, spreadsheet_rows
from app.employers.services import EmployerData, EmployerError, comparable_name, create_employer
from app.extensions import db
from app.referential.enums import HeadcountBand
from app.referential.models import BasinCommune
from app.text import normalize_for_search

SPREADSHEET_MAX_ROWS = 20_000

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


def import_spreadsheet(user: User, stream, filename: str) -> ImportReport:
    """Upsert employers kept in an operator's spreadsheet, within the user's basins. Does not commit."""
    basin_ids = None if user.sees_all_basins else user.basin_ids
    query = sa.select(BasinCommune)
    if basin_ids is not None:
        query = query.where(BasinCommune.basin_id.in_(basin_ids))
    communes = {c.insee_code: c for c in db.session.scalars(query)}
    communes_by_name = {normalize_for_search(c.name): c for c in communes.values()}
    report = ImportReport()
    rows = spreadsheet_rows(stream, filename)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFileError("Le fichier est vide.") from None
    index = _spreadsheet_header(header)
    reference = Reference(communes)
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
            siret = valid_siret(raw_siret, None, None)
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
    wanted = comparable_name(name)
    candidates = db.session.scalars(
        sa.select(Employer).where(
            Employer.commune_insee == commune_insee,
            Employer.search_name.like(f"%{wanted.split()[0]}%") if wanted else sa.false(),
        )
    )
    return next((e for e in candidates if comparable_name(e.name) == wanted), None)
