"""Benchmark of the morning digest: 5,000 advisers and 1,000,000 open follow-ups on PostgreSQL.

Builds a fresh database with the migrations, fills it with INSERT … SELECT generate_series,
then runs the digest job as the scheduler would (next working day, 07:30 Paris) and reports
its duration and the number of SQL statements of each batch: the number must not depend on
how many advisers a batch holds or how many follow-ups they have.

    .venv/bin/python bench/bench_digest.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_digest

The database named in the URL is dropped and recreated.
"""

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMIT_SECONDS = 60


def recreate_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("Ce banc d'essai vise PostgreSQL (--database-url postgresql+psycopg://…).")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def next_working_day(start):
    from app.notifications.workdays import is_working_day

    day = start + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def generate(connection, day, advisers: int, follow_ups: int, employers: int, notifications: int) -> None:
    """Advisers, employers, open follow-ups due from 90 days ago to 30 days ahead, unread
    notifications, and a prospection plan whose target list is shared out among advisers."""
    basin_id = connection.scalar(sa.text("SELECT min(id) FROM basins"))
    connection.execute(
        sa.text(
            "INSERT INTO operators (name, kind) VALUES ('France Travail banc d''essai', 'france_travail') RETURNING id"
        )
    )
    operator_id = connection.scalar(sa.text("SELECT max(id) FROM operators"))
    connection.execute(
        sa.text(
            """
            INSERT INTO users (email, full_name, password_hash, role, operator_id, is_active, wants_email_digest,
                               session_token, created_at)
            SELECT 'conseiller' || i || '@banc.relais.fr', 'Conseiller ' || i, 'x', 'adviser', :operator, true,
                   i % 4 <> 0, md5(i::text), now()
            FROM generate_series(1, :count) AS i
            """
        ),
        {"operator": operator_id, "count": advisers},
    )
    connection.execute(
        sa.text(
            """
            INSERT INTO employers (name, search_name, basin_id, source, created_at, updated_at, version)
            SELECT 'Entreprise ' || i, 'entreprise ' || i, :basin, 'manual', now(), now(), 1
            FROM generate_series(1, :count) AS i
            """
        ),
        {"basin": basin_id, "count": employers},
    )
    bounds = connection.execute(sa.text("SELECT min(id), max(id) FROM users WHERE email LIKE '%@banc.relais.fr'")).one()
    first_employer = connection.scalar(sa.text("SELECT min(id) FROM employers"))
    connection.execute(
        sa.text(
            """
            INSERT INTO follow_ups (employer_id, owner_id, due_on, title, status, created_at)
            SELECT :first_employer + CAST(i::bigint * 7919 % :employers AS integer),
                   :first_user + i % :advisers,
                   CAST(:day AS date) + CAST(i::bigint * 104729 % 121 - 90 AS integer),
                   'Rappeler l''employeur ' || i, 'open', now()
            FROM generate_series(1, :count) AS i
            """
        ),
        {
            "first_employer": first_employer,
            "employers": employers,
            "first_user": bounds[0],
            "advisers": advisers,
            "day": day,
            "count": follow_ups,
        },
    )
    connection.execute(
        sa.text(
            """
            INSERT INTO notifications (recipient_id, kind, message, created_at)
            SELECT :first_user + i % :advisers, 'contact_logged', 'Un collègue a contacté l''entreprise ' || i, now()
            FROM generate_series(1, :count) AS i
            """
        ),
        {"first_user": bounds[0], "advisers": advisers, "count": notifications},
    )
    plan_id = connection.scalar(
        sa.text(
            """
            INSERT INTO prospection_plans (basin_id, title, starts_on, ends_on, target_list_size, created_at)
            VALUES (:basin, 'Plan du banc d''essai', CAST(:day AS date) - 30, CAST(:day AS date) + 60, 1000, now())
            RETURNING id
            """
        ),
        {"basin": basin_id, "day": day},
    )
    connection.execute(
        sa.text(
            """
            INSERT INTO plan_employers (plan_id, employer_id, adviser_id, score, score_details, is_manual,
                                        is_excluded, added_at)
            SELECT :plan, :first_employer + i, :first_user + i % :advisers, i % 100, '[]', false, false, now()
            FROM generate_series(0, 999) AS i
            """
        ),
        {"plan": plan_id, "first_employer": first_employer, "first_user": bounds[0], "advisers": advisers},
    )
    connection.exec_driver_sql("ANALYZE")


class StatementCounter:
    """SQL statements per transaction: the digest commits once per batch."""

    def __init__(self, engine):
        self.current = 0
        self.per_transaction: list[int] = []
        sa.event.listen(engine, "before_cursor_execute", self.statement)
        sa.event.listen(engine, "commit", self.commit)

    def statement(self, *args):
        self.current += 1

    def commit(self, connection):
        self.per_transaction.append(self.current)
        self.current = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--advisers", type=int, default=5_000)
    parser.add_argument("--follow-ups", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=50_000)
    parser.add_argument("--notifications", type=int, default=100_000)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.notifications.mail import deliver_outbox
    from app.notifications.tasks import DIGEST_BATCH, send_morning_digests
    from app.timeutils import PARIS, today_paris
    from seeds.reference import load_reference

    recreate_database(args.database_url)
    outbox = tempfile.mkdtemp(prefix="bench-digest-outbox-")
    app = create_app(
        "development", {"SQLALCHEMY_DATABASE_URI": args.database_url, "MAIL_BACKEND": "file", "MAIL_OUTBOX_DIR": outbox}
    )
    day = next_working_day(today_paris())
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            generate(connection, day, args.advisers, args.follow_ups, args.employers, args.notifications)
        print(
            f"Données : {args.advisers} conseillers, {args.follow_ups} relances ouvertes, "
            f"{args.notifications} notifications ({time.perf_counter() - started:.1f} s)"
        )

        counter = StatementCounter(db.engine)
        now = datetime.combine(day, clock(7, 30), tzinfo=PARIS)
        started = time.perf_counter()
        counts = send_morning_digests(now)
        elapsed = time.perf_counter() - started
        batches = list(counter.per_transaction)
        print(f"Point du matin du {day:%d/%m/%Y} : {elapsed:.1f} s (limite {LIMIT_SECONDS} s) — {counts}")
        print(
            f"Requêtes par lot de {DIGEST_BATCH} conseillers : {batches} "
            f"(total {sum(batches) + counter.current}, {len(batches)} lots)"
        )
        started = time.perf_counter()
        sent = deliver_outbox(now)
        print(f"Envoi des courriels (boîte fichier) : {time.perf_counter() - started:.1f} s — {sent}")
        db.session.remove()
        db.engine.dispose()
    ok = elapsed < LIMIT_SECONDS and len(set(batches)) == 1
    print("OK" if ok else "ÉCHEC")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
