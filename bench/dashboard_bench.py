"""Benchmark of the managers' dashboard (/tableau-de-bord) for one basin and for a whole région.

Builds a synthetic network in a fresh database with the migrations, fills it with
INSERT … SELECT (SQLite: a recursive CTE; PostgreSQL: generate_series), then times full
HTTP requests through the app (query + render) for a basin and for a région.

    .venv/bin/python bench/dashboard_bench.py --database-url sqlite:////tmp/bench.db --employers 200000
    .venv/bin/python bench/dashboard_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        --employers 2500000 --interactions 10000000 --basins 300 --basins-per-region 25

The database named in the URL is dropped and recreated (SQLite: the file is deleted).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "Banc-d-essai-2026!"  # noqa: S105  (a throwaway benchmark account)
CHANNELS = ("visit", "phone", "email", "event", "other")
OPEN_STAGES = ("identified", "qualified", "sourcing", "candidates_presented")


def recreate_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


class Sql:
    """The few expressions that differ between the two databases."""

    def __init__(self, dialect: str):
        self.dialect = dialect

    def series(self, count: int) -> str:
        if self.dialect == "sqlite":
            return f"(WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) SELECT n FROM seq) AS s"  # noqa: S608
        return f"generate_series(1, {count}) AS s(n)"

    @staticmethod
    def rnd(salt: int, modulo) -> str:
        # A cheap deterministic scramble of n: the same data on both databases.
        return f"((s.n * 2654435761 + {salt * 40503}) % {modulo})"

    def days_ago(self, today: str, days: str) -> str:
        if self.dialect == "sqlite":
            return f"date('{today}', '-' || ({days}) || ' days')"
        return f"(DATE '{today}' - ({days})::int)"

    def at_nine(self, day: str) -> str:
        if self.dialect == "sqlite":
            return f"({day} || ' 09:00:00.000000')"
        return f"(({day}) + TIME '09:00') AT TIME ZONE 'UTC'"

    def instant(self, value: str) -> str:
        return f"'{value}'" if self.dialect == "sqlite" else f"TIMESTAMPTZ '{value} UTC'"

    def padded(self, expression: str, width: int) -> str:
        if self.dialect == "sqlite":
            return f"printf('%0{width}d', {expression})"
        return f"lpad(({expression})::text, {width}, '0')"


def generate(app, employers: int, interactions: int, basin_count: int, per_region: int) -> dict:
    from app.auth.enums import Role
    from app.auth.models import User
    from app.auth.services import hash_password
    from app.extensions import db
    from app.referential.enums import OperatorKind
    from app.referential.models import Basin, Departement, Operator
    from app.timeutils import today_paris, utcnow

    with app.app_context():
        # per_region basins in each région, in the first département of that région.
        departements = {}
        for departement in db.session.scalars(sa.select(Departement).order_by(Departement.code)):
            departements.setdefault(departement.region_code, departement.code)
        regions = sorted(departements)
        basins = [
            Basin(
                code=f"B{i:04d}",
                name=f"Bassin {i:03d}",
                departement_code=departements[regions[i // per_region % len(regions)]],
                region_code=regions[i // per_region % len(regions)],
            )
            for i in range(basin_count)
        ]
        db.session.add_all(basins)
        operators = [Operator(name=f"{kind.label} banc", kind=kind) for kind in OperatorKind]
        db.session.add_all(operators)
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        advisers = []
        for index, basin in enumerate(basins):
            for k in range(2):
                operator = operators[(index + k) % len(operators)]
                advisers.append(
                    User(
                        email=f"conseiller{index}-{k}@banc.fr",
                        full_name=f"Conseiller {index}-{k}",
                        role=Role.ADVISER,
                        operator=operator,
                        basins=[basin],
                        password_hash=password_hash,
                    )
                )
        db.session.add_all(advisers)
        db.session.add(
            User(email="admin@banc.fr", full_name="Admin banc", role=Role.ADMIN, password_hash=password_hash)
        )
        db.session.commit()
        first_basin, first_adviser = basins[0].id, advisers[0].id
        sql = Sql(db.engine.dialect.name)
        today = today_paris().isoformat()
        now = utcnow().strftime("%Y-%m-%d %H:%M:%S")
        needs = employers // 10
        statements = {
            "employers": f"""
                INSERT INTO employers (id, siret, siren, name, search_name, basin_id, source, created_at, updated_at, version)
                SELECT s.n, {sql.padded("s.n", 14)}, substr({sql.padded("s.n", 14)}, 1, 9), 'Entreprise ' || s.n,
                       'entreprise ' || s.n, {first_basin} + (s.n - 1) % {basin_count}, 'sirene', '{now}', '{now}', 1
                FROM {sql.series(employers)}""",  # noqa: S608  (generated numbers only)
            "interactions": f"""
                INSERT INTO interactions (employer_id, basin_id, author_id, occurred_on, channel, subject, summary, outcome, created_at)
                SELECT e.id, e.basin_id, {first_adviser} + 2 * ((e.id - 1) % {basin_count}) + s.n % 2,
                       {sql.days_ago(today, sql.rnd(2, 365))},
                       CASE {sql.rnd(3, 5)} {" ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CHANNELS))} END,
                       'Échange', '', '', '{now}'
                FROM {sql.series(interactions)} JOIN employers e ON e.id = 1 + {sql.rnd(1, employers)}""",  # noqa: S608  (generated numbers only)
            "recruitment_needs": f"""
                INSERT INTO recruitment_needs (id, employer_id, basin_id, title, positions, positions_filled, contract,
                    origin, status, identified_on, closed_on, satisfaction_score, satisfaction_recorded_at,
                    created_at, updated_at, version)
                SELECT s.n, 1 + {sql.rnd(4, employers)}, {first_basin} + {sql.rnd(4, employers)} % {basin_count}, 'Besoin ' || s.n, 1 + {sql.rnd(8, 3)},
                       CASE WHEN {sql.rnd(6, 100)} BETWEEN 45 AND 79 THEN 1 ELSE 0 END, 'cdi', 'contact',
                       CASE WHEN {sql.rnd(6, 100)} < 45 THEN
                            CASE {sql.rnd(9, 4)} {" ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(OPEN_STAGES))} END
                            WHEN {sql.rnd(6, 100)} < 80 THEN 'filled'
                            WHEN {sql.rnd(6, 100)} < 92 THEN 'not_filled' ELSE 'cancelled' END,
                       {sql.days_ago(today, "10 + " + sql.rnd(5, 330))},
                       CASE WHEN {sql.rnd(6, 100)} >= 45
                            THEN {sql.days_ago(today, f"10 + {sql.rnd(5, 330)} - {sql.rnd(7, 120)} % (10 + {sql.rnd(5, 330)})")}
                       END,
                       CASE WHEN {sql.rnd(6, 100)} >= 45 AND {sql.rnd(10, 2)} = 0 THEN 1 + {sql.rnd(11, 5)} END,
                       CASE WHEN {sql.rnd(6, 100)} >= 45 AND {sql.rnd(10, 2)} = 0 THEN {sql.instant(now)} END,
                       '{now}', '{now}', 1
                FROM {sql.series(needs)}""",  # noqa: S608  (generated numbers only)
            "need_status_changes (identified)": f"""
                INSERT INTO need_status_changes (need_id, from_status, to_status, changed_at)
                SELECT id, NULL, 'identified', {sql.at_nine("identified_on")} FROM recruitment_needs""",  # noqa: S608  (generated numbers only)
            "need_status_changes (current)": f"""
                INSERT INTO need_status_changes (need_id, from_status, to_status, changed_at)
                SELECT id, 'identified', status, {sql.at_nine("COALESCE(closed_on, identified_on)")}
                FROM recruitment_needs WHERE status <> 'identified'""",  # noqa: S608  (generated numbers only)
            "assignments": f"""
                INSERT INTO assignments (employer_id, basin_id, adviser_id, operator_id, reason, started_at)
                SELECT e.id, e.basin_id, u.id, u.operator_id, '', '{now}'
                FROM employers e JOIN users u ON u.id = {first_adviser} + 2 * ((e.id - 1) % {basin_count})
                WHERE (e.id * 7) % 10 < 4""",  # noqa: S608  (generated numbers only)
        }
        timings = {}
        with db.engine.begin() as connection:
            for name, statement in statements.items():
                started = time.perf_counter()
                connection.execute(sa.text(statement))
                timings[name] = time.perf_counter() - started
                print(f"  {name}: {timings[name]:.1f} s", flush=True)
        with db.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            if sql.dialect == "postgresql":
                connection.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('recruitment_needs', 'id'), "
                    "(SELECT max(id) FROM recruitment_needs))"
                )
                # Index-only scans need the visibility map: a transaction left open elsewhere on the
                # server (another test run) keeps VACUUM from setting it, so check and retry.
                for _ in range(10):
                    connection.exec_driver_sql("VACUUM ANALYZE")
                    visible = connection.exec_driver_sql(
                        "SELECT min(relallvisible::float / greatest(relpages, 1)) FROM pg_class "
                        "WHERE relname IN ('interactions', 'employers', 'recruitment_needs', 'assignments')"
                    ).scalar()
                    print(f"  VACUUM ANALYZE: {visible:.0%} of pages all-visible", flush=True)
                    if visible > 0.95:
                        break
                    time.sleep(10)
            else:
                connection.exec_driver_sql("ANALYZE")
        return {"basins": basins[0].id, "region": basins[0].region_code, "timings": timings}


def measure(app, url: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each request (CPU of this process: the app, and SQLite's engine)."""
    client = app.test_client()
    response = client.post("/connexion", data={"email": "admin@banc.fr", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    durations, cpu = [], []
    for index in range(runs + 2):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        assert response.status_code == 200, (url, response.status_code)
        if index >= 2:  # two warm-up requests
            durations.append(elapsed * 1000)
            cpu.append(elapsed_cpu * 1000)
    return durations, cpu


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--interactions", type=int, help="default: 4 per employer")
    parser.add_argument("--basins", type=int, default=20)
    parser.add_argument("--basins-per-region", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-generation", action="store_true", help="reuse the database of a previous run")
    args = parser.parse_args()
    interactions = args.interactions or 4 * args.employers

    os.environ["DATABASE_URL"] = args.database_url
    from flask_migrate import upgrade

    from app import create_app
    from app.dashboard.scopes import quarter_of
    from app.timeutils import today_paris

    if not args.skip_generation:
        recreate_database(args.database_url)
    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": args.database_url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False},
    )
    logging_quiet(app)
    if not args.skip_generation:
        with app.app_context():
            upgrade()
        started = time.perf_counter()
        print(
            f"Generating {args.employers:,} employers, {interactions:,} interactions, {args.basins} basins…", flush=True
        )
        generate(app, args.employers, interactions, args.basins, args.basins_per_region)
        print(f"Generation: {time.perf_counter() - started:.0f} s", flush=True)

    with app.app_context():
        from app.extensions import db
        from app.referential.models import Basin

        basin = db.session.scalar(sa.select(Basin).where(Basin.code == "B0000"))
        basin_id, region = basin.id, basin.region_code
        in_region = db.session.scalar(sa.select(sa.func.count()).select_from(Basin).where(Basin.region_code == region))
    # The previous full quarter: a quarter of the year's contacts fall in it.
    period = quarter_of(quarter_of(today_paris()).start - timedelta(days=1))
    dates = f"debut={period.start.isoformat()}&fin={period.end.isoformat()}"
    scenarios = {
        "basin": f"/tableau-de-bord?perimetre=basin:{basin_id}&{dates}",
        f"région ({in_region} basins)": f"/tableau-de-bord?perimetre=region:{region}&{dates}",
        "needs board, basin": f"/besoins?basin={basin_id}",
    }
    print(f"Period {period.start} – {period.end}; {args.runs} timed requests each (after 2 warm-up)")
    print(f"Load average before the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, url in scenarios.items():
        durations, cpu = measure(app, url, args.runs)
        print(
            f"  {name:<28} p50 {statistics.median(durations):6.0f} ms  p95 {percentile(durations, 0.95):6.0f} ms"
            f"  max {max(durations):6.0f} ms  | CPU of the app process p50 {statistics.median(cpu):6.0f} ms"
            f"  p95 {percentile(cpu, 0.95):6.0f} ms",
            flush=True,
        )


def logging_quiet(app) -> None:
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    app.logger.setLevel(logging.WARNING)


if __name__ == "__main__":
    main()
