"""Migration 2800 turns a need's single public into rows of need_publics ("all": none), and back."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import _throwaway_postgres

BEFORE, AFTER = "2700_services_catalogue", "2800_sourcing_inclusion"


def test_each_need_keeps_its_public(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        url, drop = _throwaway_postgres(database_url)
    else:
        url, drop = f"sqlite:///{tmp_path / 'publics.db'}", lambda: None
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                basin_id = connection.execute(
                    sa.text(
                        "INSERT INTO basins (code, name, departement_code, region_code) "
                        "VALUES ('9999', 'Bassin d''essai', '44', '52') RETURNING id"
                    )
                ).scalar_one()
                employer_id = connection.execute(
                    sa.text(
                        "INSERT INTO employers (name, search_name, basin_id, source, updated_at, created_at) "
                        "VALUES ('Essai', 'essai', :basin, 'manual', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
                    ),
                    {"basin": basin_id},
                ).scalar_one()
                for title, public in [("Cadre", "executives"), ("Tous", "all"), ("Jeune", "youth"), ("RSA", "rsa")]:
                    connection.execute(
                        sa.text(
                            "INSERT INTO recruitment_needs (employer_id, basin_id, title, positions, contract, "
                            "target_public, origin, status, identified_on, updated_at, created_at) VALUES "
                            "(:employer, :basin, :title, 1, 'cdi', :public, 'contact', 'identified', '2026-11-02', "
                            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                        ),
                        {"employer": employer_id, "basin": basin_id, "title": title, "public": public},
                    )
                # The need's stage history hangs on it: rebuilding recruitment_needs must not cascade.
                connection.execute(
                    sa.text(
                        "INSERT INTO need_status_changes (need_id, to_status, changed_at) "
                        "SELECT id, 'identified', CURRENT_TIMESTAMP FROM recruitment_needs"
                    )
                )
            upgrade(revision=AFTER)
            with db.engine.connect() as connection:
                publics = connection.execute(
                    sa.text(
                        "SELECT n.title, p.public FROM recruitment_needs n "
                        "LEFT JOIN need_publics p ON p.need_id = n.id ORDER BY n.title"
                    )
                ).all()
                columns = {column["name"] for column in sa.inspect(connection).get_columns("recruitment_needs")}
            assert [tuple(row) for row in publics] == [
                ("Cadre", "executives"),
                ("Jeune", "youth"),
                ("RSA", "rsa"),
                ("Tous", None),
            ]
            assert "target_public" not in columns
            with db.engine.connect() as connection:
                assert connection.execute(sa.text("SELECT count(*) FROM need_status_changes")).scalar_one() == 4
                foreign_keys = (
                    connection.exec_driver_sql("PRAGMA foreign_keys").scalar() if url.startswith("sqlite") else 1
                )
            assert foreign_keys == 1

            # Back: one public each, the first of rule 3's order; a need of none is "all" again.
            with db.engine.begin() as connection:
                jeune = connection.execute(
                    sa.text("SELECT id FROM recruitment_needs WHERE title = 'Jeune'")
                ).scalar_one()
                for public in ("disabled", "qpv"):
                    connection.execute(
                        sa.text("INSERT INTO need_publics (need_id, public) VALUES (:need, :public)"),
                        {"need": jeune, "public": public},
                    )
            downgrade(revision=BEFORE)
            with db.engine.connect() as connection:
                back = connection.execute(
                    sa.text("SELECT title, target_public FROM recruitment_needs ORDER BY title")
                ).all()
                assert connection.execute(sa.text("SELECT count(*) FROM need_status_changes")).scalar_one() == 4
            db.engine.dispose()
        assert [tuple(row) for row in back] == [
            ("Cadre", "executives"),
            ("Jeune", "youth"),
            ("RSA", "rsa"),
            ("Tous", "all"),
        ]
    finally:
        drop()
