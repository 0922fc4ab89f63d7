"""Benchmark of `flask backup` and `flask restore` at the target volume.

Builds a fresh database with the migrations and the employers benchmark's data (N synthetic
employers and their activity: interactions, privileged contacts, needs, follow-ups), then times
a backup (with its checks: SQLite integrity_check, PostgreSQL pg_restore --list; row counts;
SHA-256) and its restore into a second, empty database (with the comparison to the manifest).
Prints seconds, the database's and the backup's sizes.

    .venv/bin/python bench/backup_bench.py --database-url sqlite:////tmp/bench_backup.db --employers 200000
    .venv/bin/python bench/backup_bench.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_backup --employers 200000

The database named in the URL is dropped and recreated (SQLite: the file is deleted), and so is
the restore's (the same name with "_restauration"); ``--reuse`` times an already built one.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.backup import restore_backup, take_backup  # noqa: E402
from bench.databases import recreate_database  # noqa: E402
from bench.employers_bench import bench_app, build  # noqa: E402


def restore_url(url: str) -> str:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = Path(parsed.database)
        return parsed.set(
            database=str(database.with_name(f"{database.stem}_restauration{database.suffix}"))
        ).render_as_string(hide_password=False)
    return parsed.set(database=f"{parsed.database}_restauration").render_as_string(hide_password=False)


def database_size(app) -> int:
    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        # Under WAL, the last writes are still in the -wal file: both make the database.
        database = Path(sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
        return sum(file.stat().st_size for file in (database, Path(f"{database}-wal")) if file.exists())


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_backup.db")
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    args = parser.parse_args()

    app = bench_app(args.database_url, args.reuse)
    if not args.reuse:
        build(app, args.employers, args.seed)
    target = restore_url(args.database_url)
    recreate_database(target)
    print(f"Base : {_mb(database_size(app))}")

    with tempfile.TemporaryDirectory() as folder:
        backup = Path(folder) / "relais.backup"
        started = time.perf_counter()
        manifest = take_backup(args.database_url, backup)
        backed_up = time.perf_counter() - started
        rows = sum(manifest["row_counts"].values())
        print(
            f"Sauvegarde vérifiée : {backed_up:.1f} s, {_mb(manifest['size_bytes'])}, "
            f"{len(manifest['row_counts'])} tables, {rows} lignes "
            f"({manifest['row_counts'].get('employers', 0)} entreprises)"
        )
        started = time.perf_counter()
        restored = restore_backup(target, backup)
        print(
            f"Restauration vérifiée : {time.perf_counter() - started:.1f} s, "
            f"{'écarts : ' + '; '.join(restored.differences) if restored.differences else 'aucun écart avec le manifeste'}"
        )
    recreate_database(target)
    if sa.engine.make_url(target).get_backend_name() == "postgresql":
        # recreate_database leaves it empty; the benchmark leaves nothing behind.
        admin = sa.create_engine(sa.engine.make_url(target).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(target).database}"')
        admin.dispose()


if __name__ == "__main__":
    main()
