"""PostgreSQL plans each statement for its own values, even once psycopg has prepared it,
without parallel workers, and reads instants in UTC."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.postgresql_only


def test_every_connection_asks_for_custom_plans(db_connection):
    assert db_connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"


def test_no_statement_is_planned_with_parallel_workers(db_connection):
    assert db_connection.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"


def test_instants_are_read_in_python_s_own_utc(db_connection):
    # The server's zone (Etc/UTC here, often Europe/Paris in production) would make psycopg return
    # ZoneInfo instants that UTCDateTime then converts one by one.
    assert db_connection.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
    instant = db_connection.exec_driver_sql("SELECT TIMESTAMPTZ '2026-12-03 10:00:00+01'").scalar()
    assert instant.tzinfo is UTC
    assert instant == datetime(2026, 12, 3, 9, tzinfo=UTC)
