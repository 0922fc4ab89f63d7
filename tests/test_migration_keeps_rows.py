"""A migration that rebuilds a SQLite table (batch mode: copy, DROP, rename) keeps the rows that
reference it: with foreign keys on, the DROP would first delete every row and cascade
(migrations/env.py turns them off around the migrations). Migration 3000 rebuilds `users`."""

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

BEFORE = "2900_retention_surveys"


def _row(connection, table: str, **values) -> int:
    """Insert a row giving every NOT NULL column without a default a plausible value."""
    for column in connection.execute(sa.text(f"PRAGMA table_info({table})")).mappings():
        name, kind = column["name"], (column["type"] or "").upper()
        if column["pk"] or not column["notnull"] or column["dflt_value"] is not None or name in values:
            continue
        if "INT" in kind or "BOOL" in kind:
            values[name] = 0
        elif "DATE" in kind or "TIME" in kind:
            values[name] = "2026-11-30 10:00:00"
        else:
            values[name] = f"{table}-{name}"
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    return connection.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING id"), values
    ).scalar_one()


def test_rebuilding_the_users_table_keeps_their_notifications(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rebuild.db'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            user_id = _row(connection, "users", email="claire@example.fr", role="adviser")
            _row(connection, "notifications", recipient_id=user_id, message="Bonjour")
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM notifications")).scalar_one() == 1
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
        db.engine.dispose()
