"""What each page of the load test's mix costs, in process: SQL statements, wall time, CPU time.

The load test (``bench/load_test.py``) needs gunicorn, Locust and an idle machine; this runs the
same pages through the Flask test client, one after the other, so that a change's effect on the
CPU a request costs can be read in a minute, even on a busy machine (the CPU time counts this
process only: PostgreSQL's own share is not in it, the statements stand for it).

    .venv/bin/python bench/request_cost.py --database-url sqlite:////tmp/relais_cost_bench.db
    .venv/bin/python bench/request_cost.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/relais_cost_bench

The database is built by ``bench/employers_bench.py``'s builder (20,000 employers by default)
when it holds no users yet, or with --rebuild; then every page is requested --repeat times after
a warm-up, logged in as the benchmark's adviser, and the medians are printed, with the time the
cyclic garbage collector took per request. The app is frozen out of the collector's generations
once built and its thresholds raised, as gunicorn's workers do (deploy/gunicorn.conf.py,
post_worker_init); --no-freeze measures without either.
"""

import argparse
import gc
import logging
import random
import runpy
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.employers_bench import PASSWORD, bench_app, build  # noqa: E402
from bench.load_test import database_ready  # noqa: E402

COMMON_WORDS = ["boulangerie", "garage", "transports", "restaurant", "coiffure", "plomberie"]


def pages(connection, rng: random.Random) -> list[tuple[str, str, str]]:
    """(label, method, URL) of the locust mix (bench/locustfile.py), with the database's own samples."""

    def column(query: str) -> list[str]:
        return [row[0] for row in connection.execute(sa.text(query))]

    sirets = column("SELECT siret FROM employers WHERE siret IS NOT NULL ORDER BY siret LIMIT 300")
    names = column("SELECT name FROM employers ORDER BY id LIMIT 100")
    communes = column("SELECT name FROM communes WHERE basin_id IS NOT NULL ORDER BY insee_code LIMIT 30")
    return [
        ("liste des entreprises", "GET", "/entreprises"),
        ("recherche : un mot courant", "GET", f"/entreprises?q={rng.choice(COMMON_WORDS)}"),
        ("recherche : un nom", "GET", f"/entreprises?q={rng.choice(names)}"),
        ("recherche : un SIRET", "GET", f"/entreprises?q={rng.choice(sirets)}"),
        ("recherche : une commune", "GET", f"/entreprises?q={rng.choice(communes)}"),
        ("recherche : une faute de frappe", "GET", "/entreprises?q=boulangrie"),
        ("recherche générale", "GET", f"/recherche?q={rng.choice(COMMON_WORDS)}"),
        ("fiche entreprise", "GET", f"/entreprises/{rng.choice(sirets)}"),
        ("filtres : mon portefeuille", "GET", "/entreprises?contact=mine&naf=56"),
        ("tableau de bord", "GET", "/tableau-de-bord"),
        ("noter un échange", "POST", f"/entreprises/{rng.choice(sirets)}/echanges"),
    ]


class CollectorClock:
    """The time the cyclic garbage collector takes, from its start and stop callbacks."""

    def __init__(self):
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def measure(app, repeat: int, warm: int, seed: int, forget: bool = False) -> list[tuple[str, int, float, float]]:
    """(label, statements, wall ms p50, CPU ms p50) per page; ``forget``: as if the reference lists
    were read on every request (app/reference_cache.py), to measure what keeping them saves."""
    from app.extensions import db
    from app.reference_cache import forget_all

    rng = random.Random(seed)
    client = app.test_client()
    response = client.post("/connexion", data={"email": "banc@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            plan = pages(connection, rng)
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    contact = {
        "occurred_on": datetime.now(ZoneInfo("Europe/Paris")).date().isoformat(),
        "channel": "phone",
        "subject": "Appel de suivi (banc)",
    }

    def request(method: str, url: str):
        if forget:
            with app.app_context():
                forget_all()
        if method == "POST":
            response = client.post(url, data=contact)
            assert response.status_code == 302, (url, response.status_code)
        else:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

    for _ in range(warm):
        for _, method, url in plan:
            request(method, url)
    results = []
    for label, method, url in plan:
        walls, cpus, counts = [], [], []
        for _ in range(repeat):
            statements.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            request(method, url)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
            counts.append(len(statements))
        results.append((label, statistics.median_high(counts), statistics.median(walls), statistics.median(cpus)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/relais_cost_bench.db")
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests of each page")
    parser.add_argument("--warm", type=int, default=3, help="rounds of the whole mix before timing")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the app in the collector's generations, at its default thresholds",
    )
    parser.add_argument(
        "--forget-reference-lists", action="store_true", help="read the kept reference lists again on every request"
    )
    args = parser.parse_args()

    logging.disable(logging.INFO)  # one access-log line per request would fill the screen
    reuse = not args.rebuild and database_ready(args.database_url)
    app = bench_app(args.database_url, reuse)
    if not reuse:
        build(app, args.employers, args.seed)
    if not args.no_freeze:
        # As each gunicorn worker does once its app is built (freeze, thresholds): one definition.
        runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["post_worker_init"](worker=None)
    collector = CollectorClock()
    gc.callbacks.append(collector)
    results = measure(app, args.repeat, args.warm, args.seed, args.forget_reference_lists)
    gc.callbacks.remove(collector)
    width = max(len(label) for label, *_ in results)
    print(f"{'page':<{width}} {'requêtes SQL':>12} {'mur p50 ms':>10} {'CPU p50 ms':>10}")
    for label, count, wall, cpu in results:
        print(f"{label:<{width}} {count:>12} {wall:>10.1f} {cpu:>10.1f}")
    weights = [4, 3, 2, 2, 1, 1, 1, 4, 1, 1, 1]  # bench/locustfile.py's task weights, in the same order
    mean_cpu = sum(w * r[3] for w, r in zip(weights, results, strict=True)) / sum(weights)
    mean_count = sum(w * r[1] for w, r in zip(weights, results, strict=True)) / sum(weights)
    print(f"{'moyenne pondérée du mélange':<{width}} {mean_count:>12.1f} {'':>10} {mean_cpu:>10.1f}")
    requests = len(results) * (args.repeat + args.warm) + 1  # the login too
    frozen = "sans gc.freeze(), seuils par défaut" if args.no_freeze else "app gelée, seuils des workers gunicorn"
    print(f"ramasse-miettes ({frozen}) : {collector.seconds * 1000 / requests:.2f} ms par requête")


if __name__ == "__main__":
    main()
