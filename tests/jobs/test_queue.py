"""The job queue: enqueue, claim, complete, retry with growing delays, a dead worker's job taken
again, and two workers that never take the same job (real connections, real commits)."""

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.jobs.enums import QueuedJobStatus
from app.jobs.models import QueuedJob
from app.jobs.queue import HANDLERS, INTERRUPTED, Handler, claim, enqueue, run_claimed, work
from tests.conftest import build_app, paris

DEFAULT_LEASE_SECONDS = 3600


@pytest.fixture
def calls(monkeypatch, app):
    """A "test_record" job kind that records its payloads; "test_fail" always raises."""
    recorded: list[dict] = []

    def fail(**payload):
        raise RuntimeError("boom")

    monkeypatch.setitem(HANDLERS, "test_record", Handler(lambda **payload: recorded.append(payload), _lease()))
    monkeypatch.setitem(HANDLERS, "test_fail", Handler(fail, _lease()))
    monkeypatch.setitem(app.config, "JOBS_RUNNER", "worker")
    return recorded


def _lease():
    return timedelta(seconds=DEFAULT_LEASE_SECONDS)


def test_an_unknown_kind_is_refused(calls):
    with pytest.raises(ValueError):
        enqueue("no_such_job", {})


def test_a_job_is_queued_claimed_run_and_done(calls, travel):
    travel(paris(2026, 12, 1, 9, 0))
    job = enqueue("test_record", {"n": 1})
    assert job.status is QueuedJobStatus.QUEUED and calls == []
    claimed = claim("w1")
    assert claimed.id == job.id and claimed.status is QueuedJobStatus.RUNNING
    assert claimed.attempts == 1 and claimed.locked_by == "w1"
    assert claimed.locked_until == paris(2026, 12, 1, 10, 0)
    assert claim("w2") is None  # the only job is held
    assert run_claimed(claimed) is True
    assert calls == [{"n": 1}]
    job = db.session.get(QueuedJob, job.id)
    assert job.status is QueuedJobStatus.DONE and job.finished_at == paris(2026, 12, 1, 9, 0)
    assert job.locked_by is None and job.locked_until is None and job.error is None


def test_jobs_run_oldest_first(calls, travel):
    travel(paris(2026, 12, 1, 9, 0))
    first = enqueue("test_record", {"n": 1})
    travel(paris(2026, 12, 1, 9, 1))
    enqueue("test_record", {"n": 2})
    assert claim("w1").id == first.id
    assert work("w1") == 1
    assert calls == [{"n": 2}]


def test_a_failed_job_is_retried_later_then_fails(calls, travel):
    travel(paris(2026, 12, 1, 9, 0))
    job_id = enqueue("test_fail", {}, max_attempts=3).id
    assert run_claimed(claim("w1")) is False
    job = db.session.get(QueuedJob, job_id)
    assert job.status is QueuedJobStatus.QUEUED and job.attempts == 1 and "échoué" in job.error
    assert job.run_after == paris(2026, 12, 1, 9, 1)  # 1 minute, then 4
    assert claim("w1") is None  # not due yet
    travel(paris(2026, 12, 1, 9, 1))
    assert run_claimed(claim("w1")) is False
    assert db.session.get(QueuedJob, job_id).run_after == paris(2026, 12, 1, 9, 5)
    travel(paris(2026, 12, 1, 9, 5))
    assert run_claimed(claim("w1")) is False
    job = db.session.get(QueuedJob, job_id)
    assert job.status is QueuedJobStatus.FAILED and job.attempts == 3 and job.finished_at is not None
    travel(paris(2026, 12, 2, 9, 0))
    assert claim("w1") is None


def test_a_dead_workers_job_is_taken_again_when_its_lease_ends(calls, travel):
    travel(paris(2026, 12, 1, 9, 0))
    job_id = enqueue("test_record", {"n": 1}, max_attempts=2).id
    claim("dead")  # and never finished
    travel(paris(2026, 12, 1, 9, 59))
    assert claim("w2") is None
    travel(paris(2026, 12, 1, 10, 1))
    again = claim("w2")
    assert again.id == job_id and again.attempts == 2 and again.locked_by == "w2"
    # Its second worker dies too: no attempt left, the job fails with the reason.
    travel(paris(2026, 12, 1, 11, 2))
    assert claim("w3") is None
    job = db.session.get(QueuedJob, job_id)
    assert job.status is QueuedJobStatus.FAILED and job.error == INTERRUPTED
    assert calls == []


def test_the_inline_runner_runs_the_job_at_once(calls, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RUNNER", "inline")
    job = enqueue("test_record", {"n": 7})
    assert calls == [{"n": 7}]
    assert db.session.get(QueuedJob, job.id).status is QueuedJobStatus.DONE


def test_a_job_rolled_back_with_its_caller_never_runs(calls):
    with pytest.raises(RuntimeError), db.session.begin_nested():
        enqueue("test_record", {"n": 1})
        raise RuntimeError("the caller fails")
    assert claim("w1") is None and calls == []


# --- Real connections: the per-test transaction cannot show two workers racing. ---

JOBS = 40


@pytest.fixture
def racing_app(app):
    """A second app on the test database, with real connections and commits."""
    other = build_app(app.config["SQLALCHEMY_DATABASE_URI"], migrated=False)
    yield other
    with other.app_context():
        db.session.execute(sa.delete(QueuedJob).where(QueuedJob.kind.like("test_%")))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_two_workers_never_take_the_same_job(racing_app, monkeypatch):
    runs: list[tuple[str, int]] = []
    lock = threading.Lock()

    def record(n):
        time.sleep(0.005)  # long enough for the other worker to try the same rows meanwhile
        with lock:
            runs.append((threading.current_thread().name, n))

    monkeypatch.setitem(HANDLERS, "test_race", Handler(record, _lease()))
    racing_app.config["JOBS_RUNNER"] = "worker"
    with racing_app.app_context():
        for n in range(JOBS):
            enqueue("test_race", {"n": n})
        db.session.commit()
        db.session.remove()

    start = threading.Barrier(2)

    def worker():
        with racing_app.app_context():
            start.wait()
            work(threading.current_thread().name)
            db.session.remove()

    threads = [threading.Thread(target=worker, name=f"worker-{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    numbers = sorted(n for _, n in runs)
    assert numbers == list(range(JOBS)), "each job ran exactly once"
    if racing_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # SKIP LOCKED lets them claim side by side. SQLite runs one writer at a time, and a job
        # writes: the worker that ends one may take the next before the other gets the lock.
        assert {name for name, _ in runs} == {"worker-0", "worker-1"}, "both workers took jobs"
    with racing_app.app_context():
        statuses = db.session.scalars(sa.select(QueuedJob.status).where(QueuedJob.kind == "test_race")).all()
        assert statuses == [QueuedJobStatus.DONE] * JOBS
        db.session.remove()


def test_the_thread_runner_drains_the_queue_after_the_commit(racing_app, monkeypatch):
    done = threading.Event()
    monkeypatch.setitem(HANDLERS, "test_thread", Handler(lambda: done.set(), _lease()))
    racing_app.config["JOBS_RUNNER"] = "thread"
    with racing_app.app_context():
        enqueue("test_thread", {})
        assert not done.wait(0.2), "nothing runs before the commit"
        db.session.commit()
        assert done.wait(10)
        db.session.remove()
        deadline = time.monotonic() + 10
        while db.session.scalar(sa.select(QueuedJob.status).where(QueuedJob.kind == "test_thread")) != "done":
            assert time.monotonic() < deadline, "the job is recorded as done"
            db.session.remove()
            time.sleep(0.05)
        db.session.remove()


def test_flask_jobs_work_once_runs_the_queue_and_stops(app, calls):
    enqueue("test_record", {"n": 1})
    enqueue("test_record", {"n": 2})
    result = app.test_cli_runner().invoke(args=["jobs", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert calls == [{"n": 1}, {"n": 2}]
    assert "2 tâche(s) exécutée(s)" in result.output
