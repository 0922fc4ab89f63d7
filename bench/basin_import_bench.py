"""Benchmark of the « commune → bassin » import (/administration/bassins/importer).

Builds a fresh database with the migrations and the reference seed, loads 20,000 synthetic
employers in the pilot basins' communes, then imports a CSV that puts all 35,014 communes of France
into ~330 zones (each département cut in three by EPCI): the first run creates the basins and
assigns every commune (the pilot basins' communes, with their employers, move); the second run
shifts every commune of a département to its neighbour zone, so that ~34,000 communes and the
employers move. Each run reads the CSV and imports it in one transaction, as the view does.
Target: 35,000 lines in a few seconds.

    .venv/bin/python bench/basin_import_bench.py --database-url sqlite:////tmp/bench_basin_import.db
    .venv/bin/python bench/basin_import_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_basin_import

The database named in the URL is dropped and recreated (SQLite: the file is deleted).
"""

import argparse
import io
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import recreate_database  # noqa: E402
from bench.employers_bench import EMPLOYER_COLUMNS, bulk_insert  # noqa: E402
from bench.synthetic_employers import employer_rows  # noqa: E402

ZONES_PER_DEPARTEMENT = 3


def zone_file(connection, shift: int) -> bytes:
    """INSEE's shape (CODGEO;LIBGEO;ZE2020;LIBZE2020), one zone per third of each département's EPCIs."""
    rows = connection.execute(
        sa.text("SELECT insee_code, name, departement_code, coalesce(epci_code, '') FROM communes ORDER BY 1")
    ).all()
    epcis: dict[str, list[str]] = {}
    for _code, _name, departement, epci in rows:
        epcis.setdefault(departement, [])
        if epci not in epcis[departement]:
            epcis[departement].append(epci)
    lines = ["CODGEO;LIBGEO;ZE2020;LIBZE2020"]
    for code, name, departement, epci in rows:
        part = (epcis[departement].index(epci) + shift) % ZONES_PER_DEPARTEMENT
        lines.append(f"{code};{name};B{departement}{part};Zone {departement}-{part}")
    return ("\n".join(lines) + "\n").encode("latin-1", errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--employers", type=int, default=20_000)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.employers.readers import spreadsheet_rows
    from app.extensions import db
    from app.referential.basins import import_zones
    from app.transactions import transaction
    from seeds.reference import load_reference

    recreate_database(args.database_url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        with db.engine.begin() as connection:
            now = "2026-11-22 08:00:00"
            communes = [
                (code, name, (postcodes.split() or ["00000"])[0], basin_id)
                for code, name, postcodes, basin_id in connection.execute(
                    sa.text("SELECT insee_code, name, postcodes, basin_id FROM communes WHERE basin_id IS NOT NULL")
                )
            ]
            rows = ({**row, "created_at": now, "updated_at": now} for row in employer_rows(args.employers, communes))
            bulk_insert(connection, "employers", EMPLOYER_COLUMNS, rows)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        for shift, title in ((0, "first import (basins created)"), (1, "second import (communes moved)")):
            with db.engine.connect() as connection:
                content = zone_file(connection, shift)
            started = time.perf_counter()
            with transaction():
                report = import_zones(spreadsheet_rows(io.BytesIO(content), "zones.csv"))
            elapsed = time.perf_counter() - started
            lines = content.count(b"\n") - 1
            print(
                f"{title}: {lines} lines in {elapsed:.2f} s — {report.basins_created} basins "
                f"created, {report.communes_assigned} assigned, {report.communes_moved} moved, "
                f"{report.employers_moved} employers moved"
            )


if __name__ == "__main__":
    main()
