"""Benchmark of `flask import-sirene`: rows per second, and the ratio to the bulk-load floor.

Writes synthetic SIRENE stock files in INSEE's format (StockEtablissement: the 53
columns of format 3.11; StockUniteLegale), imports them into a fresh database for one
basin, runs the import a second time (idempotent: nothing to write), then loads the
same kept rows with the database's own bulk path into an emptied table (SQLite:
executemany in one transaction; PostgreSQL: COPY) and prints the ratio.

    .venv/bin/python bench/sirene_import_bench.py --database-url sqlite:////tmp/bench_sirene.db --rows 200000
    .venv/bin/python bench/sirene_import_bench.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_sirene --rows 200000
"""

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import recreate_database  # noqa: E402
from bench.employers_bench import EMPLOYER_COLUMNS, bulk_insert  # noqa: E402
from bench.synthetic_employers import communes, employer_rows  # noqa: E402

BASIN = "5219"
ESTABLISHMENT_HEADER = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]
LEGAL_UNIT_HEADER = ["siren", "statutDiffusionUniteLegale", "prenom1UniteLegale", "nomUniteLegale"]
LEGAL_UNIT_HEADER += ["denominationUniteLegale", "etatAdministratifUniteLegale", "activitePrincipaleUniteLegale"]


# Communes of other basins, for the lines of the national file that a basin leaves aside.
ELSEWHERE = ["75056", "69123", "13055", "31555", "06088", "44109", "67482", "33063", "59350", "35238"]


def write_files(directory: Path, rows: int, basin_communes, seed: int, outside: float) -> tuple[Path, Path]:
    """Active establishments of the basin, 5 % of them closed, and a share ``outside`` of lines
    elsewhere in France (the national file: 44 million lines, a basin keeps a few thousand);
    one street in fifty holds a comma, so that its line is quoted as INSEE writes it.

    The basin's lines are the synthetic employers (``employer_rows``); the others, which the
    import skips unread, are written from a template of the same length, fast."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    establishments = directory / "StockEtablissement_bench.csv"
    legal_units = directory / "StockUniteLegale_bench.csv"
    position = {name: index for index, name in enumerate(ESTABLISHMENT_HEADER)}
    inside = employer_rows(rows, basin_communes, seed)
    with (
        establishments.open("w", newline="", encoding="utf-8") as est,
        legal_units.open("w", newline="", encoding="utf-8") as lu,
    ):
        est_writer, lu_writer = csv.writer(est, lineterminator="\n"), csv.writer(lu, lineterminator="\n")
        est_writer.writerow(ESTABLISHMENT_HEADER)
        lu_writer.writerow(LEGAL_UNIT_HEADER)
        for index in range(rows):
            cells = [""] * len(ESTABLISHMENT_HEADER)
            if rng.random() < outside:
                siren = f"{900_000_000 + index}"
                for name, value in _ELSEWHERE_CELLS.items():
                    cells[position[name]] = value
                cells[position["siren"]], cells[position["nic"]] = siren, "00012"
                cells[position["siret"]] = siren + "00012"
                cells[position["codeCommuneEtablissement"]] = ELSEWHERE[index % len(ELSEWHERE)]
                est.write(",".join(cells) + "\n")
                lu.write(f"{siren},O,,,SOCIETE {index},A,56.10A\n")
                continue
            row = next(inside)
            number, _, street = row["street"].partition(" ")
            street_type, _, street_name = street.partition(" ")
            if rng.random() < 0.02:
                street_name += ", BATIMENT A"
            values = {
                "siren": row["siren"],
                "nic": row["siret"][9:],
                "siret": row["siret"],
                "statutDiffusionEtablissement": "O",
                "dateCreationEtablissement": f"{rng.randint(1970, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "trancheEffectifsEtablissement": row["headcount_band"] or "",
                "etablissementSiege": "true",
                "numeroVoieEtablissement": number,
                "typeVoieEtablissement": street_type.upper(),
                "libelleVoieEtablissement": street_name.upper(),
                "codePostalEtablissement": row["postcode"],
                "libelleCommuneEtablissement": row["commune_name"].upper(),
                "codeCommuneEtablissement": row["commune_insee"],
                "dateDebut": "2020-01-01",
                "etatAdministratifEtablissement": "F" if rng.random() < 0.05 else "A",
                "enseigne1Etablissement": row["enseigne"] or "",
                "activitePrincipaleEtablissement": row["naf_code"],
                "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
                "caractereEmployeurEtablissement": "O",
            }
            for name, value in values.items():
                cells[position[name]] = value
            est_writer.writerow(cells)
            lu_writer.writerow([row["siren"], "O", "", "", row["name"], "A", row["naf_code"]])
    return establishments, legal_units


_ELSEWHERE_CELLS = {
    "statutDiffusionEtablissement": "O",
    "dateCreationEtablissement": "2008-03-14",
    "trancheEffectifsEtablissement": "01",
    "etablissementSiege": "true",
    "numeroVoieEtablissement": "12",
    "typeVoieEtablissement": "RUE",
    "libelleVoieEtablissement": "DE LA REPUBLIQUE",
    "codePostalEtablissement": "75001",
    "libelleCommuneEtablissement": "AILLEURS",
    "dateDebut": "2020-01-01",
    "etatAdministratifEtablissement": "A",
    "activitePrincipaleEtablissement": "56.10A",
    "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
    "caractereEmployeurEtablissement": "O",
}


def _sibling_url(url: str, suffix: str) -> str:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(database=parsed.database.replace(".db", f"{suffix}.db")).render_as_string(False)
    return parsed.set(database=parsed.database + suffix).render_as_string(False)


NATIONAL_LINES, NATIONAL_BYTES = 44_000_000, 9e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_sirene.db")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--outside", type=float, default=0.05, help="share of the lines outside the basin")
    parser.add_argument("--directory", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep-files", action="store_true", help="reuse the files of a previous run if present")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.employers.enums import EmployerSource
    from app.employers.establishments import ImportReport
    from app.employers.sirene import import_sirene, read_legal_unit_names, read_sirene_establishments
    from app.employers.staging import Staging
    from app.extensions import db
    from app.referential.models import Commune
    from app.timeutils import utcnow
    from seeds.reference import load_reference

    recreate_database(args.database_url)
    # Jobs queued by an import (a first load's rebuild of employer_inner_words) wait for a worker, as
    # in production, and are timed apart (_queued_jobs_run).
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": args.database_url, "JOBS_RUNNER": "worker"})
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        with db.engine.connect() as connection:
            basin_id = connection.execute(sa.text("SELECT id FROM basins WHERE code = :c"), {"c": BASIN}).scalar()
            basin_communes = [c for c in communes(connection) if c[3] == basin_id]
        establishments = args.directory / "StockEtablissement_bench.csv"
        legal_units = args.directory / "StockUniteLegale_bench.csv"
        if not (args.keep_files and establishments.exists() and legal_units.exists()):
            started = time.perf_counter()
            write_files(args.directory, args.rows, basin_communes, args.seed, args.outside)
            print(f"Fichiers écrits en {time.perf_counter() - started:.0f} s")
        est_bytes = establishments.stat().st_size
        size_mb = (est_bytes + legal_units.stat().st_size) / 1e6
        print(f"Fichiers : {args.rows:,} établissements ({args.outside:.0%} hors du bassin), {size_mb:,.0f} Mo")

        # Reading alone: what the national file costs whatever the basin keeps.
        commune_map = {
            c.insee_code: c for c in db.session.scalars(sa.select(Commune).where(Commune.basin_id == basin_id))
        }
        started, cpu = time.perf_counter(), time.process_time()
        read_report = ImportReport()
        kept_establishments = list(read_sirene_establishments(establishments, commune_map, read_report))
        reading, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"Lecture seule : {reading:.2f} s ({cpu:.2f} s de processeur), {read_report.read / reading:,.0f} lignes/s, "
            f"{est_bytes / reading / 1e6:,.0f} Mo/s ({len(kept_establishments):,} retenues)"
        )
        names = read_legal_unit_names(legal_units, {e.siret[:9] for e in kept_establishments})
        for establishment in kept_establishments:
            establishment.name = names.get(establishment.siret[:9], establishment.name)

        started, cpu = time.perf_counter(), time.process_time()
        report = import_sirene(BASIN, establishments, legal_units)
        db.session.commit()
        first, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"1er import : {first:.2f} s ({cpu:.2f} s de processeur Python), {report.read / first:,.0f} lignes lues/s, "
            f"{report.created / first:,.0f} créations/s (retenues : {report.kept:,})"
        )
        print("  " + " · ".join(report.summary_lines()))
        _queued_jobs_run()
        national = NATIONAL_BYTES / (est_bytes / reading)
        print(
            f"Extrapolation au fichier national ({NATIONAL_LINES / 1e6:.0f} M lignes, {NATIONAL_BYTES / 1e9:.0f} Go) : "
            f"lecture ≈ {national / 60:.1f} min ({NATIONAL_LINES / (read_report.read / reading) / 60:.1f} min au débit "
            f"en lignes), plus l'écriture des établissements du bassin au débit mesuré plus bas"
        )

        started = time.perf_counter()
        again = import_sirene(BASIN, establishments, legal_units)
        db.session.commit()
        second = time.perf_counter() - started
        print(f"2e import (rien à changer) : {second:.2f} s, créés {again.created}, mis à jour {again.updated}")

        kept_set = {row[0] for row in db.session.execute(sa.text("SELECT siret FROM employers"))}
        now = "2026-11-22 08:00:00+00" if db.engine.dialect.name == "postgresql" else "2026-11-22 08:00:00"
        floor_rows = []
        for row in employer_rows(args.rows, basin_communes, args.seed):  # the basin's lines come first
            if row["siret"] in kept_set:
                floor_rows.append({**row, "created_at": now, "updated_at": now})
                if len(floor_rows) == len(kept_set):
                    break
        db.session.remove()
        db.engine.dispose()
    # The import's own writing (temporary table, set-based upsert) of the kept establishments,
    # read beforehand, into a fresh database: what the database costs, apart from the reading.
    writing_url = _sibling_url(args.database_url, "_ecriture")
    recreate_database(writing_url)
    writing_app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": writing_url, "JOBS_RUNNER": "worker"})
    with writing_app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        started = time.perf_counter()
        staging = Staging()
        staging.add(kept_establishments)
        write_report = ImportReport()
        staging.upsert(EmployerSource.SIRENE, write_report, utcnow())
        db.session.commit()
        writing = time.perf_counter() - started
        print(
            f"Écriture des retenues (table temporaire + upsert) : {write_report.created:,} créations en "
            f"{writing:.2f} s, {write_report.created / writing:,.0f} lignes/s"
        )
        _queued_jobs_run()
        db.session.remove()
        db.engine.dispose()
    # The floor loads the same rows into a fresh database built the same way (same
    # indexes and search triggers), so that neither side inherits the other's pages.
    floor_url = _sibling_url(args.database_url, "_plancher")
    recreate_database(floor_url)
    floor_app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": floor_url})
    with floor_app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            loaded = bulk_insert(connection, "employers", EMPLOYER_COLUMNS, iter(floor_rows))
        floor = time.perf_counter() - started
        method = "COPY" if db.engine.dialect.name == "postgresql" else "executemany (une transaction)"
        print(f"Plancher {method} : {loaded} lignes en {floor:.2f} s, {loaded / floor:,.0f} lignes/s")
        print(f"Rapport écriture des retenues / plancher : {writing / floor:.2f}×")


def _queued_jobs_run() -> None:
    """Run what the import queued (PostgreSQL, a first load: the rebuild of the names' inner words),
    as a worker would once the import is committed, and print how long it took."""
    from app.jobs.queue import work

    started = time.perf_counter()
    ran = work("banc-d-essai")
    if ran:
        print(f"  puis {ran} tâche(s) en file (mots des noms reconstruits) : {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
