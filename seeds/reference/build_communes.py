"""Builds the map of France (régions, départements, EPCI, communes) from the npm package
@etalab/decoupage-administratif.

Run once when the Code officiel géographique changes; the CSV files are committed so that
`make run` needs no npm:
    npm install --ignore-scripts --prefix /tmp/cog @etalab/decoupage-administratif@6.0.0
    .venv/bin/python seeds/reference/build_communes.py /tmp/cog/node_modules/@etalab/decoupage-administratif/data

Communes are the current ones ("commune-actuelle") and the municipal arrondissements of Paris,
Lyon and Marseille, whose codes SIRENE gives as an establishment's commune; delegated and
associated communes are left out (SIRENE uses the current commune).
"""

import csv
import json
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent


def _write(name: str, header: list[str], rows: list[list]) -> None:
    with open(OUTPUT / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(data: Path) -> None:
    def read(name: str) -> list[dict]:
        return json.loads((data / name).read_text(encoding="utf-8"))

    regions = read("regions.json")
    departements = read("departements.json")
    epcis = read("epci.json")
    communes = [c for c in read("communes.json") if c["type"] in ("commune-actuelle", "arrondissement-municipal")]

    epci_of = {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}
    # An arrondissement belongs to its commune's EPCI (the Métropole du Grand Paris, of Lyon…).
    for commune in communes:
        if commune["type"] == "arrondissement-municipal":
            epci_of[commune["code"]] = epci_of.get(commune["commune"])

    _write("regions.csv", ["code", "name"], sorted([r["code"], r["nom"]] for r in regions))
    _write(
        "departements.csv",
        ["code", "name", "region_code"],
        sorted([d["code"], d["nom"], d["region"]] for d in departements),
    )
    _write("epcis.csv", ["code", "name", "kind"], sorted([e["code"], e["nom"], e["type"]] for e in epcis))
    known_departements = {d["code"] for d in departements}
    _write(
        "communes.csv",
        ["insee_code", "name", "postcodes", "population", "departement_code", "epci_code"],
        sorted(
            [
                c["code"],
                c["nom"],
                " ".join(c.get("codesPostaux", [])),
                c.get("population", ""),
                c["departement"] if c.get("departement") in known_departements else "",
                epci_of.get(c["code"]) or "",
            ]
            for c in communes
        ),
    )
    print(f"{len(regions)} régions, {len(departements)} départements, {len(epcis)} EPCI, {len(communes)} communes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
