"""Benchmark of the probable duplicates page (/entreprises/doublons).

Builds a fresh database with the migrations, loads N synthetic employers with SIRET and
1,500 employers without SIRET in one commune (names typed by hand: a few look-alikes of
registered employers among names that look alike nothing), then times full HTTP requests
of the page for an administrator (every basin), and the search for every look-alike pair
of the register without the page's limit. Prints p50 / p95 / max.

    .venv/bin/python bench/duplicates_bench.py --database-url sqlite:////tmp/bench_duplicates.db
    .venv/bin/python bench/duplicates_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_duplicates

The database named in the URL is dropped and recreated (SQLite: the file is deleted);
``--reuse`` times an already built one.
"""

import argparse
import random
import statistics
import string
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.text import normalize_for_search  # noqa: E402
from bench.employers_bench import EMPLOYER_COLUMNS, bench_app, bulk_insert, search_indexes_built_after  # noqa: E402
from bench.synthetic_employers import TRADES, communes, employer_rows  # noqa: E402

PASSWORD = "Banc-d-essai-2026!"  # noqa: S105  (a throwaway benchmark account)
WITHOUT_SIRET = 1_500
LOOK_ALIKES = 30


def typed_by_hand(registered: list[dict], commune, seed: int):
    """Employers without SIRET in one commune: LOOK_ALIKES copies of registered names, the rest unique."""
    rng = random.Random(seed)
    insee, commune_name, postcode, basin_id = commune
    of_commune = [row for row in registered if row["commune_insee"] == insee]
    for index in range(WITHOUT_SIRET):
        if index < LOOK_ALIKES:
            name = f"{rng.choice(of_commune)['name']} SARL"
        else:
            word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 10)))
            name = f"{rng.choice(TRADES)[1]} {word.capitalize()}"
        yield {
            "siret": None,
            "siren": None,
            "name": name,
            "enseigne": None,
            "search_name": normalize_for_search(f"{name} {commune_name}"),
            "naf_code": None,
            "headcount_band": None,
            "street": None,
            "postcode": postcode,
            "commune_insee": insee,
            "commune_name": commune_name,
            "basin_id": basin_id,
            "source": "manual",
            "version": 1,
        }


def build(app, employers: int, seed: int) -> None:
    from flask_migrate import upgrade

    from app.auth.enums import Role
    from app.auth.models import User
    from app.auth.services import hash_password
    from app.extensions import db
    from seeds.reference import load_reference

    with app.app_context():
        upgrade()
        load_reference()
        db.session.add(
            User(
                email="admin-banc@exemple.fr",
                full_name="Administrateur de banc d'essai",
                password_hash=hash_password(PASSWORD),
                role=Role.ADMIN,
            )
        )
        db.session.commit()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            is_pg = connection.dialect.name == "postgresql"
            now = "2026-11-22 08:00:00+00" if is_pg else "2026-11-22 08:00:00"
            commune_list = communes(connection)
            registered = [
                {**row, "created_at": now, "updated_at": now} for row in employer_rows(employers, commune_list, seed)
            ]
            crowded = commune_list[0]
            by_hand = [
                {**row, "created_at": now, "updated_at": now} for row in typed_by_hand(registered, crowded, seed)
            ]
            with search_indexes_built_after(connection):
                bulk_insert(connection, "employers", EMPLOYER_COLUMNS, iter(registered + by_hand))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if is_pg else "ANALYZE")
        in_commune = sum(1 for row in registered if row["commune_insee"] == crowded[0])
        print(
            f"Chargé : {employers} entreprises avec SIRET, {WITHOUT_SIRET} sans SIRET à {crowded[1]} "
            f"(qui en compte {in_commune} avec SIRET) en {time.perf_counter() - started:.1f} s"
        )


def _line(label: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{label:<44} {len(values):>3} {statistics.median(values):8.1f} {p95:8.1f} {values[-1]:8.1f}"


def run(app, runs: int) -> None:
    from app.auth.models import User
    from app.employers.services import probable_duplicates
    from app.extensions import db

    client = app.test_client()
    response = client.post("/connexion", data={"email": "admin-banc@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    client.get("/entreprises/doublons")  # warm the caches once
    page = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/entreprises/doublons")
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    every_pair = []
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin-banc@exemple.fr"))
        for _ in range(runs):
            started = time.perf_counter()
            pairs = probable_duplicates(admin, limit=1_000_000)
            every_pair.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
    print(f"{'requête':<44} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    print(_line("page des doublons (100 paires au plus)", page))
    print(_line(f"toutes les paires ({len(pairs)}), sans limite", every_pair))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_duplicates.db")
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    args = parser.parse_args()

    app = bench_app(args.database_url, args.reuse)
    if not args.reuse:
        build(app, args.employers, args.seed)
    run(app, args.runs)


if __name__ == "__main__":
    main()
