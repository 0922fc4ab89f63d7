"""Benchmark of the REST API's reads: an employer by SIRET, pages of 100 employers, a privileged contact.

Builds the employers benchmark's database (bench/employers_bench.py: N synthetic employers and
their activity, privileged contacts on 15 %), or reuses one already built (`--reuse`), marks 1 %
of the employers as changed later than the others (what `updated_since` finds), then creates
two read clients through the API's own service (`create_client`): one for every basin of the
database, one for the basin with the most employers. Each gets a token at /api/v1/token, and
the API is timed through the app's test client (routing, authentication, query, JSON), with
p50 / p95 / max and the SQL statements per request of each kind:

- an employer by SIRET (random existing SIRETs, 200 requests);
- a page of 100 employers (`limit=100`; the API serves 100 a page whatever it is asked): the first page, pages reached by cursor
  (following `next_cursor` from random places of the list), for one basin, and `updated_since`;
- the privileged contact of an employer.

    .venv/bin/python bench/api_bench.py --database-url sqlite:////tmp/bench_api.db --employers 20000
    .venv/bin/python bench/api_bench.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_employers --employers 2500000 --reuse

Targets (2.5 M employers, PostgreSQL): by SIRET p95 < 20 ms; a page of 100 p95 < 50 ms.
The database named in the URL is dropped and recreated unless `--reuse` (SQLite: the file is deleted).
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import settle  # noqa: E402
from bench.employers_bench import _p95, bench_app, build  # noqa: E402

ALL_BASINS_CLIENT = "Banc d'essai de l'API (tous les bassins)"
ONE_BASIN_CLIENT = "Banc d'essai de l'API (un bassin)"
# The build stamps every employer 2026-11-22 08:00 UTC; 1 % are marked changed after it.
CHANGED_AT = "2026-11-29 08:00:00"
UPDATED_SINCE = "2026-11-28T00:00:00Z"
BY_SIRET_REQUESTS = 200
PAGE_RUNS = 30
TARGETS_MS = {"par SIRET": 20, "page": 50}


def mark_recent_changes(app) -> int:
    """1 % of the employers changed after the build (idempotent: done once per database)."""
    from app.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        stamp = CHANGED_AT + ("+00" if connection.dialect.name == "postgresql" else "")
        already = connection.execute(
            sa.text("SELECT count(*) FROM employers WHERE id % 100 = 0 AND updated_at = :stamp"), {"stamp": stamp}
        ).scalar()
        if already:
            return already
        changed = connection.execute(
            sa.text("UPDATE employers SET updated_at = :stamp WHERE id % 100 = 0"), {"stamp": stamp}
        ).rowcount
    # As autovacuum would after such a change: the planner's statistics and the visibility map.
    with app.app_context(), db.engine.connect() as connection:
        settle(connection, ("employers",))
    return changed


def api_clients(app) -> dict[str, tuple[str, str]]:
    """(client_id, secret) of the two read clients, created by the API's service, or given a new secret."""
    from app.api.enums import ApiScope
    from app.api.models import ApiClient
    from app.api.services import create_client, get_client, rotate_secret
    from app.extensions import db
    from app.referential.models import Basin, Operator

    with app.app_context():
        largest_basin_id = db.session.execute(
            sa.text("SELECT basin_id FROM employers GROUP BY basin_id ORDER BY count(*) DESC, basin_id LIMIT 1")
        ).scalar()
        basins = {
            ALL_BASINS_CLIENT: list(db.session.scalars(sa.select(Basin).order_by(Basin.id))),
            ONE_BASIN_CLIENT: [db.session.get(Basin, largest_basin_id)],
        }
        operator = db.session.scalar(sa.select(Operator).order_by(Operator.id))
        credentials = {}
        for name, client_basins in basins.items():
            client_id = db.session.scalar(sa.select(ApiClient.client_id).where(ApiClient.name == name))
            issued = (
                rotate_secret(get_client(client_id))
                if client_id
                else create_client(name, operator, client_basins, ApiScope.READ)
            )
            credentials[name] = (issued.client.client_id, issued.secret)
        db.session.commit()
    return credentials


def bearer(client, client_id: str, secret: str) -> dict[str, str]:
    response = client.post("/api/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def plan(app, rng: random.Random, everywhere: dict, one_basin: dict) -> list[tuple[str, str, dict, bool]]:
    """(label, url, headers, follow: the timed request is the next page of this url's) for each request."""
    from app.api.conventions import encode_cursor
    from app.extensions import db

    with app.app_context():
        max_id = db.session.execute(sa.text("SELECT max(id) FROM employers")).scalar()
        picked = rng.sample(range(1, max_id + 1), min(max_id, BY_SIRET_REQUESTS))
        sirets = _sirets(db, picked)
        with_contact = list(
            db.session.execute(
                sa.text(
                    "SELECT e.siret FROM employers e JOIN assignments a ON a.employer_id = e.id "
                    "WHERE a.ended_at IS NULL AND e.id >= :start ORDER BY e.id LIMIT :n"
                ),
                {"start": rng.randint(1, max(1, max_id - 1000)), "n": PAGE_RUNS * 2},
            ).scalars()
        )
    steps = [("employeur par SIRET", f"/api/v1/employers/{siret}", everywhere, False) for siret in sirets]
    for _ in range(PAGE_RUNS):
        cursor = encode_cursor(rng.randint(1, max_id))
        steps += [
            ("page de 100 : première", "/api/v1/employers?limit=100", everywhere, False),
            ("page de 100 : suivante (curseur)", f"/api/v1/employers?limit=100&cursor={cursor}", everywhere, True),
            ("page de 100 : un bassin, première", "/api/v1/employers?limit=100", one_basin, False),
            (
                "page de 100 : un bassin, suivante (curseur)",
                f"/api/v1/employers?limit=100&cursor={cursor}",
                one_basin,
                True,
            ),
            ("page de 100 : updated_since, première", f"/api/v1/employers?limit=100&updated_since={UPDATED_SINCE}",
             everywhere, False),
            (
                "page de 100 : updated_since, suivante (curseur)",
                f"/api/v1/employers?limit=100&updated_since={UPDATED_SINCE}&cursor={cursor}",
                everywhere,
                True,
            ),
        ]  # fmt: skip
    steps += [
        ("interlocuteur privilégié", f"/api/v1/employers/{siret}/privileged-contact", everywhere, False)
        for siret in with_contact + sirets[: PAGE_RUNS * 2]
    ]
    return steps


def _sirets(db, ids: list[int]) -> list[str]:
    sirets = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sirets += db.session.execute(
            sa.text(f"SELECT siret FROM employers WHERE id IN ({', '.join(str(i) for i in chunk)})")  # noqa: S608
        ).scalars()
    return [siret for siret in sirets if siret]


def run(app, seed: int) -> None:
    from app.extensions import db

    rng = random.Random(seed)
    credentials = api_clients(app)
    client = app.test_client()
    everywhere = bearer(client, *credentials[ALL_BASINS_CLIENT])
    one_basin = bearer(client, *credentials[ONE_BASIN_CLIENT])
    steps = plan(app, rng, everywhere, one_basin)
    statements = []
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    for _, url, headers, _ in steps[:20]:  # warm the caches
        client.get(url, headers=headers)
    timings: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    items: dict[str, list[int]] = {}
    for label, url, headers, follow in steps:
        if follow:
            # Reach the page by the cursor the previous one gave, as a client walking the list does.
            next_cursor = client.get(url, headers=headers).get_json()["next_cursor"]
            if next_cursor is None:
                continue
            url = url.rsplit("cursor=", 1)[0] + f"cursor={next_cursor}"
        statements.clear()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
        timings.setdefault(label, []).append(elapsed)
        counts.setdefault(label, []).append(len(statements))
        body = response.get_json()
        items.setdefault(label, []).append(len(body["items"]) if "items" in body else 1)
    _print(timings, counts, items)


def _print(timings: dict, counts: dict, items: dict) -> None:
    width = max(len(label) for label in timings) + 2
    print(f"{'requête':<{width}} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL':>4} {'lignes':>7} cible")
    for label, values in timings.items():
        values.sort()
        target = next((f"p95 < {ms} ms" for key, ms in TARGETS_MS.items() if key in label), "")
        print(
            f"{label:<{width}} {len(values):>4} {statistics.median(values):8.1f} {_p95(values):8.1f} "
            f"{values[-1]:8.1f} {statistics.median_low(counts[label]):>4} {statistics.median_low(items[label]):>7} "
            f"{target}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_api.db")
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    args = parser.parse_args()

    app = bench_app(args.database_url, args.reuse)
    if not args.reuse:
        build(app, args.employers, args.seed)
    print(f"Entreprises marquées modifiées récemment : {mark_recent_changes(app)}")
    run(app, args.seed)


if __name__ == "__main__":
    main()
