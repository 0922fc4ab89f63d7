"""SQLite under concurrent writers: each write request waits for the lock instead of failing.

The test's own database is one rolled-back transaction on one connection, which cannot show
concurrency: here a second app runs on its own SQLite file, with real commits, and several
threads post contacts at once through it, as advisers behind gunicorn's workers would.
"""

import threading

import pytest
import sqlalchemy as sa

from app.activity.models import Interaction
from app.extensions import db
from app.transactions import transaction
from tests.conftest import TEST_PASSWORD, build_app, csrf_token
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.sqlite_only

WRITERS = 10
POSTS_EACH = 12


@pytest.fixture
def file_app(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'writers.db'}")
    yield app
    with app.app_context():
        db.engine.dispose()


def _post(client, app, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, app)})


def test_concurrent_contacts_all_recorded_without_lock_errors(file_app):
    with file_app.app_context():
        employer = EmployerFactory()
        users = [UserFactory() for _ in range(WRITERS)]
        db.session.commit()
        siret, emails = employer.siret, [user.email for user in users]
        db.session.remove()

    start = threading.Barrier(WRITERS)
    statuses: list[int] = []
    errors: list[str] = []

    def adviser(email: str) -> None:
        client = file_app.test_client()
        try:
            assert _post(client, file_app, "/connexion", {"email": email, "password": TEST_PASSWORD}).status_code == 302
            start.wait(timeout=30)
            for number in range(POSTS_EACH):
                response = _post(
                    client,
                    file_app,
                    f"/entreprises/{siret}/echanges",
                    {"occurred_on": "2026-11-20", "channel": "phone", "subject": f"Appel {email} {number}"},
                )
                statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 (each thread's failure is reported by the test)
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=adviser, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert statuses == [302] * (WRITERS * POSTS_EACH)
    with file_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Interaction)) == WRITERS * POSTS_EACH
        db.session.remove()


def test_jobs_start_write_transactions_immediately(file_app):
    """A job's transaction takes the write lock at BEGIN; a page's read stays a plain BEGIN."""
    statements: list[str] = []
    with file_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        with transaction():
            db.session.scalar(sa.select(sa.func.count()).select_from(Interaction))
        db.session.remove()
        with file_app.test_request_context("/", method="GET"):
            db.session.scalar(sa.select(sa.func.count()).select_from(Interaction))
            db.session.remove()
    begins = [statement for statement in statements if statement.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_a_background_import_writes_each_batch_as_a_writer(file_app):
    """The job's worker has no request: its claim and its batches must still take the write lock at BEGIN."""
    import io

    from werkzeug.datastructures import FileStorage

    from app.employers.import_runs import queue_import
    from app.employers.models import Employer
    from app.jobs.queue import work

    statements: list[str] = []
    file_app.config["JOBS_RUNNER"] = "worker"
    with file_app.app_context():
        user = UserFactory(admin=True)
        commune = EmployerFactory().commune_insee
        db.session.commit()
        csv = f"Raison sociale;Code commune INSEE\r\nBoulangerie du Quai;{commune}\r\n".encode()
        queue_import(user, FileStorage(io.BytesIO(csv), filename="liste.csv"))
        db.session.commit()
        db.session.remove()
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert work("test-worker") == 1
        db.session.remove()
        assert db.session.scalar(sa.select(sa.func.count()).where(Employer.name == "Boulangerie du Quai")) == 1
        db.session.remove()
    begins = [statement for statement in statements if statement.startswith("BEGIN")]
    assert begins and set(begins[:-1]) == {"BEGIN IMMEDIATE"}
