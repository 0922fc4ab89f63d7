"""Enqueue a long job in the caller's transaction; claim it and run it in a worker.

Where jobs run is ``JOBS_RUNNER`` (config.py):
- ``worker``: ``flask jobs work`` processes, on this server or others, claim them
  (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so that workers never wait on each other's rows nor take
  the same job; SQLite: the claim's ``BEGIN IMMEDIATE`` runs claims one after another);
- ``thread``: the embedded set-up (SQLite, no worker): one thread of the web process drains the
  queue after each commit that enqueued something;
- ``inline``: the tests: the job runs at once, within the caller's unit of work.
"""

import logging
import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db
from app.jobs.enums import QueuedJobStatus
from app.jobs.models import QueuedJob
from app.timeutils import utcnow
from app.transactions import transaction
from app.write_intent import writing

logger = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(hours=1)
# A failed attempt waits 1, then 4, then 16 minutes… before the next.
FIRST_RETRY_DELAY = timedelta(minutes=1)
RETRY_DELAY_FACTOR = 4
INTERRUPTED = "Le processus qui l'exécutait s'est arrêté avant la fin (tentatives épuisées)."
FAILED = "L'exécution a échoué ; l'erreur est inscrite dans le journal du serveur."


@dataclass(frozen=True)
class Handler:
    function: Callable[..., None]
    # How long a worker may hold the job before another takes it for a dead one.
    lease: timedelta


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, lease: timedelta = DEFAULT_LEASE):
    """Register ``function(**payload)`` as the job of this kind. It commits its own work
    (``transaction()``) and is idempotent: a job whose worker died is run again."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        HANDLERS[kind] = Handler(function, lease)
        return function

    return register


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def enqueue(kind: str, payload: dict | None = None, *, max_attempts: int = 3) -> QueuedJob:
    """Queue a job with the caller's changes (it exists only if they are committed). Does not commit."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind: {kind}")
    job = QueuedJob(kind=kind, payload=payload or {}, max_attempts=max_attempts, status=QueuedJobStatus.QUEUED)
    db.session.add(job)
    db.session.flush()
    runner = current_app.config["JOBS_RUNNER"]
    if runner == "inline":
        _take(job, worker_name())
        run_claimed(job)
    elif runner == "thread":
        db.session.info["jobs_app"] = current_app._get_current_object()
    return job


def _take(job: QueuedJob, worker: str) -> None:
    now = utcnow()
    job.status = QueuedJobStatus.RUNNING
    job.attempts += 1
    job.started_at = now
    job.locked_by = worker
    job.locked_until = now + HANDLERS[job.kind].lease if job.kind in HANDLERS else now + DEFAULT_LEASE


def claim(worker: str) -> QueuedJob | None:
    """Take the oldest due job (or one whose worker's lease ran out), committed as RUNNING."""
    while True:
        with transaction():
            now = utcnow()
            job = db.session.scalars(
                sa.select(QueuedJob)
                .where(
                    sa.or_(
                        sa.and_(QueuedJob.status == QueuedJobStatus.QUEUED, QueuedJob.run_after <= now),
                        sa.and_(QueuedJob.status == QueuedJobStatus.RUNNING, QueuedJob.locked_until < now),
                    )
                )
                .order_by(QueuedJob.run_after, QueuedJob.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if job is None:
                return None
            if job.attempts >= job.max_attempts:
                # Its last attempt's worker died: nothing left to try.
                _end(job, QueuedJobStatus.FAILED, INTERRUPTED)
                continue
            _take(job, worker)
        return job


def run_claimed(job: QueuedJob) -> bool:
    """Run a claimed job's handler, then record its end: done, queued again later, or failed."""
    # A job writes: on SQLite even its first read (the job's expired row) must begin as a writer.
    with writing():
        return _run_claimed(job)


def _run_claimed(job: QueuedJob) -> bool:
    job_id, kind, payload = job.id, job.kind, dict(job.payload)
    try:
        if kind not in HANDLERS:
            raise LookupError(f"no handler for job kind {kind}")
        HANDLERS[kind].function(**payload)
    except Exception:
        db.session.rollback()
        logger.exception("La tâche %s (%s) a échoué", job_id, kind)
        with transaction():
            job = db.session.get(QueuedJob, job_id)
            if job.attempts < job.max_attempts:
                delay = FIRST_RETRY_DELAY * RETRY_DELAY_FACTOR ** (job.attempts - 1)
                job.status, job.run_after, job.error = QueuedJobStatus.QUEUED, utcnow() + delay, FAILED
                job.locked_by = job.locked_until = None
            else:
                _end(job, QueuedJobStatus.FAILED, FAILED)
        return False
    with transaction():
        _end(db.session.get(QueuedJob, job_id), QueuedJobStatus.DONE, None)
    return True


def _end(job: QueuedJob, status: QueuedJobStatus, error: str | None) -> None:
    job.status, job.error = status, error
    job.finished_at = utcnow()
    job.locked_by = job.locked_until = None


def work(worker: str, limit: int | None = None) -> int:
    """Claim and run due jobs until none is left (or ``limit`` ran); how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = claim(worker)
        if job is None:
            break
        run_claimed(job)
        ran += 1
    return ran


# The embedded runner: one thread per web process, which drains the queue.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")


def _drain(app: Flask) -> None:
    with app.app_context():
        try:
            work(f"{worker_name()}:thread")
        except Exception:
            # A thread's exception would vanish with its future: the log keeps it.
            logger.exception("La file des tâches n'a pas pu être vidée")
        finally:
            db.session.remove()


@sa.event.listens_for(db.session, "after_commit")
def _wake_thread_runner(session) -> None:
    if app := session.info.pop("jobs_app", None):
        _executor.submit(_drain, app)


@sa.event.listens_for(db.session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop("jobs_app", None)
