"""Basins administered in the browser: create, rename, close and reopen them, give them communes
(by EPCI, by département, one by one, or a whole « commune → zone d'emploi » file).

A commune is in one basin at most (the communes' primary key holds it). A commune that changes
basin takes its employers along, and the copies of the basin on their rows, in the same
transaction: the referential cannot import the employers domain, so it announces the move
(``signals.communes_moved``) and ``app/employers/receivers.py`` moves them in bulk. Each change of
a commune's basin is one audit event (commune, from, to, employers moved).
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import current_actor
from app.errors import DomainError
from app.extensions import db
from app.formatting import number as french_number
from app.formatting import plural
from app.referential.models import Basin, Commune, Departement, Epci
from app.referential.queries import employers_by_commune
from app.referential.signals import communes_moved
from app.text import normalize_for_search
from app.timeutils import utcnow

CODE_MAX_LENGTH = 10
NAME_MAX_LENGTH = 120
# INSEE codes per statement: well under SQLite's limit of bound parameters.
CHUNK = 500
# Reported one by one: past this, a file is more likely the wrong file than a list to fix.
MAX_REPORTED_LINES = 50
INSEE_CODE = re.compile(r"(\d{5}|2[AB]\d{3})")


class BasinError(DomainError):
    """A change to the basins refused; the message says why, in French."""


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- The basin itself --------------------------------------------------------------------------


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise BasinError("Indiquez le nom du bassin.")
    if len(name) > NAME_MAX_LENGTH:
        raise BasinError(f"Le nom du bassin compte {NAME_MAX_LENGTH} caractères au plus.")
    return name


def create_basin(code: str, name: str, departement_code: str) -> Basin:
    """A new open basin, grouped in the dashboards under its département and that département's région."""
    code = (code or "").strip()
    if not code:
        raise BasinError("Indiquez le code du bassin (par exemple le code de la zone d'emploi de l'Insee).")
    if len(code) > CODE_MAX_LENGTH:
        raise BasinError(f"Le code du bassin compte {CODE_MAX_LENGTH} caractères au plus.")
    name = _checked_name(name)
    departement = db.session.get(Departement, departement_code or "")
    if departement is None:
        raise BasinError("Choisissez le département du bassin.")
    existing = db.session.scalar(sa.select(Basin).where(Basin.code == code))
    if existing is not None:
        raise BasinError(f"Le code {code} est déjà celui du bassin {existing.name}.")
    basin = Basin(code=code, name=name, departement_code=departement.code, region_code=departement.region_code)
    db.session.add(basin)
    db.session.flush()
    return basin


def rename_basin(basin: Basin, name: str) -> None:
    basin.name = _checked_name(name)
    db.session.flush()


def close_basin(basin: Basin, today: date) -> None:
    """A closed basin keeps its communes, employers and history, and takes no new employer."""
    if not basin.is_open:
        raise BasinError(f"Le bassin {basin.name} est déjà fermé depuis le {basin.closed_on:%d/%m/%Y}.")
    basin.closed_on = today
    db.session.flush()


def reopen_basin(basin: Basin) -> None:
    if basin.is_open:
        raise BasinError(f"Le bassin {basin.name} est ouvert.")
    basin.closed_on = None
    db.session.flush()


# --- Finding communes --------------------------------------------------------------------------


def epci_communes(text: str) -> tuple[Epci, list[str]]:
    """The EPCI named by its SIREN or its name (accents and case aside), and its communes."""
    wanted = (text or "").strip()
    if not wanted:
        raise BasinError("Indiquez le nom ou le numéro SIREN de l'EPCI.")
    epci = db.session.get(Epci, wanted.replace(" ", "")) if wanted.replace(" ", "").isdigit() else None
    if epci is None:
        folded = normalize_for_search(wanted)
        epcis = list(db.session.scalars(sa.select(Epci)))
        exact = [epci for epci in epcis if normalize_for_search(epci.name) == folded]
        close = exact or [epci for epci in epcis if folded and folded in normalize_for_search(epci.name)]
        if len(close) > 1:
            names = ", ".join(sorted(epci.name for epci in close)[:5])
            raise BasinError(f"Plusieurs EPCI répondent à « {wanted[:80]} » ({names}…) : précisez le nom ou le SIREN.")
        if not close:
            raise BasinError(f"Aucun EPCI ne s'appelle « {wanted[:80]} » : indiquez son nom exact ou son SIREN.")
        epci = close[0]
    codes = list(db.session.scalars(sa.select(Commune.insee_code).where(Commune.epci_code == epci.code)))
    return epci, codes


def departement_communes(text: str) -> tuple[Departement, list[str]]:
    """The département named by its code (44, 2A, 971) or its name, and its communes."""
    wanted = (text or "").strip()
    if not wanted:
        raise BasinError("Indiquez le code ou le nom du département.")
    departement = db.session.get(Departement, wanted.upper().zfill(2) if wanted.isdigit() else wanted.upper())
    if departement is None:
        folded = normalize_for_search(wanted)
        matching = [d for d in db.session.scalars(sa.select(Departement)) if normalize_for_search(d.name) == folded]
        if not matching:
            raise BasinError(f"Département inconnu : « {wanted[:80]} » (indiquez son numéro ou son nom).")
        departement = matching[0]
    codes = list(db.session.scalars(sa.select(Commune.insee_code).where(Commune.departement_code == departement.code)))
    return departement, codes


def find_commune(text: str, postcode: str | None = None) -> Commune:
    """A commune by its INSEE code, or by its name (accents and case aside) and, when several
    communes bear that name, its postcode."""
    wanted = (text or "").strip()
    if not wanted:
        raise BasinError("Indiquez le code INSEE ou le nom de la commune.")
    if INSEE_CODE.fullmatch(wanted.upper()):
        commune = db.session.get(Commune, wanted.upper())
        if commune is None:
            raise BasinError(f"Aucune commune n'a le code INSEE {wanted.upper()}.")
        return commune
    query = sa.select(Commune).where(Commune.search_name == normalize_for_search(wanted))
    postcode = (postcode or "").strip()
    if postcode:
        query = query.where((" " + Commune.postcodes + " ").contains(f" {postcode} ", autoescape=True))
    communes = list(db.session.scalars(query.order_by(Commune.departement_code, Commune.insee_code).limit(20)))
    if not communes:
        with_postcode = f" (code postal {postcode[:10]})" if postcode else ""
        raise BasinError(f"Aucune commune ne s'appelle « {wanted[:80]} »{with_postcode}.")
    if len(communes) > 1:
        listed = ", ".join(f"{c.name} ({c.postcodes.split(' ')[0]}, INSEE {c.insee_code})" for c in communes[:6])
        raise BasinError(f"Plusieurs communes s'appellent « {wanted[:80]} » : {listed}. Précisez le code postal.")
    return communes[0]


# --- Moving communes ---------------------------------------------------------------------------


@dataclass
class AssignReport:
    added: int = 0
    moved: int = 0
    already: int = 0
    left_elsewhere: int = 0
    employers_moved: int = 0

    def message(self) -> str:
        parts = [plural(self.added, "commune ajoutée", "communes ajoutées")]
        if self.moved:
            parts.append(plural(self.moved, "déplacée d'un autre bassin", "déplacées d'un autre bassin"))
        if self.already:
            parts.append(f"{french_number(self.already)} déjà dans le bassin")
        if self.left_elsewhere:
            parts.append(
                plural(self.left_elsewhere, "laissée dans un autre bassin", "laissées dans un autre bassin")
                + " (cochez « Déplacer aussi les communes d'un autre bassin » pour les déplacer)"
            )
        moved = plural(self.employers_moved, "entreprise déplacée", "entreprises déplacées")
        return ", ".join(parts) + (f" ; {moved}." if self.employers_moved else ".")


def _current_basins(codes: Iterable[str]) -> dict[str, int | None]:
    current: dict[str, int | None] = {}
    for chunk in _chunks(sorted(set(codes))):
        current.update(
            db.session.execute(sa.select(Commune.insee_code, Commune.basin_id).where(Commune.insee_code.in_(chunk)))
            .tuples()
            .all()
        )
    return current


def _move_communes(targets: dict[str, int | None], previous: dict[str, int | None]) -> int:
    """Put each commune in its target basin (None: no basin), its employers along; returns how many moved.

    A few statements per 500 communes, whatever their number: one UPDATE per target basin, then
    the employers' own (signals.communes_moved), then one INSERT of the audit events.
    """
    changed = {code: basin_id for code, basin_id in targets.items() if previous.get(code) != basin_id}
    if not changed:
        return 0
    communes = Commune.__table__
    by_basin: dict[int | None, list[str]] = {}
    for code, basin_id in changed.items():
        by_basin.setdefault(basin_id, []).append(code)
    for basin_id, codes in by_basin.items():
        for chunk in _chunks(codes):
            db.session.execute(sa.update(communes).where(communes.c.insee_code.in_(chunk)).values(basin_id=basin_id))
    moved_employers: dict[str, int] = {}
    for _receiver, counts in communes_moved.send(tuple(changed)):
        for code, count in (counts or {}).items():
            moved_employers[code] = moved_employers.get(code, 0) + count
    basin_ids = {basin_id for basin_id in [*changed.values(), *(previous[code] for code in changed)] if basin_id}
    basin_codes = dict(
        db.session.execute(sa.select(Basin.id, Basin.code).where(Basin.id.in_(basin_ids))).tuples().all()
    )
    actor_id, actor_label = current_actor()
    now = utcnow()
    events = [
        {
            "occurred_at": now,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": "update",
            "entity_type": "Commune",
            "entity_id": code,
            "changes": {
                "basin": [basin_codes.get(previous.get(code)), basin_codes.get(basin_id)],
                "employers_moved": moved_employers.get(code, 0),
            },
        }
        for code, basin_id in changed.items()
    ]
    db.session.execute(sa.insert(AuditEvent.__table__), events)
    # The UPDATEs bypassed the ORM: a commune already loaded reads its new basin on next access.
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Commune) and loaded.insee_code in changed:
            db.session.expire(loaded)
    return sum(moved_employers.values())


def _open(basin: Basin) -> None:
    if not basin.is_open:
        raise BasinError(f"Le bassin {basin.name} est fermé : rouvrez-le avant de lui donner des communes.")


def add_communes(basin: Basin, insee_codes: Iterable[str], *, move_others: bool) -> AssignReport:
    """Put these communes in the basin: those of no basin always, those of another basin only when
    ``move_others`` (their employers follow)."""
    _open(basin)
    previous = _current_basins(insee_codes)
    report = AssignReport()
    targets: dict[str, int | None] = {}
    for code, current in previous.items():
        if current == basin.id:
            report.already += 1
        elif current is None:
            report.added += 1
            targets[code] = basin.id
        elif move_others:
            report.moved += 1
            targets[code] = basin.id
        else:
            report.left_elsewhere += 1
    report.employers_moved = _move_communes(targets, previous)
    return report


def remove_commune(basin: Basin, insee_code: str) -> Commune:
    """Take a commune out of the basin, refused while employers are located there."""
    commune = db.session.get(Commune, insee_code or "")
    if commune is None or commune.basin_id != basin.id:
        raise BasinError("Cette commune n'est pas dans le bassin.")
    employers = employers_by_commune([commune.insee_code]).get(commune.insee_code, 0)
    if employers:
        raise BasinError(
            f"La commune {commune.name} compte {plural(employers, 'entreprise', 'entreprises')} : rattachez-la à un autre bassin "
            "(ajout depuis ce bassin-là, en cochant « Déplacer aussi les communes d'un autre bassin ») "
            "plutôt que de la retirer."
        )
    _move_communes({commune.insee_code: None}, {commune.insee_code: basin.id})
    return commune


# --- The « commune → zone d'emploi » file ------------------------------------------------------

# Headers, as normalize_for_search folds them: INSEE's table of zones d'emploi, and plain French ones.
COMMUNE_HEADERS = {"codgeo", "code commune", "code insee", "code insee commune", "commune", "insee", "depcom"}
ZONE_HEADERS = {
    "ze2020",
    "ze2010",
    "code zone",
    "code zone d emploi",
    "zone",
    "zone d emploi",
    "code bassin",
    "bassin",
}
ZONE_NAME_HEADERS = {
    "libze2020",
    "libze2010",
    "libelle zone",
    "libelle zone d emploi",
    "libelle de la zone d emploi",
    "nom zone",
    "nom de la zone",
    "nom de la zone d emploi",
    "nom bassin",
    "nom du bassin",
    "libelle bassin",
    "libelle",
    "nom",
}
# INSEE's spreadsheet opens with a few lines of title before its header.
HEADER_SEARCH_LINES = 10


@dataclass
class ZoneLine:
    number: int
    insee_code: str
    zone_code: str
    zone_name: str


@dataclass
class ImportReport:
    basins_created: int
    communes_assigned: int
    communes_moved: int
    communes_already: int
    employers_moved: int

    def message(self) -> str:
        return (
            f"Fichier importé : {plural(self.basins_created, 'bassin créé', 'bassins créés')}, "
            f"{plural(self.communes_assigned, 'commune rattachée', 'communes rattachées')}, "
            f"{plural(self.communes_moved, 'commune déplacée', 'communes déplacées')} d'un autre bassin "
            f"({french_number(self.communes_already)} déjà à leur place), "
            f"{plural(self.employers_moved, 'entreprise déplacée', 'entreprises déplacées')}."
        )


def _columns(cells: list[str]) -> tuple[int, int, int | None] | None:
    """The positions of the commune, zone and zone name columns, when this line is a header."""
    folded = [normalize_for_search(cell) for cell in cells]

    def position(names: set[str]) -> int | None:
        return next((index for index, name in enumerate(folded) if name in names), None)

    commune, zone = position(COMMUNE_HEADERS), position(ZONE_HEADERS)
    if commune is None or zone is None:
        return None
    return commune, zone, position(ZONE_NAME_HEADERS)


def _cell(cells: list[str], index: int | None) -> str:
    return (cells[index] or "").strip() if index is not None and index < len(cells) else ""


def _insee_code(text: str) -> str:
    code = text.upper()
    # A spreadsheet drops the leading zero of the Ain's communes (01001 → 1001).
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def read_zone_lines(rows: Iterable[tuple[int, list[str]]]) -> tuple[list[ZoneLine], list[str]]:
    """The file's lines (commune, zone code, zone name) and the reasons of its bad lines, by number.

    The header names the columns (INSEE's CODGEO, ZE2020, LIBZE2020, or « code commune », « code
    zone », « nom de la zone »…); without one, they are the first three in that order.
    """
    rows = [(number, cells) for number, cells in rows if any((cell or "").strip() for cell in cells)]
    columns: tuple[int, int, int | None] = (0, 1, 2)
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_LINES]):
        found = _columns(cells)
        if found is not None:
            columns, rows = found, rows[position + 1 :]
            break
    commune_at, zone_at, name_at = columns
    lines: list[ZoneLine] = []
    errors: list[str] = []
    for number, cells in rows:
        commune, zone, name = _cell(cells, commune_at), _cell(cells, zone_at), _cell(cells, name_at)
        if not commune:
            errors.append(f"ligne {number} : code commune manquant")
        elif not zone:
            errors.append(f"ligne {number} : zone vide pour la commune {commune[:10]}")
        elif len(zone) > CODE_MAX_LENGTH:
            errors.append(
                f"ligne {number} : code de zone trop long (« {zone[:20]} », {CODE_MAX_LENGTH} caractères au plus)"
            )
        else:
            lines.append(ZoneLine(number, _insee_code(commune), zone, name[:NAME_MAX_LENGTH]))
    return lines, errors


def import_zones(rows: Iterable[tuple[int, list[str]]]) -> ImportReport:
    """Put each commune of the file in the basin of its zone, creating the basins missing.

    All or nothing: a bad line (unknown commune, empty zone, a commune given two zones) refuses the
    whole file, each bad line named with its number and reason. A basin created takes the zone's
    code and name, and the département of most of its communes.
    """
    lines, errors = read_zone_lines(rows)
    communes = {
        code: (basin_id, departement_code)
        for code, basin_id, departement_code in db.session.execute(
            sa.select(Commune.insee_code, Commune.basin_id, Commune.departement_code)
        )
        .tuples()
        .all()
    }
    basins = {basin.code: basin for basin in db.session.scalars(sa.select(Basin))}
    zone_of: dict[str, ZoneLine] = {}
    zones: dict[str, list[ZoneLine]] = {}
    for line in lines:
        if line.insee_code not in communes:
            errors.append(f"ligne {line.number} : commune inconnue (« {line.insee_code[:10]} »)")
            continue
        first = zone_of.get(line.insee_code)
        if first is not None:
            if first.zone_code != line.zone_code:
                errors.append(
                    f"ligne {line.number} : la commune {line.insee_code} figure déjà ligne {first.number} "
                    f"avec la zone {first.zone_code}"
                )
            continue
        zone_of[line.insee_code] = line
        zones.setdefault(line.zone_code, []).append(line)
    for zone_code, zone_lines in zones.items():
        basin = basins.get(zone_code)
        if basin is not None and not basin.is_open:
            errors.append(f"ligne {zone_lines[0].number} : le bassin {basin.name} ({zone_code}) est fermé")
        elif basin is None and not any(line.zone_name for line in zone_lines):
            errors.append(f"ligne {zone_lines[0].number} : nom manquant pour la nouvelle zone {zone_code}")
    if errors:
        errors.sort(key=lambda error: int(error.split(" ", 2)[1]))
        shown = errors[:MAX_REPORTED_LINES]
        more = f" (et {len(errors) - len(shown)} autres)" if len(errors) > len(shown) else ""
        raise BasinError(
            f"Rien n'a été importé : {plural(len(errors), 'ligne refusée', 'lignes refusées')}{more}. Corrigez le fichier : "
            + " ; ".join(shown)
            + "."
        )
    if not zone_of:
        raise BasinError("Le fichier ne contient aucune commune.")
    regions = dict(db.session.execute(sa.select(Departement.code, Departement.region_code)).tuples().all())
    created = []
    for zone_code, zone_lines in zones.items():
        if zone_code in basins:
            continue
        counts = Counter(communes[line.insee_code][1] for line in zone_lines if communes[line.insee_code][1])
        if not counts:
            raise BasinError(f"La zone {zone_code} n'a aucune commune d'un département connu.")
        departement = min(counts, key=lambda code: (-counts[code], code))
        name = next(line.zone_name for line in zone_lines if line.zone_name)
        basin = Basin(code=zone_code, name=name, departement_code=departement, region_code=regions[departement])
        basins[zone_code] = basin
        created.append(basin)
    db.session.add_all(created)
    db.session.flush()
    previous = {code: communes[code][0] for code in zone_of}
    targets = {code: basins[line.zone_code].id for code, line in zone_of.items()}
    employers_moved = _move_communes(targets, previous)
    return ImportReport(
        basins_created=len(created),
        communes_assigned=sum(1 for code in targets if previous[code] is None),
        communes_moved=sum(1 for code in targets if previous[code] not in (None, targets[code])),
        communes_already=sum(1 for code in targets if previous[code] == targets[code]),
        employers_moved=employers_moved,
    )
