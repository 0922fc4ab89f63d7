"""Reads that tolerate lag go to a real streaming replica; writes and other pages never do.

The test starts its own primary (initdb, on a free loopback port: the shared server does not
accept replication connections) and a hot standby of it made by ``pg_basebackup -R``, builds the
schema on the primary, waits for the standby to replay it, then serves requests.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.conftest import TEST_PASSWORD, IsolatedClient, build_app, csrf_token

pytestmark = pytest.mark.postgresql_only

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    # The server refuses to run as root; CI may run the tests as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    result = subprocess.run(_as_postgres(command), capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def cluster():
    if not BINARIES:
        pytest.skip("PostgreSQL server binaries are absent")
    bin_dir = Path(BINARIES[-1])
    # Not pytest's tmp_path: its folders are closed to the postgres user the servers run as.
    root = Path(tempfile.mkdtemp(prefix="relais-replication-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary_dir, replica_dir = root / "primary", root / "replica"
    primary_port, replica_port = _free_port(), _free_port()
    _run([str(bin_dir / "initdb"), "-D", str(primary_dir), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
    settings = f"-p {primary_port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(primary_dir),
            "-o",
            settings,
            "-w",
            "-l",
            str(root / "primary.log"),
            "start",
        ]
    )
    servers = [primary_dir]
    try:
        _run(
            [str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
             "-D", str(replica_dir), "-R", "-X", "stream", "-c", "fast", "--no-sync"]
        )  # fmt: skip
        settings = f"-p {replica_port} -k {root} -c listen_addresses=127.0.0.1 -c hot_standby=on"
        _run(
            [str(bin_dir / "pg_ctl"), "-D", str(replica_dir), "-o", settings, "-w", "-l", str(root / "replica.log"),
             "start"]
        )  # fmt: skip
        servers.append(replica_dir)
        primary = f"postgresql+psycopg://postgres@127.0.0.1:{primary_port}/postgres"
        replica = f"postgresql+psycopg://postgres@127.0.0.1:{replica_port}/postgres"
        yield primary, replica
    finally:
        for data_dir in reversed(servers):
            subprocess.run(  # noqa: S603
                _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"]),
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_replay(primary: sa.Engine, replica: sa.Engine) -> None:
    with primary.connect() as connection:
        position = connection.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar()
    deadline = time.monotonic() + 20
    with replica.connect() as connection:
        while connection.exec_driver_sql(f"SELECT pg_last_wal_replay_lsn() >= '{position}'").scalar() is not True:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def replicated_app(cluster):
    primary_url, replica_url = cluster
    migrated = build_app(primary_url)  # migrations and reference lists, on the primary only
    with migrated.app_context():
        db.engine.dispose()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": primary_url, "DATABASE_REPLICA_URL": replica_url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        from tests.factories import EmployerFactory, UserFactory

        user = UserFactory(email="replique@exemple.fr")
        employer = EmployerFactory(basin=user.basins[0])
        db.session.commit()
        siret = employer.siret
        replica = app.extensions["relais_replica_engine"]
        _wait_for_replay(db.engine, replica)
        with replica.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_is_in_recovery()").scalar() is True
        db.session.remove()
    yield app, siret
    with app.app_context():
        db.engine.dispose()
        app.extensions["relais_replica_engine"].dispose()


@pytest.fixture
def statements_by_server(replicated_app):
    """The statements each server received, by "primary" and "replica"."""
    app, _ = replicated_app
    recorded: dict[str, list[str]] = {"primary": [], "replica": []}
    with app.app_context():
        engines = {"primary": db.engine, "replica": app.extensions["relais_replica_engine"]}
    listeners = {}
    for name, engine in engines.items():
        listeners[name] = lambda *args, name=name: recorded[name].append(args[2])
        sa.event.listen(engine, "before_cursor_execute", listeners[name])
    yield recorded
    for name, engine in engines.items():
        sa.event.remove(engine, "before_cursor_execute", listeners[name])


def test_a_dashboard_reads_the_replica_and_a_write_never_does(replicated_app, statements_by_server):
    app, siret = replicated_app
    client = app.test_client()
    login = client.post(
        "/connexion",
        data={"email": "replique@exemple.fr", "password": TEST_PASSWORD, "csrf_token": csrf_token(client, app)},
    )
    assert login.status_code == 302
    recorded = statements_by_server
    for name in recorded:
        recorded[name].clear()

    assert client.get("/tableau-de-bord").status_code == 200
    assert any("employers" in s or "interactions" in s for s in recorded["replica"]), "the dashboard read the replica"
    assert not any("FROM users" in s for s in recorded["replica"]), "the session's user is read on the primary"
    assert client.get(f"/entreprises?q={siret}").status_code == 200
    assert any("FROM employers" in s for s in recorded["replica"])

    # A write, and a page that writes (recently opened employers): the replica sees nothing.
    for name in recorded:
        recorded[name].clear()
    logged = client.post(
        f"/entreprises/{siret}/echanges",
        data={
            "occurred_on": "2026-11-30",
            "channel": "phone",
            "subject": "Appel",
            "csrf_token": csrf_token(client, app),
        },
    )
    assert logged.status_code == 302
    assert client.get(f"/entreprises/{siret}").status_code == 200
    assert recorded["replica"] == []
    assert any(s.lstrip().startswith("INSERT INTO interactions") for s in recorded["primary"])
