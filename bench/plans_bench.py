"""Benchmark of a prospection plan on a large basin: building the scored target list,
sharing it out, computing its progress, and rendering its pages.

Builds a fresh database with the migrations, puts ``--employers`` establishments and
``--interactions`` contacts into the Saint-Nazaire basin, then times each step.

    .venv/bin/python bench/plans_bench.py --database-url sqlite:////tmp/plans_bench.db --employers 50000
    .venv/bin/python bench/plans_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/plans_bench

The database named in the URL is dropped and recreated (SQLite: the file is deleted).
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import recreate_database  # noqa: E402
from bench.synthetic_employers import communes, employer_rows  # noqa: E402

PASSWORD = "Banc-d-essai-2026!"  # noqa: S105  (a throwaway benchmark account)


def _timed(label: str, function):
    started = time.perf_counter()
    result = function()
    print(f"{label:<45} {1000 * (time.perf_counter() - started):8.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--employers", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--advisers", type=int, default=12)
    parser.add_argument("--list-size", type=int, default=1000)
    args = parser.parse_args()

    recreate_database(args.database_url)
    from flask_migrate import upgrade

    from app import create_app
    from app.activity.models import Interaction
    from app.auth.enums import Role
    from app.auth.models import User
    from app.auth.services import hash_password
    from app.employers.models import Employer
    from app.extensions import db
    from app.plans.enums import PlanIndicator, SegmentKind
    from app.plans.queries import plan_progress
    from app.plans.services import save_plan
    from app.plans.share_out import share_out
    from app.plans.target_list import build_target_list
    from app.referential.models import Basin, Operator
    from app.timeutils import today_paris
    from seeds.reference import load_reference

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": args.database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        basin = db.session.scalar(sa.select(Basin).where(Basin.code == "5219"))
        operator = db.session.scalar(sa.select(Operator).where(Operator.basins.any(Basin.id == basin.id)))
        password_hash = hash_password(PASSWORD)
        advisers = [
            User(
                email=f"conseiller{n}@bench.fr",
                full_name=f"Conseiller {n:02d}",
                role=Role.ADVISER,
                operator=operator,
                basins=[basin],
                password_hash=password_hash,
            )
            for n in range(args.advisers)
        ]
        lead = User(
            email="pilote@bench.fr",
            full_name="Pilote",
            role=Role.TASKFORCE_LEAD,
            operator=operator,
            basins=[basin],
            password_hash=password_hash,
        )
        db.session.add_all([*advisers, lead])
        db.session.commit()

        basin_communes = [c for c in communes(db.session.connection()) if c[3] == basin.id]
        rows = list(employer_rows(args.employers, basin_communes))
        _timed(f"insert {args.employers} employers", lambda: db.session.execute(sa.insert(Employer), rows))
        employer_ids = list(db.session.scalars(sa.select(Employer.id)))
        rng = random.Random(2026)
        today = today_paris()
        contacts = [
            {
                "employer_id": rng.choice(employer_ids),
                "basin_id": basin.id,  # bulk inserts skip the ORM event that copies the employer's basin
                "author_id": rng.choice(advisers).id,
                "occurred_on": today - timedelta(days=rng.randint(0, 720)),
                "channel": rng.choice(["visit", "phone", "email"]),
                "subject": "Échange",
                "summary": "",
                "outcome": "",
            }
            for _ in range(args.interactions)
        ]
        _timed(f"insert {args.interactions} interactions", lambda: db.session.execute(sa.insert(Interaction), contacts))
        db.session.commit()

        plan = save_plan(
            None,
            basin=basin,
            title="Plan de banc d'essai",
            starts_on=today.replace(day=1),
            ends_on=today.replace(day=1) + timedelta(days=89),
            owners=[lead],
            targets=dict.fromkeys(PlanIndicator, 100),
            segments={SegmentKind.NAF_DIVISION: ["56", "43", "88"], SegmentKind.HEADCOUNT_BAND: ["11", "12"]},
            target_list_size=args.list_size,
        )
        db.session.commit()
        result = _timed("build the target list (score every candidate)", lambda: build_target_list(plan))
        db.session.commit()
        print(f"  kept {result.added} of the basin's matching employers")
        _timed("share it out", lambda: share_out(plan))
        db.session.commit()
        _timed("progress of 7 targets", lambda: plan_progress(plan))
        plan_id = plan.id

    client = app.test_client()
    client.post("/connexion", data={"email": "pilote@bench.fr", "password": PASSWORD})
    for url in (f"/plans/{plan_id}", f"/plans/{plan_id}/cibles", f"/plans/{plan_id}/avancement/employers_contacted"):
        response = _timed(f"GET {url}", lambda url=url: client.get(url))
        assert response.status_code == 200, response.status_code


if __name__ == "__main__":
    main()
