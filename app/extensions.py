"""Flask extensions, created once and configured by create_app()."""

import ipaddress

from flask import request
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.replica import RoutingSession

# Named constraints let Alembic's batch mode rebuild SQLite tables and let
# migrations drop a constraint by name on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# join_transaction_mode only matters when a session is bound to a connection that is
# already in a transaction: the tests do that to roll every test back.
# RoutingSession sends the reads of replica-tolerant views to DATABASE_REPLICA_URL (app/replica.py).
db = SQLAlchemy(
    model_class=Base, session_options={"join_transaction_mode": "create_savepoint", "class_": RoutingSession}
)
# Batch mode: SQLite cannot ALTER most things, Alembic rebuilds the table instead.
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


def client_address() -> str:
    """Who is calling, for every per-address limit: the address that the trusted proxies
    reported (ProxyFix, TRUSTED_PROXY_HOPS), an IPv6 client by its /64 network, since one
    subscriber holds a whole /64 and could otherwise take a fresh address for each attempt."""
    address = request.remote_addr or "127.0.0.1"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address


limiter = Limiter(key_func=client_address, default_limits=[])
# Figures that may lag a minute behind the database (the dashboard's): CACHE_TYPE in config.py.
cache = Cache()


# The execution option of the statements PostgreSQL may plan once for all their values (``plan_once``).
PLAN_ONCE = "relais_plan_once"


def plan_once(statement):
    """The statement, prepared on the server at its first run on a connection, so that PostgreSQL
    may keep one plan for every value (after five plans made for the values, if it costs no more).

    Only for a statement whose best plan is the same for every value: a lookup by key (an
    employer's history, the user of a request). Planning was half of what PostgreSQL spent on
    such statements.
    """
    return statement.execution_options(**{PLAN_ONCE: True})


def configure_postgresql(engine) -> None:
    """Plans made for each statement's own values unless it asks otherwise, without parallel
    workers, and instants in UTC.

    psycopg would prepare a statement on the server once a connection has run it 5 times, and
    PostgreSQL may then keep one generic plan, made without the values. On skewed data (a word in
    a tenth of the names or in a handful, one adviser's portfolio among 2.5 M employers) that plan
    walked a whole index: 1–2 s where the plan for the values takes 0.1 s. So each statement run
    with parameters is prepared only when marked with ``plan_once``, at its first run; any other is
    planned for its values at each run. (``executemany``, the imports' batches of writes, keeps
    psycopg's own rule: a write's plan does not depend on how common a value is.)

    A parallel scan takes cores that concurrent requests need, and made the planner prefer
    reading whole tables: a surname in the header's search was read from the 100,000 contact
    persons in parallel after 9 of 12 fresh ANALYZE samples (190–290 ms), from their trigram
    index after every one without parallel workers (8–47 ms).

    Instants are read in UTC whatever the server's time zone: psycopg then hands them over with
    Python's own UTC, which ``UTCDateTime`` keeps as is (with the server's zone, Etc/UTC or
    Europe/Paris, each one was converted: a tenth of a millisecond on a list page of 25 rows), and
    a date taken from an instant in SQL is the same in production as in the tests.
    """
    import psycopg
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET outside any transaction, kept for the session
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit

    @event.listens_for(engine, "do_execute")
    def _prepare_only_when_asked(cursor, statement, parameters, context):
        # Each statement with parameters comes here: psycopg is told whether to prepare it. A
        # server-side cursor (an export read in batches) is never prepared: SQLAlchemy runs it.
        if isinstance(cursor, psycopg.ServerCursor):
            return None
        cursor.execute(statement, parameters, prepare=bool(context.execution_options.get(PLAN_ONCE)))
        return True  # run: SQLAlchemy does not run it again


def configure_sqlite(engine) -> None:
    """SQLite as a real transactional database (see docs/ARCHITECTURE.md).

    pysqlite opens transactions on its own, which breaks SAVEPOINTs; the documented
    recipe turns that off and emits BEGIN ourselves: BEGIN IMMEDIATE for a unit of work that
    may write, so that it waits for the write lock (app.write_intent). Foreign keys are off by
    default in SQLite, and WAL lets readers work while one writer writes.
    """
    from sqlalchemy import event

    from app.text import near_words, normalize_for_search
    from app.write_intent import writes_expected

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # A writer waits its turn (BEGIN IMMEDIATE) up to 15 s: a burst on a busy machine stays a wait, not an error.
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # The search's folding and typo tolerance, which SQLite lacks (app.dialects.folded, near_words).
        dbapi_connection.create_function("search_fold", 1, normalize_for_search, deterministic=True)
        dbapi_connection.create_function("search_near", 2, near_words, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes_expected() else "BEGIN")
