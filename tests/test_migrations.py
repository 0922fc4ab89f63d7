"""The schema is only ever built by the migrations: they must match the models and run both ways."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.schema import include_object
from tests.conftest import _throwaway_postgres


def test_models_and_migrations_agree(db_connection):
    context = MigrationContext.configure(db_connection, opts={"compare_type": True, "include_object": include_object})
    assert compare_metadata(context, db.metadata) == []


def _fresh_database_url(base_url: str, tmp_path):
    if base_url.startswith("postgresql"):
        return _throwaway_postgres(base_url)
    return f"sqlite:///{tmp_path / 'migrations.db'}", lambda: None


def test_migrations_run_down_to_nothing_and_up_again(database_url, tmp_path):
    url, drop = _fresh_database_url(database_url, tmp_path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            tables_at_head = set(sa.inspect(db.engine).get_table_names())
            assert {"employers", "assignments", "users", "audit_events"} <= tables_at_head

            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

            upgrade()
            assert set(sa.inspect(db.engine).get_table_names()) == tables_at_head
            db.engine.dispose()
    finally:
        drop()
