"""Running the jobs: each run recorded in ``job_runs``, the catch-up, the admins' "run now"
queue, and the APScheduler process.

Production runs one dedicated process, ``flask scheduler run`` (APScheduler 3, never one per
gunicorn worker), which holds the lock of ``app.scheduler.locks`` before running anything.

The database, not the scheduler, remembers what remains to be done: the jobs read what is
due, ``sent_items`` forbids a second send, and ``job_runs`` tells which scheduled runs
happened, so that a run missed during a restart is caught up once (coalescing), within a
grace period measured in hours.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import joinedload

from app.audit.services import acting_as
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.scheduler.enums import JobRunStatus, JobRunTrigger
from app.scheduler.locks import HOST, LeaseLock
from app.scheduler.models import JobRun
from app.scheduler.registry import JOBS, JOBS_BY_ID, PeriodicJob, previous_fire_time
from app.timeutils import PARIS, utcnow
from app.transactions import transaction

log = logging.getLogger(__name__)

REQUESTED_RUNS_POLL = timedelta(seconds=15)
HEARTBEAT_EVERY = timedelta(seconds=30)
# A scheduled run that starts later than this after its fire time is labelled a catch-up.
CATCH_UP_AFTER = timedelta(minutes=1)
INTERRUPTED = "Interrompue : le planificateur s'est arrêté pendant l'exécution."
FAILED = (
    "La tâche a échoué ({cause}). Le détail technique est dans le journal du planificateur ; "
    "vous pouvez la relancer avec « Lancer maintenant »."
)


class SchedulerError(DomainError):
    """A refusal with a French message for the user."""


class UnknownJob(SchedulerError):
    pass


class RunAlreadyRequested(SchedulerError):
    pass


def missed_jobs(now: datetime) -> list[PeriodicJob]:
    """Jobs whose last scheduled run, still within its grace period, left no job run:
    the scheduler was down. One catch-up each, however many runs were missed."""
    missed = []
    for job in JOBS:
        fire = previous_fire_time(job, now)
        if job.grace_hours is None or fire is None or now - fire > timedelta(hours=job.grace_hours):
            continue
        done = db.session.scalar(
            sa.select(
                sa.exists().where(
                    JobRun.job_id == job.id,
                    JobRun.scheduled_for == fire,
                    JobRun.status.in_([JobRunStatus.SUCCEEDED, JobRunStatus.RUNNING]),
                )
            )
        )
        if not done:
            missed.append(job)
    return missed


def run_job(job_id: str, trigger: JobRunTrigger = JobRunTrigger.SCHEDULE, run: JobRun | None = None) -> JobRun | None:
    """Run one job now, in one transaction, and record it in ``job_runs`` (status, duration,
    counts, error). The run is recorded as running first, in its own transaction, so that the
    admin page shows it and a scheduler that dies meanwhile leaves it to be caught up."""
    job = JOBS_BY_ID[job_id]
    now = utcnow()
    scheduled_for = previous_fire_time(job, now) if trigger is not JobRunTrigger.MANUAL else None
    if trigger is JobRunTrigger.SCHEDULE and scheduled_for and now - scheduled_for > CATCH_UP_AFTER:
        trigger = JobRunTrigger.CATCH_UP
    if run is None:
        run = JobRun(job_id=job.id, trigger=trigger, created_at=now)
    run.status, run.started_at, run.scheduled_for, run.host = JobRunStatus.RUNNING, now, scheduled_for, HOST
    if job.records_idle_runs or run.id is not None:
        with transaction():
            db.session.add(run)
    try:
        # The actor names the audit events of the changes flushed when the transaction commits.
        with acting_as(f"planificateur ({job.id})"), transaction():
            counts = job.func(now)
    except Exception as failure:
        log.exception("La tâche %s a échoué", job.id)
        status, error, counts = JobRunStatus.FAILED, failure_message(failure), {}
    else:
        if not job.records_idle_runs and run.id is None and not any(counts.values()):
            return None
        status, error = JobRunStatus.SUCCEEDED, None
    with transaction():
        run = db.session.merge(run)
        run.status, run.error, run.counts = status, error, counts
        run.finished_at = max(utcnow(), run.started_at)
    return run


def failure_message(failure: Exception) -> str:
    """What the admin page says of a failed run: a French sentence; the traceback goes to the log."""
    if isinstance(failure, DBAPIError):
        # The driver's text carries SQL and parameters: nothing an admin can act on.
        cause = "la base de données était occupée ou injoignable"
    else:
        first_line = (str(failure).splitlines() or [""])[0][:300]
        cause = f"{type(failure).__name__} : {first_line}" if first_line else type(failure).__name__
    return FAILED.format(cause=cause)


def close_interrupted_runs() -> int:
    """Runs left "running" by a scheduler that died: the lock holder marks them failed, so
    that the catch-up runs them again (the sent items keep what was already sent)."""
    with transaction():
        return db.session.execute(
            sa.update(JobRun)
            .where(JobRun.status == JobRunStatus.RUNNING)
            .values(
                status=JobRunStatus.FAILED,
                error=INTERRUPTED,
                finished_at=sa.func.coalesce(JobRun.started_at, utcnow()),
            )
        ).rowcount


def request_run(job_id: str, user: User) -> JobRun:
    """An admin's "run now": the scheduler process runs it within seconds (the web process
    never runs jobs itself, so that there is still one scheduler)."""
    if job_id not in JOBS_BY_ID:
        raise UnknownJob("Cette tâche n'existe pas.")
    pending = db.session.scalar(
        sa.select(
            sa.exists().where(
                JobRun.job_id == job_id, JobRun.status.in_([JobRunStatus.REQUESTED, JobRunStatus.RUNNING])
            )
        )
    )
    if pending:
        raise RunAlreadyRequested("Cette tâche est déjà demandée ou en cours : attendez qu'elle se termine.")
    run = JobRun(job_id=job_id, trigger=JobRunTrigger.MANUAL, status=JobRunStatus.REQUESTED, requested_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError as error:
        raise RunAlreadyRequested("Cette tâche vient d'être demandée par un autre administrateur.") from error
    return run


def run_requested_jobs() -> int:
    """Run what admins asked for, oldest request first."""
    runs = list(
        db.session.scalars(
            sa.select(JobRun).where(JobRun.status == JobRunStatus.REQUESTED).order_by(JobRun.created_at, JobRun.id)
        )
    )
    for run in runs:
        if run.job_id in JOBS_BY_ID:
            run_job(run.job_id, JobRunTrigger.MANUAL, run=run)
    return len(runs)


def _newest_first():
    """Each run's rank among its job's runs, the newest first."""
    return (
        sa.func.row_number()
        .over(partition_by=JobRun.job_id, order_by=(JobRun.created_at.desc(), JobRun.id.desc()))
        .label("rank")
    )


def recent_runs(job_ids: list[str], per_job: int = 5) -> dict[str, list]:
    """The last runs of each job, in one query."""
    ranked = (
        sa.select(
            JobRun.id,
            _newest_first(),
        )
        .where(JobRun.job_id.in_(job_ids))
        .subquery()
    )
    runs: dict[str, list] = {job_id: [] for job_id in job_ids}
    for run in db.session.scalars(
        sa.select(JobRun)
        .join(ranked, ranked.c.id == JobRun.id)
        .where(ranked.c.rank <= per_job)
        .options(joinedload(JobRun.requested_by))
        .order_by(JobRun.job_id, ranked.c.rank)
    ):
        runs[run.job_id].append(run)
    return runs


@dataclass
class JobHealth:
    """A job as the admins' home page shows it: its last run and its failed runs since a day."""

    job: PeriodicJob
    last_run: JobRun | None
    failures: int

    @property
    def is_failing(self) -> bool:
        return self.failures > 0 or (self.last_run is not None and self.last_run.status is JobRunStatus.FAILED)


def job_health(jobs: list[PeriodicJob], since: datetime) -> list[JobHealth]:
    """Each job's last run and how many of its runs failed since ``since``, in one query."""
    ranked = (
        sa.select(
            JobRun.id,
            _newest_first(),
            sa.func.sum(
                sa.case((sa.and_(JobRun.status == JobRunStatus.FAILED, JobRun.created_at >= since), 1), else_=0)
            )
            .over(partition_by=JobRun.job_id)
            .label("failures"),
        )
        .where(JobRun.job_id.in_([job.id for job in jobs]))
        .subquery()
    )
    last = {
        run.job_id: (run, int(failures))
        for run, failures in db.session.execute(
            sa.select(JobRun, ranked.c.failures).join(ranked, ranked.c.id == JobRun.id).where(ranked.c.rank == 1)
        )
    }
    return [JobHealth(job, *last.get(job.id, (None, 0))) for job in jobs]


# --- The APScheduler process ------------------------------------------------------------


def _in_app_context(app: Flask, lock: LeaseLock | None, work: Callable[[], object]) -> None:
    with app.app_context():
        try:
            if lock is not None and not lock.still_held():
                log.error("Verrou du planificateur perdu : tâche non lancée.")
                return
            work()
        finally:
            db.session.remove()


def _scheduled_run(app: Flask, job_id: str, lock: LeaseLock | None) -> None:
    _in_app_context(app, lock, lambda: run_job(job_id))


def _requested_runs(app: Flask, lock: LeaseLock | None) -> None:
    _in_app_context(app, lock, run_requested_jobs)


def _heartbeat(app: Flask, lock: LeaseLock, scheduler) -> None:
    with app.app_context():
        try:
            held = lock.still_held()
        finally:
            db.session.remove()
    if not held:
        log.error("Verrou du planificateur perdu : arrêt (le processus en attente prend la relève).")
        scheduler.shutdown(wait=False)


def build_scheduler(app: Flask, scheduler_class=BlockingScheduler, lock: LeaseLock | None = None, **options):
    """A scheduler with every job of JOBS, plus the catch-up of runs missed while it was down."""
    options.setdefault("executors", {"default": ThreadPoolExecutor(4)})
    scheduler = scheduler_class(timezone=PARIS, job_defaults={"coalesce": True, "max_instances": 1}, **options)
    now = utcnow()
    with app.app_context():
        try:
            missed = {job.id for job in missed_jobs(now)}
        finally:
            db.session.remove()
    for job in JOBS:
        if job.id in missed:
            log.info("Rattrapage de la tâche %s, manquée pendant l'arrêt du planificateur.", job.id)
        scheduler.add_job(
            _scheduled_run,
            trigger=job.trigger,
            args=(app, job.id, lock),
            id=job.id,
            name=job.label,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=job.misfire_grace_seconds,
            **({"next_run_time": now} if job.id in missed else {}),
        )
    scheduler.add_job(
        _requested_runs,
        IntervalTrigger(seconds=REQUESTED_RUNS_POLL.total_seconds(), timezone=PARIS),
        args=(app, lock),
        id="requested_runs",
        name="Tâches demandées par un administrateur",
        replace_existing=True,
        misfire_grace_time=60,
    )
    if lock is not None:
        scheduler.add_job(
            _heartbeat,
            IntervalTrigger(seconds=HEARTBEAT_EVERY.total_seconds(), timezone=PARIS),
            args=(app, lock, scheduler),
            id="heartbeat",
            name="Renouvellement du verrou",
            replace_existing=True,
            misfire_grace_time=30,
        )
    return scheduler
