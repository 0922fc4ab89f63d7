"""Reference data: the map of France, the pilot basins, operators, NAF rév. 2, ROME.

Idempotent: national references (communes, NAF, ROME) are brought up to date; local data that
admins may edit (basins and which communes they hold, operators) is only created when missing.
"""

import csv
import json
from pathlib import Path

import sqlalchemy as sa

from app.employers.models import Tag
from app.extensions import db
from app.needs.enums import ServiceFamily
from app.needs.models import ServiceType
from app.referential.enums import NafLevel, OperatorKind
from app.referential.models import (
    Basin,
    Commune,
    Departement,
    Epci,
    JobTitle,
    NafCode,
    Operator,
    Region,
    RomeCode,
)
from app.text import normalize_for_search

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_geography() -> int:
    """Régions, départements, EPCI and the 35,014 communes, in bulk; a commune's basin is left as it is."""
    changed = _sync_by_code(Region, _read_csv("regions.csv"))
    changed += _sync_by_code(Departement, _read_csv("departements.csv"))
    changed += _sync_by_code(Epci, _read_csv("epcis.csv"))
    communes = [
        {
            "insee_code": row["insee_code"],
            "name": row["name"],
            "search_name": normalize_for_search(row["name"]),
            "postcodes": row["postcodes"],
            "population": int(row["population"]) if row["population"] else None,
            "departement_code": row["departement_code"] or None,
            "epci_code": row["epci_code"] or None,
        }
        for row in _read_csv("communes.csv")
    ]
    changed += _sync_by_code(Commune, communes, key="insee_code")
    db.session.flush()
    return changed


def load_basins() -> int:
    """The pilot basins, each made of the communes of its EPCIs, when missing."""
    created = 0
    existing = {basin.code for basin in db.session.scalars(sa.select(Basin))}
    for item in json.loads((REFERENCE_DIR / "basins.json").read_text(encoding="utf-8")):
        if item["code"] in existing:
            continue
        basin = Basin(
            code=item["code"], name=item["name"], departement_code=item["departement"], region_code=item["region"]
        )
        db.session.add(basin)
        db.session.flush()
        db.session.execute(
            sa.update(Commune)
            .where(Commune.epci_code.in_(item["epcis"]), Commune.basin_id.is_(None))
            .values(basin_id=basin.id)
        )
        created += 1
    db.session.flush()
    return created


def load_operators() -> int:
    basins = {basin.code: basin for basin in db.session.scalars(sa.select(Basin))}
    existing = set(db.session.scalars(sa.select(Operator.name)))
    created = 0
    for row in _read_csv("operators.csv"):
        if row["name"] in existing:
            continue
        db.session.add(
            Operator(
                name=row["name"],
                kind=OperatorKind(row["kind"]),
                basins=[basins[code] for code in row["basin_codes"].split() if code in basins],
            )
        )
        created += 1
    db.session.flush()
    return created


def load_naf() -> int:
    # The CSV lists each parent before its children, so one bulk insert satisfies parent_code.
    rows = [
        {
            "code": row["code"],
            "label": row["label"],
            "level": NafLevel(row["level"]),
            "parent_code": row["parent_code"] or None,
        }
        for row in _read_csv("naf.csv")
    ]
    changed = _sync_by_code(NafCode, rows)
    db.session.flush()
    return changed


def _sync_by_code(model, rows: list[dict], key: str = "code") -> int:
    """Bring a national table up to date in bulk (thousands of rows in a few statements):
    insert the codes it lacks, update those whose values changed; returns how many rows changed.
    Only the columns the rows carry are compared and written."""
    columns = [getattr(model, name) for name in rows[0]]
    current = {row[key]: dict(row) for row in db.session.execute(sa.select(*columns)).mappings()}
    missing = [row for row in rows if row[key] not in current]
    changed = [row for row in rows if row[key] in current and current[row[key]] != row]
    if missing:
        db.session.execute(sa.insert(model), missing)
    if changed:
        db.session.execute(sa.update(model), changed)
    return len(missing) + len(changed)


def load_rome() -> int:
    """The 14 major domains (a row each, code = letter) and the 532 job codes."""
    jobs = _read_csv("rome.csv")
    major_domains = {row["grand_domaine_code"]: row["grand_domaine_libelle"] for row in jobs}
    rows = [
        {
            "code": letter,
            "label": label,
            "domain": letter,
            "major_domain_label": label,
            "professional_domain_code": None,
            "professional_domain_label": None,
        }
        for letter, label in sorted(major_domains.items())
    ] + [
        {
            "code": row["code"],
            "label": row["libelle"],
            "domain": row["grand_domaine_code"],
            "major_domain_label": row["grand_domaine_libelle"],
            "professional_domain_code": row["domaine_code"],
            "professional_domain_label": row["domaine_libelle"],
        }
        for row in jobs
    ]
    changed = _sync_by_code(RomeCode, rows)
    db.session.flush()
    return changed


def load_job_titles() -> int:
    """The 11,061 ROME job titles ("appellations"), after their ROME codes."""
    rows = [
        {
            "code": row["code"],
            "label": row["libelle"],
            "rome_code": row["rome_code"],
            "search_label": normalize_for_search(row["libelle"]),
        }
        for row in _read_csv("rome_appellations.csv")
    ]
    changed = _sync_by_code(JobTitle, rows)
    db.session.flush()
    return changed


def load_tags() -> int:
    """The tags of the CSV that are missing; admins rename and archive them from the browser."""
    existing = set(db.session.scalars(sa.select(Tag.code)))
    missing = [row for row in _read_csv("tags.csv") if row["code"] not in existing]
    db.session.add_all(Tag(code=row["code"], label=row["label"]) for row in missing)
    db.session.flush()
    return len(missing)


def load_service_types() -> int:
    """The services of the catalogue that are missing (by code); admins rename and deactivate them from the browser."""
    existing_codes = set(db.session.scalars(sa.select(ServiceType.code)))
    existing_labels = set(db.session.scalars(sa.select(ServiceType.label)))
    missing = [
        row
        for row in _read_csv("service_types.csv")
        if row["code"] not in existing_codes and row["label"] not in existing_labels
    ]
    db.session.add_all(
        ServiceType(code=row["code"], label=row["label"], family=ServiceFamily(row["family"])) for row in missing
    )
    db.session.flush()
    return len(missing)


def load_reference() -> dict[str, int]:
    """Load every reference table; returns what changed per table."""
    return {
        "communes, EPCI, départements, régions": load_geography(),
        "bassins": load_basins(),
        "opérateurs": load_operators(),
        "codes NAF": load_naf(),
        "codes ROME": load_rome(),
        "appellations ROME": load_job_titles(),
        "étiquettes": load_tags(),
        "catalogue des services": load_service_types(),
    }
