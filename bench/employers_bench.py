"""Benchmark of the adviser's screens: employer search (/entreprises) and employer page.

Builds a fresh database with the migrations, loads N synthetic employers with valid
SIRETs and their activity (interactions, privileged contacts, needs, follow-ups) with the
database's bulk path, then times full HTTP requests through the app (query + render)
for an adviser who sees every basin, and prints p50 / p95 / max per kind of request.

With --national-basins, all 35,014 communes are first put into ~330 basins (each département cut
in three, as bench/basin_import_bench.py imports them), the employers are spread over every
commune (~7,500 a basin at 2.5 M, as in the real register), and the adviser sees the three basins
of Loire-Atlantique only; the samples (names, SIRETs, communes) are taken within those.

    .venv/bin/python bench/employers_bench.py --database-url sqlite:////tmp/bench_employers.db --employers 200000
    .venv/bin/python bench/employers_bench.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_employers --employers 2500000

The database named in the URL is dropped and recreated (SQLite: the file is deleted).
"""

import argparse
import io
import random
import re
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import recreate_database, settle  # noqa: E402
from bench.synthetic_employers import SURNAMES, communes, employer_rows, siret_of  # noqa: E402

PASSWORD = "Banc-d-essai-2026!"  # noqa: S105  (a throwaway benchmark account)
# PostgreSQL's trigram indexes on employers (migration 0300): built once after the bulk load,
# faster than maintaining them row by row.
TRIGRAM_INDEXES = {
    "ix_employers_search_name_trgm": "search_name",
    "ix_employers_first_word_tail_trgm": "employer_first_word_tail(search_name)",
    "ix_employers_other_words_trgm": "employer_other_words(search_name)",
}
COLLEAGUES = 99
SETTLED_TABLES = ("employers", "interactions", "assignments", "recruitment_needs", "follow_ups")
EMPLOYER_COLUMNS = [
    "siret", "siren", "name", "enseigne", "search_name", "naf_code", "headcount_band", "street", "postcode",
    "commune_insee", "commune_name", "basin_id", "source", "version", "created_at", "updated_at",
]  # fmt: skip


def bench_app(database_url: str, reuse: bool, **config):
    """The app over the benchmark's database, created empty unless an already built one is reused (then settled).

    The testing configuration without CSRF nor rate limits: the benchmarks post forms at full speed.
    """
    from app import create_app
    from app.extensions import db

    if not reuse:
        recreate_database(database_url)
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    app = create_app("testing", {**overrides, **config})
    if reuse:
        # What autovacuum would have done since the last run: timed on a settled database only.
        with app.app_context(), db.engine.connect() as connection:
            settle(connection, SETTLED_TABLES)
    return app


def bulk_insert(connection, table: str, columns: list[str], rows) -> int:
    """The database's own bulk path: COPY on PostgreSQL, executemany on SQLite."""
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
                count += 1
        return count
    placeholders = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    cursor = connection.connection.driver_connection.cursor()
    batch = []
    for row in rows:
        batch.append(tuple(row[c] for c in columns))
        if len(batch) == 10_000:
            cursor.executemany(statement, batch)
            count += len(batch)
            batch = []
    cursor.executemany(statement, batch)
    return count + len(batch)


@contextmanager
def search_indexes_built_after(connection):
    """PostgreSQL: the employers' search indexes built once after a bulk load, faster than kept row by
    row: the trigram indexes, and the names' inner words, rebuilt as after a first SIRENE load."""
    from app.employers.inner_words import pause_inner_words, rebuild_inner_words

    if connection.dialect.name != "postgresql":
        yield
        return
    for index in TRIGRAM_INDEXES:
        connection.exec_driver_sql(f"DROP INDEX {index}")
    pause_inner_words(connection)
    yield
    for index, expression in TRIGRAM_INDEXES.items():
        connection.exec_driver_sql(f"CREATE INDEX {index} ON employers USING gin ({expression} gin_trgm_ops)")
    rebuild_inner_words(connection)


# With --national-basins, the adviser's basins: the département's three zones.
ADVISER_DEPARTEMENT = "44"


def build(app, employers: int, seed: int, national_basins: bool = False) -> dict:
    from flask_migrate import upgrade

    from app.auth.enums import Role
    from app.auth.models import User
    from app.auth.services import hash_password
    from app.extensions import db
    from app.referential.models import Basin, Operator
    from seeds.reference import load_reference

    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        adviser_basins = sa.select(Basin)
        if national_basins:
            _basins_for_every_commune()
            adviser_basins = adviser_basins.where(Basin.departement_code == ADVISER_DEPARTEMENT)
        operator = db.session.scalar(sa.select(Operator).order_by(Operator.id))
        adviser = User(
            email="banc@exemple.fr",
            full_name="Conseiller de banc d'essai",
            password_hash=hash_password(PASSWORD),
            role=Role.ADVISER,
            operator=operator,
            basins=list(db.session.scalars(adviser_basins)),
        )
        # Colleagues share the portfolios: an adviser follows a few hundred employers, not all.
        colleagues = [
            User(
                email=f"collegue{n}@exemple.fr",
                full_name=f"Collègue {n}",
                password_hash=adviser.password_hash,
                role=Role.ADVISER,
                operator=operator,
            )
            for n in range(COLLEAGUES)
        ]
        db.session.add_all([adviser, *colleagues])
        db.session.commit()
        adviser_ids = [adviser.id] + [c.id for c in colleagues]
        operator_id = operator.id
        # Reading those ids began a transaction: left open, it would keep VACUUM from settling the load.
        db.session.remove()
        engine = db.engine
        started = time.perf_counter()
        with engine.begin() as connection:
            is_pg = connection.dialect.name == "postgresql"
            now = "2026-11-22 08:00:00+00" if is_pg else "2026-11-22 08:00:00"
            rows = (
                {**row, "created_at": now, "updated_at": now}
                for row in employer_rows(employers, communes(connection), seed)
            )
            with search_indexes_built_after(connection):
                bulk_insert(connection, "employers", EMPLOYER_COLUMNS, rows)
        loaded = time.perf_counter() - started
        with engine.begin() as connection:
            _activity(connection, employers, adviser_ids, operator_id, rng)
        # What autovacuum does on a live database: statistics for the planner and, on PostgreSQL,
        # the visibility map that lets a search read names from the index alone.
        with engine.connect() as connection:
            settle(connection, SETTLED_TABLES)
        print(
            f"Chargé : {employers} entreprises en {loaded:.1f} s, activité en {time.perf_counter() - started - loaded:.1f} s"
        )
    return {"adviser_email": "banc@exemple.fr"}


def _basins_for_every_commune() -> None:
    """Every commune of France in a basin: the « commune → bassin » import of ~330 zones."""
    from app.employers.readers import spreadsheet_rows
    from app.extensions import db
    from app.referential.basins import import_zones
    from app.transactions import transaction
    from bench.basin_import_bench import zone_file

    with db.engine.connect() as connection:
        content = zone_file(connection, shift=0)
    with transaction():
        report = import_zones(spreadsheet_rows(io.BytesIO(content), "zones.csv"))
    print(f"Bassins : {report.basins_created} créés, {report.communes_assigned} communes rattachées")


def _activity(connection, employers: int, adviser_ids: list[int], operator_id: int, rng: random.Random) -> None:
    """Interactions on 30 % of employers, privileged contacts on 15 % (shared by the advisers), needs on 5 %."""
    today = date(2026, 11, 22)
    now = "2026-11-01 08:00:00+00" if connection.dialect.name == "postgresql" else "2026-11-01 08:00:00"
    interactions, assignments, needs, follow_ups = [], [], [], []
    # Bulk inserts skip the ORM event that copies an employer's basin onto its contacts.
    basin_of = dict(connection.execute(sa.text("SELECT id, basin_id FROM employers")).all())
    for employer_id in range(1, employers + 1):
        draw = rng.random()
        if draw < 0.30:
            for _ in range(rng.randint(1, 3)):
                interactions.append(
                    {
                        "employer_id": employer_id,
                        "basin_id": basin_of[employer_id],
                        "author_id": rng.choice(adviser_ids),
                        "occurred_on": today - timedelta(days=rng.randint(0, 900)),
                        "channel": rng.choice(["visit", "phone", "email"]),
                        "subject": "Point sur les recrutements",
                        "summary": "",
                        "outcome": "",
                        "created_at": now,
                    }
                )
        if draw < 0.15:
            assignments.append(
                {
                    "employer_id": employer_id,
                    "basin_id": basin_of[employer_id],
                    "adviser_id": rng.choice(adviser_ids),
                    "operator_id": operator_id,
                    "reason": "Banc d'essai",
                    "started_at": now,
                }
            )
        if draw < 0.05:
            needs.append(
                {
                    "employer_id": employer_id,
                    "basin_id": basin_of[employer_id],
                    "title": "Besoin de recrutement",
                    "positions": 1,
                    "positions_filled": 0,
                    "contract": "cdi",
                    "origin": "contact",
                    "status": rng.choice(["identified", "sourcing", "filled"]),
                    "identified_on": today - timedelta(days=rng.randint(0, 300)),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        if draw < 0.02:
            follow_ups.append(
                {
                    "employer_id": employer_id,
                    "owner_id": rng.choice(adviser_ids),
                    "due_on": today + timedelta(days=rng.randint(-20, 40)),
                    "title": "Rappeler",
                    "status": "open",
                    "created_at": now,
                }
            )
    for table, rows in (
        ("interactions", interactions),
        ("assignments", assignments),
        ("recruitment_needs", needs),
        ("follow_ups", follow_ups),
    ):
        if rows:
            bulk_insert(connection, table, list(rows[0]), iter(rows))


# Words of the synthetic trades found behind another first word (« salon de coiffure », « cabinet comptable »).
BEHIND = ["coiffure", "comptable"]
# The bench adviser's basins, where the samples are taken (every basin unless --national-basins).
ADVISER_BASINS = "SELECT basin_id FROM user_basins JOIN users ON users.id = user_basins.user_id WHERE users.email = 'banc@exemple.fr'"


def requests_to_time(connection, rng: random.Random) -> list[tuple[str, str]]:
    def column(query: str) -> list[str]:
        return [row[0] for row in connection.execute(sa.text(query))]

    in_scope = f"basin_id IN ({ADVISER_BASINS})"
    sirets = column(f"SELECT siret FROM employers WHERE {in_scope} ORDER BY random() LIMIT 60")  # noqa: S608
    names = column(f"SELECT name FROM employers WHERE {in_scope} ORDER BY random() LIMIT 30")  # noqa: S608
    communes_ = column(f"SELECT name FROM communes WHERE {in_scope}")  # noqa: S608
    tag_id = connection.execute(sa.text("SELECT min(id) FROM tags")).scalar()
    plan = []
    for index in range(30):
        surname = rng.choice(SURNAMES).lower()
        siret = sirets[index]
        plan += [
            ("liste : sans filtre", "/entreprises"),
            ("liste : tri par commune", "/entreprises?tri=commune"),
            ("liste : ajouts les plus récents", "/entreprises?tri=-created"),
            ("recherche : un mot courant", f"/entreprises?q={rng.choice(['boulangerie', 'garage', 'transports'])}"),
            ("recherche : deux mots", f"/entreprises?q=restaurant+{surname}"),
            ("recherche : nom exact d'un établissement", f"/entreprises?q={names[index]}"),
            ("recherche : SIRET avec espaces", f"/entreprises?q={siret[:3]}+{siret[3:6]}+{siret[6:9]}+{siret[9:]}"),
            ("recherche : SIREN", f"/entreprises?q={siret[:9]}"),
            ("recherche : SIRET absent du répertoire", f"/entreprises?q={siret_of(10_000_000 + index)}"),
            ("recherche : SIREN absent du répertoire", f"/entreprises?q={siret_of(10_000_000 + index)[:9]}"),
            ("recherche : un mot courant à l'intérieur des noms", f"/entreprises?q={surname}"),
            # A trade's word behind another first word (« salon de coiffure … »): not rng's, so that
            # the other samples stay those of earlier runs.
            ("recherche : un mot derrière le premier mot des noms", f"/entreprises?q={BEHIND[index % 2]}"),
            ("recherche : commune", f"/entreprises?q={rng.choice(communes_)}"),
            ("recherche : page 5", "/entreprises?q=garage&page=5"),
            ("filtres : NAF 56", "/entreprises?naf=56"),
            ("filtres : sans contact depuis 6 mois", "/entreprises?idle=6"),
            ("filtres : mon portefeuille + NAF 56", "/entreprises?contact=mine&naf=56"),
            (
                "filtres : sans interlocuteur + besoin sur un métier en tension, tri commune",
                "/entreprises?contact=none&shortage=besoin&tri=commune",
            ),
            ("filtres : sans contact depuis 6 mois + besoin ouvert", "/entreprises?idle=6&open_need=y"),
            ("filtres : effectif 10-19 + étiquette", f"/entreprises?headcount=11&tag={tag_id}"),
            ("fiche entreprise", f"/entreprises/{sirets[30 + index]}"),
        ]
        plan.append(("recherche : faute de frappe, un mot", "/entreprises?q=boulangrie"))
        plan.append(("recherche : faute de frappe, deux mots", f"/entreprises?q=boulangrie+{surname[:-1]}"))
    return plan


def run(app, email: str, seed: int) -> None:
    from app.extensions import db

    rng = random.Random(seed)
    client = app.test_client()
    response = client.post("/connexion", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    with app.app_context(), db.engine.connect() as connection:
        plan = requests_to_time(connection, rng)
    time_requests(client, plan, warm=12, label_width=62)


def time_requests(client, plan: list[tuple[str, str]], warm: int, label_width: int) -> None:
    """Time each (label, url) of the plan after ``warm`` requests that fill the caches; print p50/p95/max per label."""
    for _, url in plan[:warm]:
        client.get(url)
    timings: dict[str, list[float]] = {}
    found: dict[str, list[int]] = {}
    for label, url in plan:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.setdefault(label, []).append(elapsed)
        found.setdefault(label, []).append(_result_count(response.get_data(as_text=True)))
    everything = sorted(t for values in timings.values() for t in values)
    out = io.StringIO()
    out.write(
        f"{'requête':<{label_width}} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'résultats (médiane)':>20}\n"
    )
    for label, values in [*timings.items(), ("TOUT", everything)]:
        values.sort()
        counts = sorted(found.get(label, [-1]))
        count = statistics.median_low(counts)
        out.write(
            f"{label:<{label_width}} {len(values):>3} {statistics.median(values):8.1f} {_p95(values):8.1f} "
            f"{values[-1]:8.1f} {'' if count < 0 else ('> 1000' if count > 1000 else count):>20}\n"
        )
    print(out.getvalue())


# The employers' list says its count in its "result-count" line; the header's search in each
# group's heading, the employers' first; a page with nothing found says "Aucun résultat pour".
_COUNTS = (re.compile(r'result-count">([^<]*)<'), re.compile(r"\(([^()]*résultats?)\)</span>"))


def _result_count(html: str) -> int:
    """The number of results a page says it lists (the employers' when it lists several kinds), -1 if none."""
    for pattern in _COUNTS:
        match = pattern.search(html)
        if match:
            label = match.group(1)
            if label.startswith("plus de"):
                return 1001
            digits = re.sub(r"[^0-9]", "", label)
            return int(digits) if digits else 0
    return 0 if "Aucun résultat" in html else -1


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_employers.db")
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    parser.add_argument(
        "--national-basins", action="store_true", help="every commune in ~330 basins; the adviser sees 3 of them"
    )
    args = parser.parse_args()

    app = bench_app(args.database_url, args.reuse)
    if not args.reuse:
        build(app, args.employers, args.seed, national_basins=args.national_basins)
    run(app, "banc@exemple.fr", args.seed)


if __name__ == "__main__":
    main()
