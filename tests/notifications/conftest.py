"""Helpers for the reminders' tests: a scheduler driven by hand, a temp outbox."""

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler


class ManualScheduler(BaseScheduler):
    """APScheduler's own job processing (misfires, coalescing), run when the test says so,
    in the test's thread (DebugExecutor) and at the test's frozen time."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        pass

    def run_pending(self) -> None:
        self._process_jobs()


@pytest.fixture
def manual_scheduler(app):
    from app.scheduler.runner import build_scheduler

    schedulers = []

    def _build(lock=None):
        scheduler = build_scheduler(app, ManualScheduler, lock, executors={"default": DebugExecutor()})
        scheduler.start()
        schedulers.append(scheduler)
        return scheduler

    yield _build
    for scheduler in schedulers:
        scheduler.shutdown(wait=False)


@pytest.fixture(autouse=True)
def outbox_dir(app, tmp_path, monkeypatch):
    """The file outbox of these tests goes to a temporary directory, not instance/."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    return tmp_path / "outbox"
