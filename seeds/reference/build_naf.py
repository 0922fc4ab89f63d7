"""Builds naf.csv, the complete NAF rév. 2, from the npm package @socialgouv/codes-naf.

Run once when INSEE's list changes; naf.csv is committed so that `make run` needs no npm:
    npm install --ignore-scripts --prefix /tmp/naf @socialgouv/codes-naf@1.1.1
    .venv/bin/python seeds/reference/build_naf.py /tmp/naf/node_modules/@socialgouv/codes-naf/index.json

The package lists divisions, groups, classes and sub-classes with INSEE's labels; the 21
sections and the divisions each one covers come from INSEE's NAF rév. 2 (written below).
"""

import csv
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "naf.csv"

# Section: (label, first division, last division), INSEE NAF rév. 2.
SECTIONS = {
    "A": ("Agriculture, sylviculture et pêche", 1, 3),
    "B": ("Industries extractives", 5, 9),
    "C": ("Industrie manufacturière", 10, 33),
    "D": ("Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné", 35, 35),
    "E": ("Production et distribution d'eau ; assainissement, gestion des déchets et dépollution", 36, 39),
    "F": ("Construction", 41, 43),
    "G": ("Commerce ; réparation d'automobiles et de motocycles", 45, 47),
    "H": ("Transports et entreposage", 49, 53),
    "I": ("Hébergement et restauration", 55, 56),
    "J": ("Information et communication", 58, 63),
    "K": ("Activités financières et d'assurance", 64, 66),
    "L": ("Activités immobilières", 68, 68),
    "M": ("Activités spécialisées, scientifiques et techniques", 69, 75),
    "N": ("Activités de services administratifs et de soutien", 77, 82),
    "O": ("Administration publique", 84, 84),
    "P": ("Enseignement", 85, 85),
    "Q": ("Santé humaine et action sociale", 86, 88),
    "R": ("Arts, spectacles et activités récréatives", 90, 93),
    "S": ("Autres activités de services", 94, 96),
    "T": (
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages en tant que "
        "producteurs de biens et services pour usage propre",
        97,
        98,
    ),
    "U": ("Activités extra-territoriales", 99, 99),
}

# Level, then how to find the parent's code from the code.
LEVELS = (
    (re.compile(r"\d{2}"), "division", None),
    (re.compile(r"\d{2}\.\d"), "group", lambda code: code[:2]),
    (re.compile(r"\d{2}\.\d{2}"), "class", lambda code: code[:4]),
    (re.compile(r"\d{2}\.\d{2}[A-Z]"), "subclass", lambda code: code[:5]),
)


def _section_of(division: str) -> str:
    number = int(division)
    return next(letter for letter, (_, first, last) in SECTIONS.items() if first <= number <= last)


def build(package_json: Path) -> list[dict[str, str]]:
    rows = [
        {"code": letter, "label": label, "level": "section", "parent_code": ""}
        for letter, (label, *_) in SECTIONS.items()
    ]
    for item in sorted(json.loads(package_json.read_text(encoding="utf-8")), key=lambda item: item["id"]):
        code, label = item["id"], " ".join(item["label"].split())
        pattern, level, parent = next((p, lv, pa) for p, lv, pa in LEVELS if p.fullmatch(code))
        rows.append(
            {
                "code": code,
                "label": label,
                "level": level,
                "parent_code": _section_of(code) if parent is None else parent(code),
            }
        )
    known = {row["code"] for row in rows}
    orphans = [row["code"] for row in rows if row["parent_code"] and row["parent_code"] not in known]
    if orphans:
        raise SystemExit(f"Codes without a parent: {orphans[:10]}")
    return rows


if __name__ == "__main__":
    rows = build(Path(sys.argv[1]))
    with open(OUTPUT, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "label", "level", "parent_code"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} codes written to {OUTPUT}")
