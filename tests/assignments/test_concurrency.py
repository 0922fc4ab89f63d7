"""Several real database connections assign the same employer at the same instant: exactly one wins.

The per-test transaction of conftest.py cannot show this (one connection). This test
builds a second application on the same test database, commits its own rows, races
threads that each hold their own connection, and deletes what it created.
"""

import threading

import pytest
import sqlalchemy as sa

from app import create_app
from app.assignments.models import Assignment
from app.assignments.services import AssignmentConflict, assign_privileged_contact
from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.employers.models import Employer
from app.extensions import db
from app.notifications.models import Notification
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Operator
from tests.audit_trail import delete_test_events
from tests.factories import make_siret

CONTENDERS = 6
ROUNDS = 3


@pytest.fixture
def racing_app(app):
    options = {"pool_size": CONTENDERS + 2}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False}
    other = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SQLALCHEMY_ENGINE_OPTIONS": options},
    )
    yield other
    with other.app_context():
        db.engine.dispose()


def _create_contenders(tag: str) -> tuple[list[int], list[int], int]:
    audit_floor = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == "5219"))
    operator = next(
        op
        for op in db.session.scalars(sa.select(Operator).where(Operator.kind == OperatorKind.FRANCE_TRAVAIL))
        if basin in op.basins
    )
    advisers = [
        User(
            email=f"course-{tag}-{index}@exemple.fr",
            full_name=f"Conseiller course {index}",
            password_hash="x",
            role=Role.ADVISER,
            operator=operator,
            basins=[basin],
        )
        for index in range(CONTENDERS)
    ]
    employers = []
    for _ in range(ROUNDS):
        siret = make_siret()
        employers.append(Employer(siret=siret, siren=siret[:9], name=f"Course {tag}", basin=basin))
    db.session.add_all(advisers + employers)
    db.session.commit()
    return [a.id for a in advisers], [e.id for e in employers], audit_floor


def _cleanup(adviser_ids: list[int], employer_ids: list[int], audit_floor: int) -> None:
    db.session.rollback()
    db.session.execute(sa.delete(Notification).where(Notification.recipient_id.in_(adviser_ids)))
    db.session.execute(sa.delete(Assignment).where(Assignment.employer_id.in_(employer_ids)))
    db.session.execute(sa.delete(Employer).where(Employer.id.in_(employer_ids)))
    db.session.execute(sa.delete(user_basins).where(user_basins.c.user_id.in_(adviser_ids)))
    db.session.execute(sa.delete(User).where(User.id.in_(adviser_ids)))
    delete_test_events(db.session.connection(), AuditEvent.id > audit_floor)
    db.session.commit()


def _race(racing_app, employer_id: int, adviser_ids: list[int]) -> list[tuple[str, object]]:
    barrier = threading.Barrier(len(adviser_ids))
    results: list[tuple[str, object]] = []
    lock = threading.Lock()

    def contender(adviser_id: int) -> None:
        with racing_app.app_context():
            try:
                employer = db.session.get(Employer, employer_id)
                adviser = db.session.get(User, adviser_id)
                adviser.basin_ids  # noqa: B018  (load before the start: the race is the write)
                barrier.wait(timeout=30)
                assign_privileged_contact(employer=employer, adviser=adviser, assigned_by=None, reason="Course")
                db.session.commit()
                outcome = ("won", adviser_id)
            except AssignmentConflict as conflict:
                db.session.rollback()
                outcome = ("refused", str(conflict))
            except Exception as error:  # noqa: BLE001  (any other outcome fails the test below)
                db.session.rollback()
                outcome = ("error", repr(error))
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=contender, args=(adviser_id,)) for adviser_id in adviser_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_assignments_from_several_connections_let_exactly_one_win(racing_app):
    with racing_app.app_context():
        tag = make_siret()[:6]
        adviser_ids, employer_ids, audit_floor = _create_contenders(tag)
    try:
        for employer_id in employer_ids:
            results = _race(racing_app, employer_id, adviser_ids)

            kinds = [kind for kind, _ in results]
            assert kinds.count("error") == 0, results
            assert kinds.count("won") == 1, results
            assert kinds.count("refused") == CONTENDERS - 1, results
            # A clear French message for every loser: the race lost at the index (or at SQLite's
            # write lock), or, for a late starter, the pre-check naming the winner.
            assert all(f"Course {tag}" in str(message) for kind, message in results if kind == "refused"), results
            winner = next(adviser_id for kind, adviser_id in results if kind == "won")
            with racing_app.app_context():
                active = db.session.execute(
                    sa.select(Assignment.adviser_id).where(
                        Assignment.employer_id == employer_id, Assignment.ended_at.is_(None)
                    )
                ).all()
                assert active == [(winner,)]
                db.session.remove()
    finally:
        with racing_app.app_context():
            _cleanup(adviser_ids, employer_ids, audit_floor)
