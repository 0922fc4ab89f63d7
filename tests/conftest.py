"""Test harness: one database per run, built by the migrations; one rolled-back transaction per test.

DATABASE_URL picks the server: unset, a throwaway SQLite file; a PostgreSQL URL, a
throwaway database created next to it and dropped at the end. Under pytest-xdist (make test:
-n 2) each worker builds its own: its own tmp directory, a random database name.
"""

import contextlib
import contextvars
import os
import re
import secrets
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer

from app import create_app
from app.extensions import db, limiter
from app.reference_cache import forget_all
from app.timeutils import PARIS

TEST_PASSWORD = "Mot-de-passe-de-test-1"


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """postgresql_only tests are skipped on SQLite; sqlite_only ones are left out of a PostgreSQL
    run (deselected, not skipped: a PostgreSQL run admits no skip, see pytest_sessionfinish)."""
    if not _on_postgresql():
        skip = pytest.mark.skip(reason="PostgreSQL only: run with DATABASE_URL=postgresql+psycopg://…")
        for item in items:
            if item.get_closest_marker("postgresql_only"):
                item.add_marker(skip)
        return
    sqlite_only = [item for item in items if item.get_closest_marker("sqlite_only")]
    if sqlite_only:
        config.hook.pytest_deselected(items=sqlite_only)
        items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]


# What a PostgreSQL run skipped: the PostgreSQL-only tests run nowhere else, so a skip there
# (a missing server feature, Chromium absent…) must not pass unnoticed.
_skipped: list[str] = []


def pytest_collectreport(report):
    if report.skipped and _on_postgresql():
        _skipped.append(report.nodeid)


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail") and _on_postgresql():
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # Under pytest-xdist the workers send their reports to the controller, which decides.
    if _skipped and session.exitstatus == pytest.ExitCode.OK and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _skipped and not hasattr(terminalreporter.config, "workerinput"):
        terminalreporter.write_sep("=", f"{len(_skipped)} skipped on PostgreSQL: the run fails", red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(nodeid)


def _throwaway_postgres(base_url: str):
    url = sa.engine.make_url(base_url)
    name = f"relais_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base_url = os.environ.get("DATABASE_URL", "")
    if base_url.startswith("postgresql"):
        url, drop = _throwaway_postgres(base_url)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class IsolatedClient(FlaskClient):
    """Each request runs in an empty context: its own app context, session and ``g``,
    as in production, instead of borrowing the test's."""

    def open(self, *args, **kwargs):
        # Buffered: a streamed body (an export) is read within that context too, as a server does.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def build_app(database_url: str, migrated: bool = True):
    """An app on its own engine (real commits), its database built by the migrations and loaded
    with the reference lists unless ``migrated`` is false. The caller disposes of its engine."""
    engine_options = {"pool_pre_ping": True}
    if database_url.startswith("sqlite"):
        # The browser tests serve the app from another thread on the same connection.
        engine_options["connect_args"] = {"check_same_thread": False}
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options})
    app.test_client_class = IsolatedClient
    if migrated:
        with app.app_context():
            upgrade()
            from seeds.reference import load_reference

            load_reference()
            db.session.commit()
            db.session.remove()
    return app


@pytest.fixture(scope="session")
def app(database_url):
    app = build_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def db_connection(app):
    """Every test inside one transaction, rolled back at the end; commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    engines = db._app_engines[app]
    engine = engines[None]
    engines[None] = connection
    context = app.app_context()
    context.push()
    try:
        yield connection
    finally:
        db.session.remove()
        context.pop()
        engines[None] = engine
        if transaction.is_active:
            transaction.rollback()
        connection.close()


@pytest.fixture
def count_queries(db_connection):
    """``with count_queries() as statements:`` records the SQL statements run inside the block,
    by the test or by its requests (both use the test's connection)."""

    @contextlib.contextmanager
    def _count():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db_connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db_connection, "before_cursor_execute", record)

    return _count


@pytest.fixture
def plan_of(db_connection):
    """``with plan_of(lambda statement: ...) as plan:`` runs the block, then gives (``plan[0]``)
    the database's plan for the one statement the predicate picks (its spaces and newlines made
    single spaces), with its own parameters: PostgreSQL's EXPLAIN, sequential scans discouraged
    (on a test's few rows a scan is always cheapest: this shows which index can answer it), or
    SQLite's EXPLAIN QUERY PLAN, one step a line."""

    @contextlib.contextmanager
    def _plan(picks):
        recorded = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if picks(" ".join(statement.split())):
                recorded.append((statement, parameters))

        plan: list[str] = []
        sa.event.listen(db_connection, "before_cursor_execute", record)
        try:
            yield plan
        finally:
            sa.event.remove(db_connection, "before_cursor_execute", record)
        ((statement, parameters),) = recorded
        if db_connection.dialect.name == "postgresql":
            db_connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = db_connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        else:
            rows = db_connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        plan.append("\n".join(str(row[-1]) for row in rows))

    return _plan


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Flask-Limiter's counters outlive the rolled-back transaction: start each test at zero."""
    limiter.reset()


@pytest.fixture(autouse=True)
def _fresh_reference_lists(app):
    """The kept reference lists (app/reference_cache.py) would outlive the rolled-back rows they
    were read from: each test reads them from its own data."""
    with app.app_context():
        forget_all()
    yield
    with app.app_context():
        forget_all()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client: FlaskClient, app) -> str:
    """The token Flask-WTF would put in this client's forms."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def post(client, app):
    """POST a form with a valid CSRF token."""

    def _post(url: str, data: dict | None = None, **kwargs):
        return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, app)}, **kwargs)

    return _post


@pytest.fixture
def login(client, post):
    def _login(user, password: str = TEST_PASSWORD):
        response = post("/connexion", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


@pytest.fixture
def travel():
    """Freeze time at a given instant; returns the traveller to move it."""
    travellers = []

    def _travel(destination, tick: bool = False):
        traveller = time_machine.travel(destination, tick=tick)
        travellers.append(traveller)
        return traveller.start()

    yield _travel
    for traveller in reversed(travellers):
        traveller.stop()


def paris(*args) -> datetime:
    """An instant given in Paris time: paris(2026, 11, 23, 7, 30)."""
    return datetime(*args, tzinfo=PARIS)


def extract(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match, f"{pattern!r} not found"
    return match.group(1)
