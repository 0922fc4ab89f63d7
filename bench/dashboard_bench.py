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

from bench.databases import recreate_database, settle  # noqa: E402

PASSWORD = "Banc-d-essai-2026!"  # noqa: S105  (a throwaway benchmark account)
CHANNELS = ("visit", "phone", "email", "event", "other")
OPEN_STAGES = ("identified", "qualified", "sourcing", "candidates_presented")


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

    @staticmethod
    def scramble(column: str, salt: int, modulo) -> str:
        """A draw from a row's own number (an id). rnd's residues follow n's (the basin of a need, of
        an employer, is one of them), so each salt multiplies by its own factor, modulo a prime: the
        factors are far apart, so that two draws of one row are unrelated even for small ids."""
        return f"(({column}) * CAST({1 + 2654435761 * (salt + 1) % 1000003} AS BIGINT) % 1000003 % ({modulo}))"

    def days_after(self, day: str, days: str) -> str:
        if self.dialect == "sqlite":
            return f"date({day}, '+' || ({days}) || ' days')"
        return f"(({day}) + ({days})::int)"

    def days_between(self, today: str, day: str) -> str:
        """Whole days from ``day`` to ``today``."""
        if self.dialect == "sqlite":
            return f"CAST(julianday('{today}') - julianday({day}) AS INTEGER)"
        return f"(DATE '{today}' - ({day}))"

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
    from app.needs.models import ServiceType
    from app.referential.enums import OperatorKind
    from app.referential.models import Basin, Departement, Operator
    from app.timeutils import today_paris, utcnow
    from seeds.reference import load_service_types

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
        load_service_types()
        db.session.commit()
        first_basin, first_adviser = basins[0].id, advisers[0].id
        service_types = list(db.session.scalars(sa.select(ServiceType.id)))  # every family of the catalogue
        operator_ids = [operator.id for operator in operators]
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
                SELECT s.n, 1 + {sql.rnd(4, employers)}, {first_basin} + {sql.rnd(4, employers)} % {basin_count}, 'Besoin ' || s.n, 1 + {sql.scramble("s.n", 8, 3)},
                       CASE WHEN {sql.scramble("s.n", 6, 100)} BETWEEN 45 AND 79 THEN 1 ELSE 0 END, 'cdi', 'contact',
                       CASE WHEN {sql.scramble("s.n", 6, 100)} < 45 THEN
                            CASE {sql.scramble("s.n", 9, 4)} {" ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(OPEN_STAGES))} END
                            WHEN {sql.scramble("s.n", 6, 100)} < 80 THEN 'filled'
                            WHEN {sql.scramble("s.n", 6, 100)} < 92 THEN 'not_filled' ELSE 'cancelled' END,
                       {sql.days_ago(today, "10 + " + sql.scramble("s.n", 5, 330))},
                       CASE WHEN {sql.scramble("s.n", 6, 100)} >= 45
                            THEN {sql.days_ago(today, f"10 + {sql.scramble('s.n', 5, 330)} - {sql.scramble('s.n', 7, 120)} % (10 + {sql.scramble('s.n', 5, 330)})")}
                       END,
                       CASE WHEN {sql.scramble("s.n", 6, 100)} >= 45 AND {sql.scramble("s.n", 10, 2)} = 0 THEN 1 + {sql.scramble("s.n", 11, 5)} END,
                       CASE WHEN {sql.scramble("s.n", 6, 100)} >= 45 AND {sql.scramble("s.n", 10, 2)} = 0 THEN {sql.instant(now)} END,
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
        statements.update(steering_statements(sql, today, now, service_types, operator_ids))
        timings = {}
        with db.engine.begin() as connection:
            for name, statement in statements.items():
                started = time.perf_counter()
                connection.execute(sa.text(statement))
                timings[name] = time.perf_counter() - started
                print(f"  {name}: {timings[name]:.1f} s", flush=True)
        with db.engine.connect() as connection:
            if sql.dialect == "postgresql":
                connection.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('recruitment_needs', 'id'), "
                    "(SELECT max(id) FROM recruitment_needs))"
                )
            connection.commit()  # settle() runs outside any transaction
            settle(connection, ("interactions", "employers", "recruitment_needs", "assignments"))
        return {"basins": basins[0].id, "region": basins[0].region_code, "timings": timings}


PUBLICS = ("rsa", "disabled", "youth", "seniors", "qpv", "long_term_unemployed", "executives")
# The answered surveys' scores, most of them good.
SCORES = (5, 5, 5, 4, 4, 4, 4, 3, 2, 1)
FUNDERS = ("france_travail", "region", "opco", "agefiph", "etat", "employer", "other")
# Of ten mobilisations: four delivered, two accepted, two proposed, two refused.
MOBILISATION_STATUS = (
    "CASE WHEN {h} < 4 THEN 'delivered' WHEN {h} < 6 THEN 'accepted' WHEN {h} < 8 THEN 'proposed' ELSE 'refused' END"
)


def _case(expression: str, values) -> str:
    return f"CASE {expression} {' '.join(f'WHEN {i} THEN {value}' for i, value in enumerate(values))} END"


def _mobilisations(sql: Sql, today: str, now: str, service_types: list, source: str) -> str:
    """Mobilisations of the rows of ``source`` (id, employer_id, basin_id, need_id, age: days since the
    need was identified, or the window of an employer's own): proposed within the age, delivered after
    that and before today, people only once accepted, hires of the delivered ones within their people."""

    def h(salt: int, modulo) -> str:
        return sql.scramble("m.id", salt, modulo)

    status = MOBILISATION_STATUS.format(h=h(21, 10))
    proposed_ago = h(22, "(m.age + 1)")
    delivered_ago = f"{proposed_ago} - {h(23, 60)} % ({proposed_ago} + 1)"  # within 60 days of the proposal
    people = f"(1 + {h(25, 12)})"
    return f"""
        INSERT INTO service_mobilisations (employer_id, basin_id, need_id, service_type_id, status, proposed_on,
            starts_on, ends_on, delivered_on, people, hires, funder, note, created_at, updated_at, version)
        SELECT m.employer_id, m.basin_id, m.need_id, {_case(h(24, len(service_types)), service_types)},
               {status}, {sql.days_ago(today, proposed_ago)},
               CASE WHEN {h(21, 10)} < 6 THEN {sql.days_ago(today, proposed_ago)} END,
               CASE WHEN {h(21, 10)} < 4 THEN {sql.days_ago(today, delivered_ago)} END,
               CASE WHEN {h(21, 10)} < 4 THEN {sql.days_ago(today, delivered_ago)} END,
               CASE WHEN {h(21, 10)} < 6 THEN {people} END,
               CASE WHEN {h(21, 10)} < 4 THEN {h(26, 13)} % ({people} + 1) END,
               {_case(h(27, len(FUNDERS) + 1), [f"'{funder}'" for funder in FUNDERS] + ["NULL"])},
               '', {sql.instant(now)}, {sql.instant(now)}, 1
        FROM ({source}) AS m"""  # noqa: S608  (generated numbers only)


def _retention_checks(sql: Sql, today: str, now: str, kind: str, after_days: int) -> str:
    """One check of each filled need, due ``after_days`` after its closing; ~70 % of those due (ten days
    ago or more) answered: most held, some not (« partly » needs two hires or more)."""
    due = sql.days_after("n.closed_on", str(after_days))
    answered = f"{due} <= {sql.days_ago(today, '10')} AND {sql.scramble('n.id', 31 + after_days, 10)} < 7"
    h = sql.scramble("n.id", 33 + after_days, 20)
    answer = f"CASE WHEN {h} < 14 THEN 'held' WHEN {h} < 17 AND n.positions_filled >= 2 THEN 'partly' WHEN {h} < 17 THEN 'held' ELSE 'not_held' END"
    still = (
        f"CASE WHEN {h} < 14 THEN n.positions_filled WHEN {h} < 17 AND n.positions_filled >= 2"
        f" THEN 1 + {sql.scramble('n.id', 35, 'n.positions_filled - 1')} WHEN {h} < 17 THEN n.positions_filled ELSE 0 END"
    )
    return f"""
        INSERT INTO retention_checks (need_id, kind, due_on, hires, adviser_id, operator_id, answer, still_in_post,
            answered_at, answered_by_id, created_at)
        SELECT n.id, '{kind}', {due}, n.positions_filled, a.adviser_id, a.operator_id,
               CASE WHEN {answered} THEN {answer} END,
               CASE WHEN {answered} THEN {still} END,
               CASE WHEN {answered} THEN {sql.at_nine(sql.days_after(due, sql.scramble("n.id", 36, 10)))} END,
               CASE WHEN {answered} THEN a.adviser_id END,
               {sql.instant(now)}
        FROM recruitment_needs n
        LEFT JOIN assignments a ON a.employer_id = n.employer_id AND a.ended_at IS NULL
        WHERE n.status = 'filled' AND n.positions_filled >= 1"""  # noqa: S608  (generated numbers only)


def steering_statements(sql: Sql, today: str, now: str, service_types: list, operator_ids: list[int]) -> dict:
    """The steering figures' tables, from the needs, employers and assignments already written."""
    age = sql.days_between(today, "n.identified_on")
    rank = f"CASE o.id {' '.join(f'WHEN {op} THEN {i}' for i, op in enumerate(operator_ids))} END"
    operators = len(operator_ids)
    # The operator that sourced a filled need's hires: the one whose turn it is (offset 0), on four
    # needs out of five (the fifth's hires are attributed to no operator).
    first = f"({rank} + n.id) % {operators} = 0"
    sourced_hires = f"CASE WHEN {first} AND n.status = 'filled' AND {sql.scramble('n.id', 43, 5)} > 0 THEN n.positions_filled ELSE 0 END"
    interviewed = f"({sourced_hires} + {sql.scramble('n.id * (' + rank + ' + 1)', 44, 3)})"
    with_publics = f"{sql.scramble('n.id', 51, 10)} < 4"
    first_public = sql.scramble("n.id", 52, len(PUBLICS))
    second_public = f"({first_public} + 1 + {sql.scramble('n.id', 53, len(PUBLICS) - 1)}) % {len(PUBLICS)}"
    quoted_publics = [f"'{public}'" for public in PUBLICS]
    engaged = sql.scramble("e.id", 71, 100) + " = 0"
    closed = "n.status IN ('filled', 'not_filled') AND n.closed_on IS NOT NULL"
    answered = f"n.closed_on <= {sql.days_ago(today, '20')} AND {sql.scramble('n.id', 81, 100)} < 35"
    reminded = f"n.closed_on <= {sql.days_ago(today, '7')}"
    # Three needs in ten, and one employer in fifty for itself alone (a PCRH has no need).
    on_needs = f"""SELECT n.id, n.employer_id, n.basin_id, n.id AS need_id, {age} AS age FROM recruitment_needs n
        WHERE {sql.scramble("n.id", 20, 10)} < 3"""  # noqa: S608  (generated numbers only)
    on_employers = f"""SELECT e.id, e.id AS employer_id, e.basin_id, CAST(NULL AS INTEGER) AS need_id, 365 AS age
        FROM employers e WHERE {sql.scramble("e.id", 29, 50)} = 0"""  # noqa: S608  (generated numbers only)
    return {
        "service_mobilisations (needs)": _mobilisations(
            sql,
            today,
            now,
            service_types,
            on_needs,
        ),
        "service_mobilisations (employers)": _mobilisations(
            sql,
            today,
            now,
            service_types,
            on_employers,
        ),
        "need_sourcings": f"""
            INSERT INTO need_sourcings (need_id, operator_id, proposed, interviewed, hired, updated_at, version, created_at)
            SELECT n.id, o.id, {interviewed} + {sql.scramble("n.id", 45, 5)}, {interviewed}, {sourced_hires},
                   {sql.instant(now)}, 1, {sql.instant(now)}
            FROM recruitment_needs n JOIN operators o ON o.id IN ({", ".join(map(str, operator_ids))})
                 AND ({rank} + n.id) % {operators} < 1 + {sql.scramble("n.id", 42, 3)}
            WHERE n.status IN ('candidates_presented', 'filled', 'not_filled')""",  # noqa: S608  (generated numbers only)
        "need_publics": f"""
            INSERT INTO need_publics (need_id, public)
            SELECT n.id, {_case(first_public, quoted_publics)} FROM recruitment_needs n WHERE {with_publics}
            UNION ALL
            SELECT n.id, {_case(second_public, quoted_publics)} FROM recruitment_needs n
            WHERE {with_publics} AND {sql.scramble("n.id", 54, 2)} = 0""",  # noqa: S608  (generated numbers only)
        "need_public_hires": f"""
            INSERT INTO need_public_hires (need_id, public, hires)
            SELECT n.id, p.public, 1 + {sql.scramble("n.id", 62, "n.positions_filled")}
            FROM need_publics p JOIN recruitment_needs n ON n.id = p.need_id
            WHERE n.status = 'filled' AND n.positions_filled >= 1 AND {sql.scramble("n.id", 61, 10)} < 8""",  # noqa: S608  (generated numbers only)
        "employer_engagements": f"""
            INSERT INTO employer_engagements (employer_id, kind, starts_on, ends_on, created_at)
            SELECT e.id, CASE WHEN {sql.scramble("e.id", 72, 2)} = 0 THEN 'club' ELSE 'charter' END,
                   {sql.days_ago(today, "30 + " + sql.scramble("e.id", 73, 700))},
                   CASE WHEN {sql.scramble("e.id", 74, 5)} = 0 THEN {sql.days_ago(today, sql.scramble("e.id", 75, 30))} END,
                   {sql.instant(now)}
            FROM employers e WHERE {engaged}
            UNION ALL
            SELECT e.id, CASE WHEN {sql.scramble("e.id", 72, 2)} = 0 THEN 'charter' ELSE 'club' END,
                   {sql.days_ago(today, sql.scramble("e.id", 76, 30))}, NULL, {sql.instant(now)}
            FROM employers e WHERE {engaged} AND {sql.scramble("e.id", 77, 4)} = 0""",  # noqa: S608  (generated numbers only)
        "retention_checks (trial)": _retention_checks(sql, today, now, "trial", 60),
        "retention_checks (six months)": _retention_checks(sql, today, now, "six_months", 183),
        "employer_surveys": f"""
            INSERT INTO employer_surveys (employer_id, basin_id, need_id, operator_id, nonce, sent_at, expires_at,
                reminded_at, answered_at, score, would_recommend, created_at)
            SELECT n.employer_id, n.basin_id, n.id, a.operator_id, {sql.padded("n.id", 32)},
                   {sql.at_nine("n.closed_on")}, {sql.at_nine(sql.days_after("n.closed_on", "30"))},
                   CASE WHEN {reminded} AND NOT ({answered}) THEN {sql.at_nine(sql.days_after("n.closed_on", "7"))} END,
                   CASE WHEN {answered} THEN {sql.at_nine(sql.days_after("n.closed_on", "1 + " + sql.scramble("n.id", 82, 19)))} END,
                   CASE WHEN {answered} THEN {_case(sql.scramble("n.id", 83, 10), SCORES)} END,
                   CASE WHEN {answered} THEN {sql.scramble("n.id", 84, 4)} > 0 END,
                   {sql.instant(now)}
            FROM recruitment_needs n
            LEFT JOIN assignments a ON a.employer_id = n.employer_id AND a.ended_at IS NULL
            WHERE {closed}""",  # noqa: S608  (generated numbers only)
    }


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
    from app.dashboard.averages import keep_territory_averages
    from app.dashboard.models import TerritoryAverageSnapshot
    from app.dashboard.scopes import quarter_of
    from app.extensions import db
    from app.timeutils import today_paris

    if not args.skip_generation:
        recreate_database(args.database_url)
    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": args.database_url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False},
    )
    logging_quiet(app)
    with app.app_context():
        upgrade()  # a reused database too: it may predate the last migrations
    if args.skip_generation:
        with app.app_context(), db.engine.connect() as connection:
            settle(connection, ("interactions", "employers", "recruitment_needs", "assignments"))
    else:
        started = time.perf_counter()
        print(
            f"Generating {args.employers:,} employers, {interactions:,} interactions, {args.basins} basins…", flush=True
        )
        generate(app, args.employers, interactions, args.basins, args.basins_per_region)
        print(f"Generation: {time.perf_counter() - started:.0f} s", flush=True)

    with app.app_context():
        from app.referential.models import Basin

        basin = db.session.scalar(sa.select(Basin).where(Basin.code == "B0000"))
        basin_id, region = basin.id, basin.region_code
        in_region = db.session.scalar(sa.select(sa.func.count()).select_from(Basin).where(Basin.region_code == region))
    # The previous full quarter: a quarter of the year's contacts fall in it.
    period = quarter_of(quarter_of(today_paris()).start - timedelta(days=1))
    dates = f"debut={period.start.isoformat()}&fin={period.end.isoformat()}"
    print_steering_figures(app, basin_id, period)
    basin_page = f"/tableau-de-bord?perimetre=basin:{basin_id}&{dates}"
    scenarios = {
        "basin, averages on the page": basin_page,
        "basin, averages kept": basin_page,
        f"région ({in_region} basins)": f"/tableau-de-bord?perimetre=region:{region}&{dates}",
        "needs board, basin": f"/besoins?basin={basin_id}",
    }
    print(f"Period {period.start} – {period.end}; {args.runs} timed requests each (after 2 warm-up)")
    print(f"Load average before the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with app.app_context():
        db.session.execute(sa.delete(TerritoryAverageSnapshot))  # the averages computed on the page first
        db.session.commit()
    for name, url in scenarios.items():
        if name == "basin, averages kept":
            with app.app_context():
                started = time.perf_counter()
                kept = keep_territory_averages(today_paris())
                db.session.commit()
            print(f"  the hourly job kept {kept} territories' averages in {time.perf_counter() - started:.1f} s")
        durations, cpu = measure(app, url, args.runs)
        print(
            f"  {name:<28} p50 {statistics.median(durations):6.0f} ms  p95 {percentile(durations, 0.95):6.0f} ms"
            f"  max {max(durations):6.0f} ms  | CPU of the app process p50 {statistics.median(cpu):6.0f} ms"
            f"  p95 {percentile(cpu, 0.95):6.0f} ms",
            flush=True,
        )


def print_steering_figures(app, basin_id: int, period) -> None:
    """The basin's steering figures over the period, as the dashboard shows them: each should be non-zero."""
    from app.dashboard.inclusion import engaged_counts, hires_by_public
    from app.dashboard.queries import after_hire_figures
    from app.dashboard.solutions import solution_figures
    from app.dashboard.sourcing import sourcing_by_operator
    from app.extensions import db
    from app.referential.models import Basin

    with app.app_context():
        solutions = solution_figures([basin_id], period)
        sourcing = sourcing_by_operator([basin_id], period)
        after_hire = after_hire_figures([db.session.get(Basin, basin_id)], period).total
        figures = {
            "services mobilised": solutions.mobilised,
            "services delivered": solutions.delivered,
            "hires after a service": solutions.hires,
            "operators sourcing": len(sourcing),
            "hires sourced": sum(row.hired for row in sourcing),
            "hires by public": sum(row.hires for row in hires_by_public([basin_id], period)),
            "engaged employers": engaged_counts([basin_id], period)[""],
            "six-month checks answered": after_hire.retention_answered,
            "six-month checks held": after_hire.retention_held,
            "surveys sent": after_hire.surveys_sent,
            "surveys answered": after_hire.surveys_answered,
        }
    print("Steering figures of the basin over the period:")
    for name, value in figures.items():
        print(f"  {name:<28} {value:>8,}{'  (zero!)' if not value else ''}")


def logging_quiet(app) -> None:
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    app.logger.setLevel(logging.WARNING)


if __name__ == "__main__":
    main()
