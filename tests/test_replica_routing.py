"""Which statements RoutingSession sends to the replica, on both databases (a second engine on the
test database stands for the replica; tests/test_replica.py runs a real one on PostgreSQL)."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.referential.models import Basin
from app.replica import EXTENSION_KEY, replica_reads
from tests.factories import EmployerFactory


@pytest.fixture
def replica_statements(app, monkeypatch):
    options = (
        {"connect_args": {"check_same_thread": False}}
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        else {}
    )
    replica = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], **options)
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, replica)
    statements: list[str] = []
    sa.event.listen(replica, "before_cursor_execute", lambda *args: statements.append(args[2]))
    db.session.info.pop("wrote", None)
    yield statements
    # Give the replica's connection back before closing its pool: a connection still checked out
    # outlives dispose() and is only closed by the garbage collector, in some later test.
    db.session.remove()
    replica.dispose()


def _first_basin_id():
    return db.session.scalar(sa.select(Basin.id).order_by(Basin.id).limit(1))


def test_a_tolerant_get_reads_the_replica_until_it_writes(app, replica_statements):
    @replica_reads
    def view():
        _first_basin_id()
        assert len(replica_statements) == 1
        db.session.scalar(sa.select(Basin.id).limit(1).with_for_update())
        assert len(replica_statements) == 1, "a locking read stays on the primary"
        db.session.info.pop("wrote")
        EmployerFactory()  # reads its basin, then flushes
        read_before_the_write = len(replica_statements)
        _first_basin_id()
        assert len(replica_statements) == read_before_the_write, "after a write, the unit of work reads its own writes"

    with app.test_request_context("/tableau-de-bord", method="GET"):
        view()


def test_a_post_an_unmarked_view_and_a_job_never_read_the_replica(app, replica_statements):
    @replica_reads
    def tolerant():
        _first_basin_id()

    with app.test_request_context("/tableau-de-bord", method="POST"):
        tolerant()
    with app.test_request_context("/entreprises/1", method="GET"):
        _first_basin_id()
    _first_basin_id()  # outside a request: a job, a command
    assert replica_statements == []
