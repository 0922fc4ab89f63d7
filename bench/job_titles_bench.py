"""Benchmark of the job-title search (/referentiel/metiers, the need form's combobox).

Builds a fresh database with the migrations and the reference seed (timed: the 532 ROME codes
and 11,061 titles go in bulk), then times the search over the 11,061 titles for queries that
start a title ("aide soig", "chaudron"), that start a word inside it ("soignant", "cuisine"),
short ones that match thousands ("ag", "co") and ROME codes. Prints p50 / p95 / max per kind.
Target: p95 < 30 ms on SQLite and PostgreSQL.

    .venv/bin/python bench/job_titles_bench.py --database-url sqlite:////tmp/bench_job_titles.db
    .venv/bin/python bench/job_titles_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_job_titles

The database named in the URL is dropped and recreated (SQLite: the file is deleted).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import recreate_database  # noqa: E402

QUERIES = {
    "prefix": ["aide soig", "chaudron", "serveur", "boulanger", "infirmier", "plombier", "cariste", "agent d acc"],
    "word inside": ["soignant", "cuisine", "poids lourd", "entretien", "commandes", "batiment", "vente", "bois"],
    "short": ["ag", "co", "ma", "re", "te", "pr", "ch", "op"],
    "accents/case": [
        "CHAUDRONNIÈRE",
        "Aide-Soignant",
        "ÉLAGUEUR",
        "maçon",
        "Électricien",
        "crèche",
        "Pâtissier",
        "Hôte",
    ],
    "ROME code": ["J1501", "H2902", "G1803", "M1601", "N1103", "F1703", "K2204", "D1106"],
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.referential.job_titles import search_job_titles
    from seeds.reference import load_reference

    recreate_database(args.database_url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        load_reference()
        db.session.commit()
        print(f"reference seed: {time.perf_counter() - started:.2f} s")
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE job_titles")
        else:
            db.session.execute(sa.text("ANALYZE"))
        everything: list[float] = []
        for kind, queries in QUERIES.items():
            timings = []
            for _ in range(args.runs):
                for query in queries:
                    db.session.expunge_all()
                    start = time.perf_counter()
                    search_job_titles(query)
                    timings.append((time.perf_counter() - start) * 1000)
            everything += timings
            print(
                f"{kind:14} p50 {statistics.median(timings):6.2f} ms  p95 {_percentile(timings, 0.95):6.2f} ms"
                f"  max {max(timings):6.2f} ms"
            )
        print(
            f"{'all':14} p50 {statistics.median(everything):6.2f} ms  p95 {_percentile(everything, 0.95):6.2f} ms"
            f"  ({len(everything)} searches over 11,061 titles, {db.engine.dialect.name})"
        )


if __name__ == "__main__":
    main()
