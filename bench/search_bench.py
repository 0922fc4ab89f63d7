"""Benchmark of the header's search (/recherche) at 200,000 employers and 100,000 contact persons.

Builds the employers benchmark's database (bench/employers_bench.py: employers, their activity,
an adviser who sees every basin), adds a contact person to one employer in two, then times full
HTTP requests to /recherche and prints p50 / p95 / max per kind of query.

    .venv/bin/python bench/search_bench.py --database-url sqlite:////tmp/bench_search.db
    .venv/bin/python bench/search_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_search

The database named in the URL is dropped and recreated (SQLite: the file is deleted); --reuse
times an already built one.
"""

import argparse
import random
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.employers_bench import PASSWORD, bench_app, build, bulk_insert, time_requests  # noqa: E402
from bench.synthetic_employers import SURNAMES, siret_of  # noqa: E402

FIRST_NAMES = ["Anne", "Bruno", "Claire", "David", "Élodie", "Gwenaëlle", "Hervé", "Inès", "Loïc", "Maël", "Yann"]
CONTACT_COLUMNS = ["employer_id", "first_name", "last_name", "email", "phone", "is_opposed_to_contact", "created_at"]


def add_contacts(app, employers: int, seed: int) -> None:
    from app.extensions import db

    rng = random.Random(seed)
    with app.app_context(), db.engine.begin() as connection:
        now = "2026-11-22 08:00:00+00" if connection.dialect.name == "postgresql" else "2026-11-22 08:00:00"
        rows = (
            {
                "employer_id": employer_id,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": (surname := rng.choice(SURNAMES)),
                "email": f"{surname.lower()}.{employer_id}@exemple.fr",
                "phone": f"02 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "is_opposed_to_contact": rng.random() < 0.02,
                "created_at": now,
            }
            for employer_id in range(1, employers + 1, 2)
        )
        bulk_insert(connection, "employer_contacts", CONTACT_COLUMNS, rows)
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE employer_contacts" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        )


def requests_to_time(connection, rng: random.Random) -> list[tuple[str, str]]:
    names = [row[0] for row in connection.execute(sa.text("SELECT name FROM employers ORDER BY random() LIMIT 30"))]
    sirets = [row[0] for row in connection.execute(sa.text("SELECT siret FROM employers ORDER BY random() LIMIT 30"))]
    communes_ = [row[0] for row in connection.execute(sa.text("SELECT name FROM communes WHERE basin_id IS NOT NULL"))]
    plan = []
    for index in range(30):
        surname = rng.choice(SURNAMES).lower()
        name = names[index]
        typo_at = rng.randrange(1, len(surname))
        plan += [
            ("un mot courant", f"/recherche?q={rng.choice(['boulangerie', 'garage', 'transports'])}"),
            ("nom exact d'un établissement", f"/recherche?q={name}"),
            ("deux mots", f"/recherche?q=restaurant+{surname}"),
            ("SIRET", f"/recherche?q={sirets[index]}"),
            ("SIRET absent du répertoire", f"/recherche?q={siret_of(10_000_000 + index)}"),
            ("SIREN absent du répertoire", f"/recherche?q={siret_of(10_000_000 + index)[:9]}"),
            ("un mot à l'intérieur des noms", f"/recherche?q={surname}"),
            ("commune", f"/recherche?q={rng.choice(communes_)}"),
            ("personne : prénom et nom", f"/recherche?q={rng.choice(FIRST_NAMES)}+{surname}"),
            ("téléphone", f"/recherche?q=02+{rng.randint(10, 99)}+{rng.randint(10, 99)}"),
            ("faute de frappe : un mot", f"/recherche?q={surname[:typo_at] + surname[typo_at + 1 :]}"),
            ("faute de frappe : deux mots", f"/recherche?q=boulangrie+{surname[:-1]}"),
            ("rien ne correspond", f"/recherche?q=zqxw{index}"),
            ("boîte vide : employeurs récents", "/recherche"),
        ]
    return plan


def run(app, email: str, seed: int) -> None:
    from app.extensions import db

    rng = random.Random(seed)
    client = app.test_client()
    response = client.post("/connexion", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    with app.app_context(), db.engine.connect() as connection:
        plan = requests_to_time(connection, rng)
        recent = [row[0] for row in connection.execute(sa.text("SELECT siret FROM employers LIMIT 8"))]
    for siret in recent:  # the employers opened last, for the empty box
        client.get(f"/entreprises/{siret}")
    time_requests(client, plan, warm=14, label_width=40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_search.db")
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    args = parser.parse_args()

    app = bench_app(args.database_url, args.reuse)
    if not args.reuse:
        build(app, args.employers, args.seed)
        add_contacts(app, args.employers, args.seed)
    run(app, "banc@exemple.fr", args.seed)


if __name__ == "__main__":
    main()
