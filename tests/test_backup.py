"""`flask backup` and `flask restore`: a backup taken while people write restores every row
committed before it started, is checked, and a restore says what differs from its manifest.

The test's own database is one rolled-back transaction, which cannot show concurrency: each test
here builds its own databases (a SQLite file, or throwaway PostgreSQL databases next to
DATABASE_URL) with the migrations, and writes to them with real commits.
"""

import hashlib
import json
import os
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from app.employers.models import Employer
from app.extensions import db
from app.transactions import transaction
from tests.conftest import _throwaway_postgres, build_app, paris
from tests.factories import EmployerFactory

WRITERS = 4

KINDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql_only),
]


@pytest.fixture
def new_database(tmp_path):
    """Makes empty databases of a kind; PostgreSQL ones are dropped at the end."""
    drops = []

    def make(kind: str, name: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        url, drop = _throwaway_postgres(os.environ["DATABASE_URL"])
        drops.append(drop)
        return url

    yield make
    for drop in drops:
        drop()


@pytest.fixture
def app_for():
    """Makes an app on a database URL (its own engine, real commits), optionally migrated."""
    apps = []

    def make(url: str, migrated: bool = True):
        app = build_app(url, migrated)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _run(app, *args):
    # The command runs in the app context it finds: this app's, not the test database's.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _employer_ids(app) -> set[int]:
    with app.app_context():
        ids = set(db.session.scalars(sa.select(Employer.id)))
        db.session.remove()
    return ids


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            counts = {t: connection.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in tables}  # noqa: S608
        db.engine.dispose()
    return counts


def _add_employers(app, count: int) -> None:
    with app.app_context():
        with transaction():
            for _ in range(count):
                EmployerFactory()
        db.session.remove()


@pytest.mark.parametrize("kind", KINDS)
def test_backup_under_writes_restores_every_committed_row(kind, new_database, app_for, tmp_path):
    source = app_for(new_database(kind, "source"))
    _add_employers(source, 20)
    committed: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        try:
            while not stop.is_set():
                with source.app_context():
                    with transaction():
                        employer = EmployerFactory()
                    committed.append(employer.id)
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 (each thread's failure is reported by the test)
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    while len(committed) < 20 and not errors:
        threading.Event().wait(0.05)
    before_backup = set(committed) | _employer_ids(source)
    backup = tmp_path / "relais.backup"
    result = _run(source, "backup", str(backup))
    written_during_backup = len(committed)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert result.exit_code == 0, result.output
    assert "Sauvegarde vérifiée" in result.output
    assert len(committed) > 20, "the writers kept writing"
    manifest = json.loads((tmp_path / "relais.backup.manifest.json").read_text())
    assert manifest["database"] == kind
    assert manifest["sha256"] == hashlib.sha256(backup.read_bytes()).hexdigest()
    assert manifest["alembic_revision"]
    assert manifest["created_at"]
    if kind == "sqlite":
        assert manifest["integrity_check"] == "ok"

    target = app_for(new_database(kind, "target"), migrated=False)
    result = _run(target, "restore", str(backup))

    assert result.exit_code == 0, result.output
    assert "Restauration vérifiée" in result.output
    restored = _employer_ids(target)
    assert before_backup <= restored
    assert len(restored) <= written_during_backup + 20 + WRITERS
    assert _row_counts(target) == manifest["row_counts"]
    if kind == "sqlite":
        database = sa.engine.make_url(target.config["SQLALCHEMY_DATABASE_URI"]).database
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("kind", KINDS)
def test_restore_refuses_a_non_empty_database_unless_forced(kind, new_database, app_for, tmp_path):
    source = app_for(new_database(kind, "source"))
    _add_employers(source, 3)
    backup = tmp_path / "relais.backup"
    assert _run(source, "backup", str(backup)).exit_code == 0
    target = app_for(new_database(kind, "target"))
    _add_employers(target, 5)
    target_ids = _employer_ids(target)

    refused = _run(target, "restore", str(backup))

    assert refused.exit_code != 0
    assert "n'est pas vide" in refused.output
    assert "--force" in refused.output
    assert _employer_ids(target) == target_ids

    forced = _run(target, "restore", "--force", str(backup))

    assert forced.exit_code == 0, forced.output
    assert _employer_ids(target) == _employer_ids(source)


def test_restore_refuses_a_file_whose_checksum_differs(new_database, app_for, tmp_path):
    source = app_for(new_database("sqlite", "source"))
    backup = tmp_path / "relais.backup"
    assert _run(source, "backup", str(backup)).exit_code == 0
    with backup.open("r+b") as file:
        file.seek(200)
        file.write(b"\xff\xfe")
    target_url = new_database("sqlite", "target")
    target = app_for(target_url, migrated=False)

    result = _run(target, "restore", str(backup))

    assert result.exit_code != 0
    assert "SHA-256" in result.output
    assert "ne correspond pas" in result.output
    assert not os.path.exists(sa.engine.make_url(target_url).database)


def test_restore_says_which_row_counts_differ_from_the_manifest(new_database, app_for, tmp_path):
    source = app_for(new_database("sqlite", "source"))
    _add_employers(source, 3)
    backup = tmp_path / "relais.backup"
    assert _run(source, "backup", str(backup)).exit_code == 0
    manifest_path = tmp_path / "relais.backup.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["row_counts"]["employers"] = 7
    manifest_path.write_text(json.dumps(manifest))
    target = app_for(new_database("sqlite", "target"), migrated=False)

    result = _run(target, "restore", str(backup))

    assert result.exit_code != 0
    assert "employers : 3 ligne(s) restaurée(s), 7 attendue(s)" in result.output


def test_restore_without_manifest_is_refused(new_database, app_for, tmp_path):
    source = app_for(new_database("sqlite", "source"))
    backup = tmp_path / "relais.backup"
    assert _run(source, "backup", str(backup)).exit_code == 0
    (tmp_path / "relais.backup.manifest.json").unlink()
    target = app_for(new_database("sqlite", "target"), migrated=False)

    result = _run(target, "restore", str(backup))

    assert result.exit_code != 0
    assert "manifeste" in result.output


def test_backup_into_a_folder_names_the_file_and_keeps_the_last_copies(new_database, app_for, tmp_path, travel):
    source = app_for(new_database("sqlite", "source"))
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    for day in range(1, 5):
        travel(paris(2026, 11, day, 2, 30))
        result = _run(source, "backup", "--keep", "3", str(folder))
        assert result.exit_code == 0, result.output

    names = sorted(path.name for path in folder.iterdir())

    assert names == [
        f"relais-2026110{day}-013000.sqlite3{suffix}" for day in (2, 3, 4) for suffix in ("", ".manifest.json")
    ]
