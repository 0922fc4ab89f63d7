import dataclasses
import threading
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from app import create_app
from app.extensions import db
from app.notifications.models import Notification, OutboxEmail, SentItem
from app.notifications.services import claim_sends
from app.scheduler.enums import JobRunStatus, JobRunTrigger
from app.scheduler.locks import LeaseLock
from app.scheduler.models import JobRun
from app.scheduler.registry import JOBS, JOBS_BY_ID, PeriodicJob, next_fire_time, previous_fire_time
from app.scheduler.runner import (
    RunAlreadyRequested,
    build_scheduler,
    missed_jobs,
    request_run,
    run_job,
    run_requested_jobs,
)
from app.timeutils import PARIS, utcnow
from tests.conftest import paris
from tests.factories import FollowUpFactory, UserFactory


def _runs(job_id):
    return db.session.scalars(sa.select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)).all()


def test_every_job_is_listed_once_with_coalescing_and_a_grace_in_hours():
    assert len(JOBS_BY_ID) == len(JOBS)
    assert set(JOBS_BY_ID) == {
        "morning_digest",
        "escalation",
        "stale_needs",
        "monthly_report",
        "basin_reports",
        "retention",
        "outbox",
        "error_alerts",
        "survey_reminders",
        "webhooks",
        "territory_averages",
    }
    for job in JOBS:
        if isinstance(job.trigger, CronTrigger):
            assert job.trigger.timezone == PARIS
            assert job.grace_hours >= 1 and job.misfire_grace_seconds == job.grace_hours * 3600


@pytest.mark.parametrize(
    ("job_id", "now", "expected"),
    [
        ("morning_digest", paris(2026, 11, 20, 7, 31), paris(2026, 11, 23, 7, 30)),  # Friday → Monday
        ("morning_digest", paris(2026, 11, 23, 6, 0), paris(2026, 11, 23, 7, 30)),
        ("escalation", paris(2026, 11, 21, 9, 0), paris(2026, 11, 22, 8, 0)),  # daily, weekends too
        ("stale_needs", paris(2026, 11, 23, 9, 0), paris(2026, 11, 30, 8, 30)),  # weekly, Monday
        ("monthly_report", paris(2026, 11, 22, 9, 0), paris(2026, 12, 1, 6, 0)),  # the 1st
        ("retention", paris(2026, 12, 1, 4, 0), paris(2027, 1, 1, 3, 0)),  # monthly
        # Paris time, summer time included: 07:30 in Paris is 05:30 UTC in July.
        ("morning_digest", paris(2026, 7, 1, 8, 0), paris(2026, 7, 2, 7, 30)),
    ],
)
def test_schedules(job_id, now, expected):
    assert next_fire_time(JOBS_BY_ID[job_id], now) == expected


def _seed_adviser_with_work(day):
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=day)
    return adviser


def _digest_emails():
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))


def test_the_previous_fire_time_of_an_hourly_schedule_passes_the_end_of_summer_time():
    """On 25 October 2026, 02:05 happens twice; APScheduler gives the second as its own next fire time."""
    hourly = PeriodicJob("hourly", "", "", lambda now: {}, CronTrigger(minute=5, timezone=PARIS), grace_hours=1)
    assert previous_fire_time(hourly, paris(2026, 11, 23, 7, 0)) == paris(2026, 11, 23, 6, 5)


def test_the_scheduler_runs_each_job_at_its_time(travel, manual_scheduler):
    travel(paris(2026, 11, 23, 7, 0))
    _seed_adviser_with_work(date(2026, 11, 23))
    scheduler = manual_scheduler()
    scheduler.run_pending()
    assert _runs("morning_digest") == []

    travel(paris(2026, 11, 23, 7, 30))
    scheduler.run_pending()
    [run] = _runs("morning_digest")
    assert (run.status, run.trigger) == (JobRunStatus.SUCCEEDED, JobRunTrigger.SCHEDULE)
    assert run.scheduled_for == paris(2026, 11, 23, 7, 30)
    assert run.counts["courriels"] == 1

    travel(paris(2026, 11, 23, 8, 0))
    scheduler.run_pending()
    assert len(_runs("escalation")) == 1 and len(_runs("morning_digest")) == 1


def test_a_run_missed_during_a_restart_is_caught_up_once(travel, manual_scheduler):
    """Down from Friday evening to Tuesday 09:00: Monday's digest is past its grace, Tuesday's
    is not; one catch-up, and each adviser gets one digest."""
    travel(paris(2026, 11, 20, 7, 30))
    adviser = _seed_adviser_with_work(date(2026, 11, 20))
    run_job("morning_digest")
    travel(paris(2026, 11, 24, 9, 0))

    assert [job.id for job in missed_jobs(utcnow())] == ["morning_digest", "escalation", "stale_needs"]
    scheduler = manual_scheduler()
    scheduler.run_pending()
    scheduler.run_pending()

    runs = _runs("morning_digest")
    assert [(run.trigger, run.scheduled_for) for run in runs] == [
        (JobRunTrigger.SCHEDULE, paris(2026, 11, 20, 7, 30)),
        (JobRunTrigger.CATCH_UP, paris(2026, 11, 24, 7, 30)),
    ]
    assert db.session.scalars(
        sa.select(SentItem.period_key).where(SentItem.recipient_id == adviser.id).order_by(SentItem.period_key)
    ).all() == ["2026-11-20", "2026-11-24"]
    # Restarting again the same morning catches nothing up: the run is in job_runs.
    assert "morning_digest" not in [job.id for job in missed_jobs(utcnow())]


def test_no_catch_up_past_the_grace_period(travel, manual_scheduler):
    travel(paris(2026, 11, 23, 13, 0))  # 5 h 30 after the digest: grace is 4 h
    _seed_adviser_with_work(date(2026, 11, 23))
    manual_scheduler().run_pending()
    assert _runs("morning_digest") == []


def test_a_scheduler_that_slept_through_several_runs_coalesces_them(travel, manual_scheduler):
    """APScheduler's own misfire path: a blocked scheduler wakes up after missing three
    escalations; coalescing makes it one run, not three."""
    travel(paris(2026, 11, 21, 7, 0))
    scheduler = manual_scheduler()
    travel(paris(2026, 11, 23, 8, 10))  # Saturday, Sunday and Monday 08:00 were missed
    scheduler.run_pending()
    scheduler.run_pending()
    assert len(_runs("escalation")) == 1


def test_a_failing_job_is_recorded_with_its_error(travel, monkeypatch):
    travel(paris(2026, 11, 23, 8, 0))

    def broken(now):
        raise RuntimeError("SMTP hors service")

    monkeypatch.setitem(JOBS_BY_ID, "escalation", dataclasses.replace(JOBS_BY_ID["escalation"], func=broken))
    run = run_job("escalation")
    assert run.status is JobRunStatus.FAILED
    assert "SMTP hors service" in run.error
    assert run.finished_at >= run.started_at


def test_a_failed_run_tells_admins_in_french_and_logs_the_traceback(travel, monkeypatch, caplog, client, login):
    travel(paris(2026, 11, 23, 8, 0))

    def locked(now):
        raise sa.exc.OperationalError("UPDATE follow_ups SET …", {}, Exception("database is locked"))

    monkeypatch.setitem(JOBS_BY_ID, "escalation", dataclasses.replace(JOBS_BY_ID["escalation"], func=locked))
    run = run_job("escalation")
    assert run.status is JobRunStatus.FAILED
    assert run.error.startswith("La tâche a échoué") and "Traceback" not in run.error and "UPDATE" not in run.error
    [record] = [record for record in caplog.records if record.exc_info]
    assert "escalation" in record.getMessage() and record.exc_info[0] is sa.exc.OperationalError

    login(UserFactory(admin=True))
    page = client.get("/administration/taches").get_data(as_text=True)
    assert run.error in page.replace("&#39;", "'") and "Traceback" not in page


def test_an_admin_requests_a_run_and_the_scheduler_runs_it(travel):
    travel(paris(2026, 11, 23, 10, 0))
    admin = UserFactory(admin=True)
    request_run("retention", admin)
    with pytest.raises(RunAlreadyRequested):
        request_run("retention", admin)

    assert run_requested_jobs() == 1
    [run] = _runs("retention")
    assert (run.status, run.trigger, run.requested_by_id) == (JobRunStatus.SUCCEEDED, JobRunTrigger.MANUAL, admin.id)
    assert run_requested_jobs() == 0


def test_the_lease_lock_lets_one_scheduler_run_and_the_other_take_over(travel):
    travel(paris(2026, 11, 23, 7, 0))
    first, second = LeaseLock("planificateur-1"), LeaseLock("planificateur-2")
    assert first.acquire()
    assert not second.acquire()
    travel(paris(2026, 11, 23, 7, 1))
    assert first.still_held()
    assert not second.acquire()
    # The first one dies (no heartbeat): after the lease, the second takes over.
    travel(paris(2026, 11, 23, 7, 4))
    assert second.acquire()
    assert not first.still_held()
    second.release()
    assert first.acquire()


# Concurrent writers on separate connections: SQLite has one writer at a time and the test's
# own transaction holds it (the lease lock is tested above on both databases).
@pytest.mark.postgresql_only
def test_two_schedulers_on_one_postgresql_database_send_one_digest_each(app, travel):
    """Two scheduler processes against the same database, both running the digest at once
    (as if the lock were missing): the unique sent-items key still lets each adviser get one."""
    from app.auth.models import User
    from app.employers.models import Employer
    from app.referential.models import Basin, Operator
    from tests.factories import known_password_hash, make_siret

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = sa.create_engine(url)
    apps = [create_app("testing", {"SQLALCHEMY_DATABASE_URI": url}) for _ in range(2)]
    created: dict[str, list[int]] = {"users": [], "employers": [], "operators": []}
    schedulers = []
    travel(paris(2026, 11, 23, 7, 30, 5), tick=True)
    try:
        with sa.orm.Session(engine) as session:
            basin = session.scalar(sa.select(Basin).where(Basin.code == "5219"))
            operator = Operator(name="France Travail concurrence", kind="france_travail")
            session.add(operator)
            employer = Employer(siret=(siret := make_siret()), siren=siret[:9], name="Concurrence SA", basin=basin)
            session.add(employer)
            advisers = [
                User(
                    email=f"concurrence{i}@exemple.fr",
                    full_name=f"Conseiller {i}",
                    password_hash=known_password_hash(),
                    role="adviser",
                    operator=operator,
                )
                for i in range(30)
            ]
            session.add_all(advisers)
            session.flush()
            from app.activity.models import FollowUp

            session.add_all(
                FollowUp(employer_id=employer.id, owner_id=adviser.id, due_on=date(2026, 11, 23), title="Rappeler")
                for adviser in advisers
            )
            session.commit()
            created = {
                "users": [adviser.id for adviser in advisers],
                "employers": [employer.id],
                "operators": [operator.id],
            }

        for other_app in apps:
            scheduler = build_scheduler(other_app, BackgroundScheduler)
            schedulers.append(scheduler)
        assert all(scheduler.get_job("morning_digest").next_run_time <= utcnow() for scheduler in schedulers)
        for scheduler in schedulers:
            threading.Thread(target=scheduler.start).start()

        deadline = time.monotonic() + 60
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                finished = connection.scalar(
                    sa.select(sa.func.count())
                    .select_from(JobRun)
                    .where(JobRun.job_id == "morning_digest", JobRun.status != JobRunStatus.RUNNING)
                )
                connection.rollback()
                if finished == 2:
                    break
                time.sleep(0.2)
            runs = connection.execute(
                sa.select(JobRun.status, JobRun.counts).where(JobRun.job_id == "morning_digest")
            ).all()
            assert [run.status for run in runs] == [JobRunStatus.SUCCEEDED] * 2, runs
            assert sorted(run.counts["courriels"] for run in runs) == [0, 30]
            per_adviser = connection.execute(
                sa.select(OutboxEmail.recipient_id, sa.func.count())
                .where(OutboxEmail.recipient_id.in_(created["users"]))
                .group_by(OutboxEmail.recipient_id)
            ).all()
            assert sorted(count for _, count in per_adviser) == [1] * 30
    finally:
        for scheduler in schedulers:
            if scheduler.running:
                scheduler.shutdown(wait=True)
        with engine.begin() as connection:
            users = created["users"]
            connection.execute(sa.delete(SentItem).where(SentItem.recipient_id.in_(users)))
            connection.execute(sa.delete(OutboxEmail).where(OutboxEmail.recipient_id.in_(users)))
            connection.execute(sa.delete(Notification).where(Notification.recipient_id.in_(users)))
            connection.execute(sa.delete(JobRun))
            from app.activity.models import FollowUp
            from app.audit.models import AuditEvent
            from app.auth.models import User
            from app.employers.models import Employer
            from app.referential.models import Operator
            from tests.audit_trail import delete_test_events

            connection.execute(sa.delete(FollowUp).where(FollowUp.owner_id.in_(users)))
            connection.execute(sa.delete(User).where(User.id.in_(users)))
            connection.execute(sa.delete(Employer).where(Employer.id.in_(created["employers"])))
            connection.execute(sa.delete(Operator).where(Operator.id.in_(created["operators"])))
            delete_test_events(connection, AuditEvent.occurred_at >= utcnow() - timedelta(days=1))
        for other_app in apps:
            with other_app.app_context():
                db.engine.dispose()
        engine.dispose()


@pytest.fixture
def two_schedulers(app):
    """Two scheduler processes on the test database, each with its own app, engine and lock."""
    from app.scheduler.locks import make_lock

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    apps = [create_app("testing", {"SQLALCHEMY_DATABASE_URI": url}) for _ in range(2)]
    locks = []
    for other_app in apps:
        with other_app.app_context():
            locks.append(make_lock())
    yield apps, locks
    for other_app, lock in zip(apps, locks, strict=True):
        with other_app.app_context():
            lock.release()
            db.session.remove()
            db.engine.dispose()


# PostgreSQL advisory locks; SQLite uses the lease row tested above.
@pytest.mark.postgresql_only
def test_the_postgresql_advisory_lock_admits_one_scheduler_and_hands_over(two_schedulers):
    from app.scheduler.locks import AdvisoryLock
    from app.scheduler.models import SchedulerLock

    apps, locks = two_schedulers
    first, second = locks
    assert isinstance(first, AdvisoryLock)
    with apps[0].app_context():
        assert first.acquire()
    with apps[1].app_context():
        assert not second.acquire()
    with apps[0].app_context():
        assert first.still_held()
        first.release()
    with apps[1].app_context():
        assert second.acquire()
        assert second.still_held()
        assert db.session.get(SchedulerLock, "scheduler").holder == second.holder


@pytest.mark.postgresql_only
def test_a_hung_scheduler_loses_the_postgresql_lock_once_its_heartbeat_stops(two_schedulers, travel):
    """A scheduler stopped (SIGSTOP, a frozen VM), not dead, keeps its connection and so its
    advisory lock: without a heartbeat for the lease, a waiting scheduler ends its connection."""
    from app.scheduler.locks import LOCK_LEASE
    from app.scheduler.models import SchedulerLock

    travel(paris(2026, 11, 23, 7, 0))
    apps, locks = two_schedulers
    hung, waiting = locks
    with apps[0].app_context():
        assert hung.acquire()
    # Within the lease, the holder counts as alive: the other one waits.
    travel(paris(2026, 11, 23, 7, 0) + LOCK_LEASE - timedelta(seconds=1))
    with apps[1].app_context():
        assert not waiting.acquire()
    # The holder has stopped heartbeating for longer than the lease: the waiting one takes over.
    travel(paris(2026, 11, 23, 7, 0) + LOCK_LEASE + timedelta(seconds=1))
    with apps[1].app_context():
        assert waiting.acquire()
        assert waiting.still_held()
        assert db.session.get(SchedulerLock, "scheduler").holder == waiting.holder
        db.session.remove()
    # Resumed, the old holder finds out and stops; its release leaves the new holder alone.
    with apps[0].app_context():
        assert not hung.still_held()
        hung.release()
        db.session.remove()
    with apps[1].app_context():
        assert waiting.still_held()


def test_flask_scheduler_run_holds_the_lock_while_it_runs(app, monkeypatch):
    import app.scheduler.cli as scheduler_module
    from app.scheduler.models import SchedulerLock

    seen = {}

    class OneLoopScheduler(BlockingScheduler):
        def _main_loop(self):
            seen["jobs"] = {job.id for job in self.get_jobs()}
            seen["holder"] = db.session.get(SchedulerLock, "scheduler").holder

    monkeypatch.setattr(scheduler_module, "BlockingScheduler", OneLoopScheduler)
    monkeypatch.setattr(scheduler_module, "make_lock", lambda: LeaseLock("processus-planificateur"))

    result = app.test_cli_runner().invoke(args=["scheduler", "run"])

    assert result.exit_code == 0, result.output
    assert f"Planificateur démarré (processus-planificateur) : {len(JOBS)} tâches." in result.output
    assert seen["jobs"] == set(JOBS_BY_ID) | {"requested_runs", "heartbeat"}
    assert seen["holder"] == "processus-planificateur"
    db.session.expire_all()
    assert db.session.get(SchedulerLock, "scheduler") is None  # released on the way out


def test_flask_scheduler_run_waits_while_another_scheduler_holds_the_lock(app, monkeypatch, travel):
    import app.scheduler.cli as scheduler_module

    travel(paris(2026, 11, 23, 7, 0))
    LeaseLock("le-premier").acquire()

    def time_passes(seconds):
        travel(utcnow() + timedelta(seconds=seconds))

    started = []
    monkeypatch.setattr(scheduler_module.time, "sleep", time_passes)
    monkeypatch.setattr(scheduler_module, "build_scheduler", lambda *args: started.append(utcnow()) or _Stopped())
    monkeypatch.setattr(scheduler_module, "make_lock", lambda: LeaseLock("le-second"))

    result = app.test_cli_runner().invoke(args=["scheduler", "run", "--retry-seconds", "30"])

    assert "Un autre planificateur tourne" in result.output
    # The first one stopped renewing its lease at 07:00: the second takes over once it expires.
    assert started == [paris(2026, 11, 23, 7, 2, 30)]


class _Stopped:
    running = False

    def start(self):
        pass


def test_a_run_cut_short_by_a_crash_is_resumed_without_sending_twice(travel, manual_scheduler):
    from app.scheduler.runner import close_interrupted_runs

    travel(paris(2026, 11, 23, 7, 30))
    served, waiting = _seed_adviser_with_work(date(2026, 11, 23)), _seed_adviser_with_work(date(2026, 11, 23))
    # The crashed process had committed a first batch (served) and left its run "running".
    claim_sends("morning_digest", "2026-11-23", [served.id])
    db.session.add(
        JobRun(
            job_id="morning_digest",
            trigger=JobRunTrigger.SCHEDULE,
            status=JobRunStatus.RUNNING,
            scheduled_for=paris(2026, 11, 23, 7, 30),
            started_at=utcnow(),
        )
    )
    db.session.commit()
    travel(paris(2026, 11, 23, 7, 45))

    assert close_interrupted_runs() == 1
    manual_scheduler().run_pending()

    [interrupted, resumed] = _runs("morning_digest")
    assert interrupted.status is JobRunStatus.FAILED and "Interrompue" in interrupted.error
    assert resumed.trigger is JobRunTrigger.CATCH_UP and resumed.counts["deja_envoyes"] == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.recipient_id == waiting.id)
        )
        == 1
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.recipient_id == served.id)
        )
        == 0
    )
