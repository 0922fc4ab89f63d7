"""PostgreSQL plans each statement for its own values, even once psycopg has prepared it, and
without parallel workers."""

import pytest

pytestmark = pytest.mark.postgresql_only


def test_every_connection_asks_for_custom_plans(db_connection):
    assert db_connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"


def test_no_statement_is_planned_with_parallel_workers(db_connection):
    assert db_connection.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"
