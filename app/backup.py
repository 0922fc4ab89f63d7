"""Backups that restore: the work of ``flask backup`` and ``flask restore``.

A backup is one file and, beside it, ``<file>.manifest.json``: the database kind, the time, the
Alembic revision, the row count of every table and the file's SHA-256. The counts are those of
the backup itself, not of the live database a moment later, so that a restore can be compared
with them exactly:

- SQLite: the online backup API copies the database in one step, inside one read transaction
  (under WAL, writers go on meanwhile); the copy is checked with ``PRAGMA integrity_check`` and
  counted.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot, ``pg_dump -Fc --snapshot``
  dumps exactly that snapshot, and the rows are counted in it; ``pg_restore --list`` then
  reads the archive back. The password goes through PGPASSWORD, never the command line (which
  every user of the server can read in ``ps``).

A restore checks the SHA-256 first, refuses a database that already holds tables unless forced,
restores, and compares the row counts with the manifest.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.errors import DomainError

MANIFEST_SUFFIX = ".manifest.json"
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".dump"}
FILE_PREFIX = "relais-"


class BackupError(DomainError):
    """A backup or a restore that cannot be done, or whose result is not what it should be."""


@dataclass
class Restored:
    manifest: dict
    row_counts: dict[str, int]
    revision: str | None
    differences: list[str] = field(default_factory=list)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def take_backup(database_url: str, path: Path) -> dict:
    """Back the database up into ``path``, check the copy, write its manifest; return the manifest."""
    url = sa.engine.make_url(database_url)
    kind = _kind(url)
    if path.exists():
        raise BackupError(f"{path} existe déjà : choisissez un autre nom, une sauvegarde n'en écrase pas une autre.")
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier {path.parent} n'existe pas.")
    # Written under a temporary name: a backup interrupted half-way never bears the real one.
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if kind == "sqlite":
            counts, revision = _sqlite_backup(_sqlite_file(url), partial)
            checks = {"integrity_check": "ok"}
        else:
            counts, revision = _postgresql_backup(url, partial)
            checks = {"archive_check": "ok"}
        digest = _sha256(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "database": kind,
        "file": path.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "alembic_revision": revision,
        "size_bytes": path.stat().st_size,
        "sha256": digest,
        **checks,
        "row_counts": counts,
    }
    # The manifest comes last: a backup without one is incomplete, and restore refuses it.
    written = manifest_path(path).with_name(manifest_path(path).name + ".partial")
    written.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.replace(manifest_path(path))
    return manifest


def backup_into_folder(database_url: str, folder: Path, keep: int | None) -> tuple[Path, dict, list[Path]]:
    """A backup named after the time (UTC: names sort as instants, across daylight saving); then,
    with ``keep``, the older backups of the folder beyond that number are removed.

    Returns the backup's path, its manifest and the removed files.
    """
    kind = _kind(sa.engine.make_url(database_url))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{FILE_PREFIX}{stamp}{EXTENSIONS[kind]}"
    manifest = take_backup(database_url, path)
    removed: list[Path] = []
    if keep:
        # Only complete backups (with their manifest) count, so a failed one never pushes out a good one.
        complete = sorted(
            candidate
            for candidate in folder.glob(f"{FILE_PREFIX}*{EXTENSIONS[kind]}")
            if manifest_path(candidate).exists()
        )
        for old in complete[:-keep]:
            for file in (old, manifest_path(old)):
                file.unlink()
                removed.append(file)
    return path, manifest, removed


def restore_backup(database_url: str, path: Path, force: bool = False) -> Restored:
    """Restore ``path`` into the database, then compare its rows with the manifest."""
    url = sa.engine.make_url(database_url)
    kind = _kind(url)
    manifest = _read_manifest(path)
    if manifest.get("database") != kind:
        raise BackupError(
            f"Cette sauvegarde est une base {manifest.get('database')}, la base configurée est {kind} : "
            "restaurez-la sur une base du même type."
        )
    if _sha256(path) != manifest.get("sha256"):
        raise BackupError(
            f"Le SHA-256 de {path} ne correspond pas à celui du manifeste : le fichier a été modifié "
            "ou abîmé depuis la sauvegarde. Rien n'a été restauré."
        )
    if kind == "sqlite":
        target = _sqlite_file(url)
        tables = _sqlite_tables(target) if target.exists() else []
    else:
        tables = _postgresql_tables(url)
    if tables and not force:
        raise BackupError(
            f"La base configurée n'est pas vide ({len(tables)} tables) : la restauration la remplacerait. "
            "Ajoutez --force pour la remplacer par la sauvegarde."
        )
    if kind == "sqlite":
        counts, revision = _sqlite_restore(path, target)
    else:
        counts, revision = _postgresql_restore(url, path)
    expected = manifest.get("row_counts", {})
    differences = [
        f"{table} : {counts.get(table, 0)} ligne(s) restaurée(s), {expected.get(table, 0)} attendue(s)"
        for table in sorted(set(expected) | set(counts))
        if counts.get(table) != expected.get(table)
    ]
    return Restored(manifest, counts, revision, differences)


def _kind(url: sa.engine.URL) -> str:
    kind = url.get_backend_name()
    if kind not in EXTENSIONS:
        raise BackupError(f"Les bases {kind} ne sont pas prises en charge : SQLite ou PostgreSQL seulement.")
    return kind


def _sqlite_file(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas : indiquez un fichier.")
    return Path(url.database)


def _read_manifest(path: Path) -> dict:
    if not path.is_file():
        raise BackupError(f"La sauvegarde {path} est introuvable.")
    try:
        return json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"Le manifeste {manifest_path(path)} est introuvable : sans lui la restauration ne peut pas être "
            "vérifiée. Une sauvegarde sans manifeste est incomplète."
        ) from None
    except ValueError as error:
        raise BackupError(f"Le manifeste {manifest_path(path)} est illisible : {error}.") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# SQLite --------------------------------------------------------------------------------------


def _sqlite_backup(source_file: Path, copy_file: Path) -> tuple[dict[str, int], str | None]:
    if not source_file.is_file():
        raise BackupError(f"La base SQLite {source_file} n'existe pas.")
    source = sqlite3.connect(source_file, timeout=30)
    copy = sqlite3.connect(copy_file)
    try:
        # pages=-1 (the default): every page in one step, within one read transaction, so the
        # copy is one consistent instant even though writers commit meanwhile (WAL).
        source.backup(copy)
        # The copy inherits WAL from its source; as one self-contained file it is easier to move.
        copy.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite_integrity(copy, copy_file)
        return _sqlite_counts(copy), _sqlite_revision(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(backup_file: Path, target_file: Path) -> tuple[dict[str, int], str | None]:
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    target = sqlite3.connect(target_file, timeout=30)
    try:
        # The backup API writes the whole target in one write transaction: an interrupted
        # restore leaves the target as it was.
        source.backup(target)
        _check_sqlite_integrity(target, target_file)
        return _sqlite_counts(target), _sqlite_revision(target)
    finally:
        target.close()
        source.close()


def _check_sqlite_integrity(connection: sqlite3.Connection, file: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"Le contrôle d'intégrité de {file} a échoué : {'; '.join(problems[:5])}")


def _sqlite_tables(file: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        return _sqlite_table_names(connection)
    finally:
        connection.close()


def _sqlite_table_names(connection: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
        for table in _sqlite_table_names(connection)
    }


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _sqlite_table_names(connection):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


# PostgreSQL ----------------------------------------------------------------------------------


def _postgresql_backup(url: sa.engine.URL, archive: Path) -> tuple[dict[str, int], str | None]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
            connection.begin(),
        ):
            # The snapshot lives as long as this transaction: pg_dump reads it while it is open.
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            counts, revision = _postgresql_counts(connection), _postgresql_revision(connection)
            _pg_tool(url, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={archive}")
    finally:
        engine.dispose()
    listing = _pg_tool(url, "pg_restore", "--list", str(archive), database=False)
    dumped = {
        line.split()[line.split().index("DATA") + 2]
        for line in listing.splitlines()
        if not line.startswith(";") and " TABLE DATA " in line
    }
    if missing := sorted(set(counts) - dumped):
        raise BackupError(f"L'archive {archive} ne contient pas les données de : {', '.join(missing)}.")
    return counts, revision


def _postgresql_restore(url: sa.engine.URL, archive: Path) -> tuple[dict[str, int], str | None]:
    # One transaction: a restore that fails half-way leaves the database as it was. No owners
    # nor grants: the roles of the server the backup came from may not exist on this one.
    _pg_tool(
        url,
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        str(archive),
    )
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # pg_restore brings no planner statistics: without them the first queries scan tables.
            connection.exec_driver_sql("ANALYZE")
            return _postgresql_counts(connection), _postgresql_revision(connection)
    finally:
        engine.dispose()


def _postgresql_tables(url: sa.engine.URL) -> list[str]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _postgresql_table_names(connection)
    finally:
        engine.dispose()


def _postgresql_table_names(connection: sa.Connection) -> list[str]:
    statement = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    return list(connection.exec_driver_sql(statement).scalars())


def _postgresql_counts(connection: sa.Connection) -> dict[str, int]:
    return {
        table: connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()  # noqa: S608 (names from pg_tables)
        for table in _postgresql_table_names(connection)
    }


def _postgresql_revision(connection: sa.Connection) -> str | None:
    if "alembic_version" not in _postgresql_table_names(connection):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _pg_tool(url: sa.engine.URL, program: str, *arguments: str, database: bool = True) -> str:
    """Run a PostgreSQL client program on the server of ``url``; return its output."""
    command = [program, *arguments]
    if database:
        # A libpq URI without the password (the SQLAlchemy driver name is not libpq's).
        conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        command.append(f"--dbname={conninfo}")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{program} est introuvable : installez le client PostgreSQL (paquet postgresql-client, "
            "de la version du serveur ou plus récente)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{program} a échoué : {result.stderr.strip()}")
    return result.stdout
