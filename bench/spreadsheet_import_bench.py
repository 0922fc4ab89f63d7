"""Benchmark of the spreadsheet import page: 20,000 rows without SIRET, end to end.

Builds a fresh database with the migrations, logs in as an admin, uploads a CSV of
synthetic establishments without SIRET (half in communes that already hold employers)
to /entreprises/import with the import running in the background as in production, then
follows the run's page until it is finished. Prints the upload's response time, the
import's total time and per row, and what the page shows.

    .venv/bin/python bench/spreadsheet_import_bench.py --database-url sqlite:////tmp/bench_import.db --rows 20000
"""

import argparse
import csv
import io
import re
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import recreate_database  # noqa: E402
from bench.employers_bench import EMPLOYER_COLUMNS, PASSWORD, bulk_insert  # noqa: E402
from bench.synthetic_employers import communes, employer_rows  # noqa: E402

EMAIL = "banc-import@exemple.fr"
EXISTING = 20_000  # employers already in the database, spread over the same communes


def build(app, seed: int) -> list[tuple[str, str, str, int]]:
    from flask_migrate import upgrade

    from app.auth.enums import Role
    from app.auth.models import User
    from app.auth.services import hash_password
    from app.extensions import db
    from app.timeutils import utcnow
    from seeds.reference import load_reference

    with app.app_context():
        upgrade()
        load_reference()
        db.session.add(
            User(email=EMAIL, full_name="Admin de banc d'essai", password_hash=hash_password(PASSWORD), role=Role.ADMIN)
        )
        db.session.commit()
        with db.engine.begin() as connection:
            commune_list = communes(connection)
            now = utcnow()
            rows = [
                {**row, "created_at": now, "updated_at": now} for row in employer_rows(EXISTING, commune_list, seed + 1)
            ]
            bulk_insert(connection, "employers", EMPLOYER_COLUMNS, rows)
    return commune_list


def spreadsheet(rows: int, commune_list, seed: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Raison sociale", "Enseigne", "Code NAF", "Adresse", "Code postal", "Code commune INSEE"])
    for row in employer_rows(rows, commune_list, seed=seed):
        writer.writerow(
            [row["name"], row["enseigne"] or "", row["naf_code"], row["street"], row["postcode"], row["commune_insee"]]
        )
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_import.db")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from app import create_app

    recreate_database(args.database_url)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "JOBS_RUNNER": "thread",
        },
    )
    commune_list = build(app, args.seed)
    content = spreadsheet(args.rows, commune_list, args.seed)
    client = app.test_client()
    assert client.post("/connexion", data={"email": EMAIL, "password": PASSWORD}).status_code == 302

    started = time.perf_counter()
    response = client.post(
        "/entreprises/import",
        data={"file": (io.BytesIO(content), "employeurs.csv")},
        content_type="multipart/form-data",
    )
    answered = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    run_url = response.headers["Location"]
    polls = 0
    while True:
        page = client.get(run_url).get_data(as_text=True)
        polls += 1
        if "data-refresh-seconds" not in page:
            break
        time.sleep(0.2)
    total = time.perf_counter() - started
    shown = [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>.*?</li>", page)]
    print(f"{args.rows} lignes sans SIRET ({len(content) / 2**20:.1f} Mo), {EXISTING} entreprises déjà en base")
    print(f"réponse à l'envoi : {answered * 1000:.0f} ms (redirection vers {run_url})")
    print(f"import terminé en {total:.1f} s, soit {total / args.rows * 1000:.2f} ms par ligne ({polls} affichages)")
    print("la page affiche :", " | ".join(shown) or re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[:400])
    with app.app_context():
        from app.extensions import db

        print("entreprises en base :", db.session.scalar(sa.text("SELECT count(*) FROM employers")))


if __name__ == "__main__":
    main()
