"""Wrong passwords sent at the same instant on several connections: five are tried, no more.

The per-test transaction of conftest.py has one connection and cannot show a race: as in
tests/assignments/test_concurrency.py, a second application on the same database commits its
own rows, threads post at once through it, and the test deletes what it created.
"""

import threading

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app import create_app
from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.models import LoginAttempt, User
from app.extensions import db
from tests.audit_trail import delete_test_events
from tests.conftest import IsolatedClient
from tests.factories import make_siret

# PostgreSQL: the account's row lock orders them; SQLite: each POST's BEGIN IMMEDIATE does.
ATTACKERS = 20


@pytest.fixture
def racing_app(app):
    options = {"pool_size": ATTACKERS + 2}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False}
    other = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "WTF_CSRF_ENABLED": False,
        },
    )
    other.test_client_class = IsolatedClient
    yield other
    with other.app_context():
        db.engine.dispose()


def test_parallel_wrong_passwords_on_one_account_try_five_at_most(racing_app):
    with racing_app.app_context():
        audit_floor = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        email = f"course-{make_siret()[:8]}@exemple.fr"
        # A costlier hash than the tests' own widens the gap between the count and the record.
        slow_hash = PasswordHasher(time_cost=3, memory_cost=4096, parallelism=1).hash("Le-bon-mot-de-passe")
        db.session.add(User(email=email, full_name="Cible", password_hash=slow_hash, role=Role.ADMIN))
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(ATTACKERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def attacker(index: int) -> None:
        client = racing_app.test_client()
        barrier.wait(timeout=30)
        response = client.post(
            "/connexion",
            data={"email": email, "password": f"essai-numero-{index}"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{index + 1}"},
        )
        with lock:
            statuses.append(response.status_code)

    try:
        threads = [threading.Thread(target=attacker, args=(index,)) for index in range(ATTACKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert sorted(statuses) == [401] * 5 + [429] * (ATTACKERS - 5)
        with racing_app.app_context():
            recorded = db.session.scalar(
                sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email)
            )
            assert recorded == 5
            db.session.remove()
    finally:
        with racing_app.app_context():
            db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email))
            db.session.execute(sa.delete(User).where(User.email == email))
            delete_test_events(db.session.connection(), AuditEvent.id > audit_floor)
            db.session.commit()
