"""PostgreSQL plans each statement for its own values, even once psycopg has prepared it."""

import pytest

pytestmark = pytest.mark.postgresql_only


def test_every_connection_asks_for_custom_plans(db_connection):
    assert db_connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
