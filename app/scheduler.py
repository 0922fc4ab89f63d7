"""The ONE list of periodic jobs, and how exactly one scheduler runs them.

Production runs a dedicated process, ``flask scheduler run`` (APScheduler 3, never one per
gunicorn worker). A database lock makes a second such process wait instead of running
the jobs too: a PostgreSQL advisory lock held by a dedicated connection (released by the
server if the process dies), or on SQLite a lease row renewed every 30 seconds. The
waiting process takes over when the lock frees up.

The database, not the scheduler, remembers what remains to be done: the jobs read what is
due, ``sent_items`` forbids a second send, and ``job_runs`` tells which scheduled runs
happened, so that a run missed during a restart is caught up once (coalescing), within a
grace period measured in hours.
"""

import logging
import os
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.audit.services import acting_as
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.notifications.enums import JobRunStatus, JobRunTrigger
from app.notifications.mail import deliver_outbox
from app.notifications.models import JobRun, SchedulerLock
from app.notifications.reports import send_monthly_reports
from app.notifications.tasks import (
    anonymise_stale_contacts,
    escalate_overdue_follow_ups,
    flag_stale_needs,
    send_morning_digests,
)
from app.timeutils import PARIS, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    label: str
    schedule_label: str
    func: Callable[[datetime], dict]
    trigger: BaseTrigger
    # How late a missed run may still be caught up; None: frequent job, just wait for the next one.
    grace_hours: int | None
    # Frequent jobs only leave a job run when they did something (or failed).
    records_idle_runs: bool = True

    @property
    def misfire_grace_seconds(self) -> int:
        return self.grace_hours * 3600 if self.grace_hours else 60


def _cron(**fields) -> CronTrigger:
    return CronTrigger(timezone=PARIS, **fields)


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "morning_digest",
        "Point du matin des conseillers",
        "Jours ouvrés à 7 h 30",
        send_morning_digests,
        _cron(day_of_week="mon-fri", hour=7, minute=30),
        grace_hours=4,
    ),
    PeriodicJob(
        "escalation",
        "Escalade des relances en retard et des interlocuteurs désactivés",
        "Tous les jours à 8 h",
        escalate_overdue_follow_ups,
        _cron(hour=8, minute=0),
        grace_hours=12,
    ),
    PeriodicJob(
        "stale_needs",
        "Besoins sans activité depuis 30 et 60 jours",
        "Le lundi à 8 h 30",
        flag_stale_needs,
        _cron(day_of_week="mon", hour=8, minute=30),
        grace_hours=48,
    ),
    PeriodicJob(
        "monthly_report",
        "Point d'avancement mensuel des managers",
        "Le 1er du mois à 6 h",
        send_monthly_reports,
        _cron(day=1, hour=6, minute=0),
        grace_hours=72,
    ),
    PeriodicJob(
        "retention",
        "Anonymisation des interlocuteurs sans contact depuis 3 ans",
        "Le 1er du mois à 3 h",
        anonymise_stale_contacts,
        _cron(day=1, hour=3, minute=0),
        grace_hours=72,
    ),
    PeriodicJob(
        "outbox",
        "Envoi des courriels en attente",
        "Toutes les minutes",
        deliver_outbox,
        IntervalTrigger(minutes=1, timezone=PARIS),
        grace_hours=None,
        records_idle_runs=False,
    ),
)
JOBS_BY_ID = {job.id: job for job in JOBS}

REQUESTED_RUNS_POLL = timedelta(seconds=15)
HEARTBEAT_EVERY = timedelta(seconds=30)
LOCK_LEASE = timedelta(minutes=2)
LOCK_NAME = "scheduler"
ADVISORY_LOCK_KEY = 7_300_700  # any constant: the key of "the scheduler" among advisory locks
# A scheduled run that starts later than this after its fire time is labelled a catch-up.
CATCH_UP_AFTER = timedelta(minutes=1)
LOOKBACK = timedelta(days=35)  # longer than the longest period (a month)
INTERRUPTED = "Interrompue : le planificateur s'est arrêté pendant l'exécution."


class SchedulerError(DomainError):
    """A refusal with a French message for the user."""


class UnknownJob(SchedulerError):
    pass


class RunAlreadyRequested(SchedulerError):
    pass


# --- Schedules --------------------------------------------------------------------------


def previous_fire_time(job: PeriodicJob, now: datetime) -> datetime | None:
    """The last time the job's schedule fired at or before ``now`` (cron jobs only)."""
    if not isinstance(job.trigger, CronTrigger):
        return None
    previous = None
    fire = job.trigger.get_next_fire_time(None, now - LOOKBACK)
    while fire is not None and fire <= now:
        previous = fire
        fire = job.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return previous


def next_fire_time(job: PeriodicJob, now: datetime) -> datetime | None:
    return job.trigger.get_next_fire_time(None, now)


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


# --- Running a job ----------------------------------------------------------------------

HOST = f"{socket.gethostname()}:{os.getpid()}"


def run_job(job_id: str, trigger: JobRunTrigger = JobRunTrigger.SCHEDULE, run: JobRun | None = None) -> JobRun | None:
    """Run one job now and record it in ``job_runs`` (status, duration, counts, error)."""
    job = JOBS_BY_ID[job_id]
    now = utcnow()
    scheduled_for = previous_fire_time(job, now) if trigger is not JobRunTrigger.MANUAL else None
    if trigger is JobRunTrigger.SCHEDULE and scheduled_for and now - scheduled_for > CATCH_UP_AFTER:
        trigger = JobRunTrigger.CATCH_UP
    if run is None:
        run = JobRun(job_id=job.id, trigger=trigger, created_at=now)
    run.status, run.started_at, run.scheduled_for, run.host = JobRunStatus.RUNNING, now, scheduled_for, HOST
    if job.records_idle_runs or run.id is not None:
        db.session.add(run)
        db.session.commit()
    try:
        with acting_as(f"planificateur ({job.id})"):
            counts = job.func(now)
    except Exception:
        db.session.rollback()
        log.exception("La tâche %s a échoué", job.id)
        run = db.session.merge(run)
        run.status, run.error = JobRunStatus.FAILED, traceback.format_exc()[-4000:]
    else:
        if not job.records_idle_runs and run.id is None and not any(counts.values()):
            return None
        run = db.session.merge(run)
        run.status, run.counts = JobRunStatus.SUCCEEDED, counts
    run.finished_at = max(utcnow(), run.started_at)
    db.session.add(run)
    db.session.commit()
    return run


def close_interrupted_runs() -> int:
    """Runs left "running" by a scheduler that died: the lock holder marks them failed, so
    that the catch-up runs them again (the sent items keep what was already sent)."""
    interrupted = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.status == JobRunStatus.RUNNING)
        .values(
            status=JobRunStatus.FAILED, error=INTERRUPTED, finished_at=sa.func.coalesce(JobRun.started_at, utcnow())
        )
    ).rowcount
    db.session.commit()
    return interrupted


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


# --- One scheduler at a time ------------------------------------------------------------


def new_holder_name() -> str:
    return f"{HOST}:{uuid.uuid4().hex[:8]}"


class LeaseLock:
    """A lease row: taken when free or expired, renewed by the heartbeat (SQLite)."""

    def __init__(self, holder: str | None = None):
        self.holder = holder or new_holder_name()

    def acquire(self) -> bool:
        now = utcnow()
        table = SchedulerLock.__table__
        taken = db.session.execute(
            table.update()
            .where(
                table.c.name == LOCK_NAME,
                sa.or_(table.c.holder == self.holder, table.c.heartbeat_at < now - LOCK_LEASE),
            )
            .values(holder=self.holder, acquired_at=now, heartbeat_at=now)
        ).rowcount
        if not taken:
            try:
                with db.session.begin_nested():
                    db.session.execute(
                        table.insert().values(name=LOCK_NAME, holder=self.holder, acquired_at=now, heartbeat_at=now)
                    )
                taken = 1
            except IntegrityError:
                taken = 0
        db.session.commit()
        return bool(taken)

    def still_held(self) -> bool:
        """Renew the lease; False when another scheduler has taken it."""
        table = SchedulerLock.__table__
        renewed = db.session.execute(
            table.update().where(table.c.name == LOCK_NAME, table.c.holder == self.holder).values(heartbeat_at=utcnow())
        ).rowcount
        db.session.commit()
        return renewed == 1

    def release(self) -> None:
        table = SchedulerLock.__table__
        db.session.execute(table.delete().where(table.c.name == LOCK_NAME, table.c.holder == self.holder))
        db.session.commit()


class AdvisoryLock(LeaseLock):
    """PostgreSQL: a session advisory lock on a connection kept for the scheduler's lifetime.
    The lease row is still written, only to show the holder on the admin page."""

    def __init__(self, engine: sa.Engine, holder: str | None = None):
        super().__init__(holder)
        self.engine = engine
        self.connection: sa.Connection | None = None
        self._guard = threading.Lock()  # jobs and the heartbeat share the connection

    def acquire(self) -> bool:
        connection = self.engine.connect()
        got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
        connection.commit()
        if not got:
            connection.close()
            return False
        self.connection = connection
        table = SchedulerLock.__table__
        now = utcnow()
        db.session.execute(table.delete().where(table.c.name == LOCK_NAME))
        db.session.execute(table.insert().values(name=LOCK_NAME, holder=self.holder, acquired_at=now, heartbeat_at=now))
        db.session.commit()
        return True

    def still_held(self) -> bool:
        if self.connection is None:
            return False
        with self._guard:
            try:
                held = self.connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND pid = pg_backend_pid() AND objid = :key"
                    ),
                    {"key": ADVISORY_LOCK_KEY},
                ).scalar()
                self.connection.commit()
            except DBAPIError:
                return False
        return bool(held) and super().still_held()

    def release(self) -> None:
        if self.connection is not None:
            with self._guard:
                try:
                    self.connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                    self.connection.commit()
                finally:
                    self.connection.close()
                    self.connection = None
        super().release()


def make_lock(holder: str | None = None) -> LeaseLock:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, holder)
    return LeaseLock(holder)


def scheduler_status() -> SchedulerLock | None:
    """Who holds the lock, for the admin page (None: no scheduler has been seen lately)."""
    lock = db.session.get(SchedulerLock, LOCK_NAME)
    if lock is None or utcnow() - lock.heartbeat_at > LOCK_LEASE:
        return None
    return lock


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


scheduler_cli = AppGroup("scheduler", help="Le planificateur des tâches périodiques.")


@scheduler_cli.command("run")
@click.option("--retry-seconds", default=30, show_default=True, help="Attente entre deux essais du verrou.")
def run_scheduler(retry_seconds: int) -> None:
    """Lancer LE planificateur (un seul processus en production ; un second attend son tour)."""
    app = current_app._get_current_object()
    lock = make_lock()
    waiting = False
    while not lock.acquire():
        if not waiting:
            click.echo("Un autre planificateur tourne : attente du verrou (relève automatique s'il s'arrête).")
            waiting = True
        time.sleep(retry_seconds)
    click.echo(f"Planificateur démarré ({lock.holder}) : {len(JOBS)} tâches.")
    if interrupted := close_interrupted_runs():
        click.echo(f"{interrupted} exécution(s) interrompue(s) par un arrêt : elles seront rattrapées.")
    # Every run is in job_runs; APScheduler's line per execution (every 15 s) is noise.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = build_scheduler(app, BlockingScheduler, lock)
    previous_handler = signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        if scheduler.running:
            scheduler.shutdown(wait=False)
        lock.release()
        signal.signal(signal.SIGTERM, previous_handler)
        click.echo("Planificateur arrêté.")


def _stop_on_signal(signum, frame):
    # systemd or the container runtime stops the process with SIGTERM: leave the main loop.
    raise SystemExit(0)
