"""The benchmarks' databases: made fresh, then settled as autovacuum would leave a live one."""

import time
from pathlib import Path

import sqlalchemy as sa


def recreate_database(url: str) -> None:
    """Drop and create the database the URL names (SQLite: delete the file)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def settle(connection: sa.Connection, tables: tuple[str, ...], attempts: int = 30) -> None:
    """Statistics for the planner and, on PostgreSQL, the visibility map that index-only scans need.

    A transaction left open elsewhere on the server (another test run) keeps VACUUM from marking
    the new rows visible to all, and every index-only scan then reads the table too: check, retry,
    and say it when it never settles, since the figures would then be wrong."""
    if connection.dialect.name != "postgresql":
        # SQLite has no autovacuum to gather statistics, and the application never runs ANALYZE:
        # a live database plans without them, and so are the figures measured here. (The ANALYZE
        # this ran was rolled back by the application's BEGIN, so no earlier figure had them either.)
        return
    connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    for _ in range(attempts):
        connection.exec_driver_sql("VACUUM ANALYZE")
        visible = connection.execute(
            sa.text(
                "SELECT min(relallvisible::float / greatest(relpages, 1)) FROM pg_class WHERE relname IN :tables"
            ).bindparams(sa.bindparam("tables", expanding=True)),
            {"tables": list(tables)},
        ).scalar()
        print(f"  VACUUM ANALYZE: {visible:.0%} of pages all-visible", flush=True)
        if visible > 0.95:
            return
        time.sleep(10)
    print("  ATTENTION : a transaction open elsewhere keeps the visibility map unset; figures not valid.")
