"""Reference data: basins and their communes, operators, NAF rév. 2, ROME.

Idempotent: national references (NAF, ROME) are brought up to date; local data that
admins may edit (a basin's communes, operators) is only created when missing.
"""

import csv
import json
from pathlib import Path

import sqlalchemy as sa

from app.employers.models import Tag
from app.extensions import db
from app.referential.enums import NafLevel, OperatorKind
from app.referential.models import Basin, BasinCommune, NafCode, Operator, RomeCode

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_basins() -> int:
    created = 0
    existing = {basin.code for basin in db.session.scalars(sa.select(Basin))}
    for item in json.loads((REFERENCE_DIR / "basins.json").read_text(encoding="utf-8")):
        if item["code"] in existing:
            continue
        basin = Basin(code=item["code"], name=item["name"], departement=item["departement"], region=item["region"])
        basin.communes = [
            BasinCommune(
                insee_code=commune["insee"],
                name=commune["name"],
                postcodes=" ".join(commune.get("postcodes", [])),
                population=commune.get("population"),
            )
            for commune in item["communes"]
        ]
        db.session.add(basin)
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
    current = {naf.code: naf for naf in db.session.scalars(sa.select(NafCode))}
    changed = 0
    # Parents first: sections, then divisions, then sub-classes.
    order = {NafLevel.SECTION.value: 0, NafLevel.DIVISION.value: 1, NafLevel.SUBCLASS.value: 2}
    for row in sorted(_read_csv("naf.csv"), key=lambda r: order[r["level"]]):
        values = {"label": row["label"], "level": NafLevel(row["level"]), "parent_code": row["parent_code"] or None}
        naf = current.get(row["code"])
        if naf is None:
            db.session.add(NafCode(code=row["code"], **values))
            db.session.flush()
            changed += 1
        elif any(getattr(naf, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(naf, key, value)
            changed += 1
    db.session.flush()
    return changed


def load_rome() -> int:
    current = {rome.code: rome for rome in db.session.scalars(sa.select(RomeCode))}
    changed = 0
    for row in _read_csv("rome.csv"):
        values = {"label": row["label"], "domain": row["domain"], "is_in_shortage": row["in_shortage"] == "1"}
        rome = current.get(row["code"])
        if rome is None:
            db.session.add(RomeCode(code=row["code"], **values))
            changed += 1
        elif any(getattr(rome, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(rome, key, value)
            changed += 1
    db.session.flush()
    return changed


def load_tags() -> int:
    current = {tag.code: tag for tag in db.session.scalars(sa.select(Tag))}
    changed = 0
    for row in _read_csv("tags.csv"):
        tag = current.get(row["code"])
        if tag is None:
            db.session.add(Tag(code=row["code"], label=row["label"]))
            changed += 1
        elif tag.label != row["label"]:
            tag.label = row["label"]
            changed += 1
    db.session.flush()
    return changed


def load_reference() -> dict[str, int]:
    """Load every reference table; returns what changed per table."""
    return {
        "bassins": load_basins(),
        "opérateurs": load_operators(),
        "codes NAF": load_naf(),
        "codes ROME": load_rome(),
        "étiquettes": load_tags(),
    }
