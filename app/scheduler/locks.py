"""One scheduler at a time: a database lock that a second ``flask scheduler run`` waits for.

PostgreSQL: a session advisory lock held by a dedicated connection, released by the server if
the process dies; a holder that stops renewing its lease row (stopped, not dead) has that
connection ended by the scheduler waiting for the lock. SQLite: a lease row renewed by a
heartbeat, taken over once it expires.
"""

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.dialects import is_postgresql
from app.extensions import db
from app.scheduler.models import SchedulerLock
from app.timeutils import utcnow
from app.transactions import transaction

log = logging.getLogger(__name__)

LOCK_LEASE = timedelta(minutes=2)
LOCK_NAME = "scheduler"
ADVISORY_LOCK_KEY = 7_300_700  # any constant: the key of "the scheduler" among advisory locks
# How long pg_terminate_backend waits for the stale holder's backend to exit (and free the lock).
TERMINATE_WAIT_MS = 5000
HOST = f"{socket.gethostname()}:{os.getpid()}"


def new_holder_name() -> str:
    return f"{HOST}:{uuid.uuid4().hex[:8]}"


class LeaseLock:
    """A lease row: taken when free or expired, renewed by the heartbeat (SQLite)."""

    def __init__(self, holder: str | None = None):
        self.holder = holder or new_holder_name()

    def acquire(self) -> bool:
        now = utcnow()
        table = SchedulerLock.__table__
        with transaction():
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
        return bool(taken)

    def still_held(self) -> bool:
        """Renew the lease; False when another scheduler has taken it."""
        table = SchedulerLock.__table__
        with transaction():
            renewed = db.session.execute(
                table.update()
                .where(table.c.name == LOCK_NAME, table.c.holder == self.holder)
                .values(heartbeat_at=utcnow())
            ).rowcount
        return renewed == 1

    def release(self) -> None:
        table = SchedulerLock.__table__
        with transaction():
            db.session.execute(table.delete().where(table.c.name == LOCK_NAME, table.c.holder == self.holder))


class AdvisoryLock(LeaseLock):
    """PostgreSQL: a session advisory lock on a connection kept for the scheduler's lifetime.
    The lease row is its pulse: the holder renews it with each heartbeat, and a scheduler
    waiting for the lock ends the holder's connection once the row is older than the lease (a
    stopped process keeps its connection, hence the lock, forever). The row also shows the
    holder on the admin page.

    That connection is not the ORM session's: it commits on its own, since the lock belongs to
    the connection's session and must outlive every job's transaction."""

    def __init__(self, engine: sa.Engine, holder: str | None = None):
        super().__init__(holder)
        self.engine = engine
        self.connection: sa.Connection | None = None
        self._guard = threading.Lock()  # jobs and the heartbeat share the connection

    def acquire(self) -> bool:
        connection = self.engine.connect()
        got = self._try_lock(connection)
        if not got and self._end_stale_holder(connection):
            got = self._try_lock(connection)
        if not got:
            connection.close()
            return False
        self.connection = connection
        table = SchedulerLock.__table__
        now = utcnow()
        with transaction():
            db.session.execute(table.delete().where(table.c.name == LOCK_NAME))
            db.session.execute(
                table.insert().values(name=LOCK_NAME, holder=self.holder, acquired_at=now, heartbeat_at=now)
            )
        return True

    @staticmethod
    def _try_lock(connection: sa.Connection) -> bool:
        got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
        connection.commit()
        return bool(got)

    @staticmethod
    def _end_stale_holder(connection: sa.Connection) -> bool:
        """End the connection of a holder whose lease row has not been renewed for LOCK_LEASE.

        One statement checks the row and ends the backend, so that a holder renewing its lease
        meanwhile keeps it. pg_terminate_backend waits for the backend to exit: its advisory
        lock is free when the statement returns. The holder's own process finds out at its next
        heartbeat (still_held) and stops.
        """
        ended = connection.execute(
            sa.text(
                "SELECT locks.pid, pg_terminate_backend(locks.pid, :wait_ms) FROM pg_locks AS locks"
                " WHERE locks.locktype = 'advisory' AND locks.granted AND locks.objid = :key"
                " AND locks.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND EXISTS (SELECT 1 FROM scheduler_locks"
                " WHERE name = :name AND heartbeat_at < :stale_before)"
            ),
            {
                "key": ADVISORY_LOCK_KEY,
                "wait_ms": TERMINATE_WAIT_MS,
                "name": LOCK_NAME,
                "stale_before": utcnow() - LOCK_LEASE,
            },
        ).all()
        connection.commit()
        for pid, _terminated in ended:
            log.warning(
                "Planificateur sans signe de vie depuis %s : sa connexion (pid %s) est coupée.", LOCK_LEASE, pid
            )
        return any(terminated for _pid, terminated in ended)

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
                # The connection was ended (a waiting scheduler found this one stale, or the
                # server restarted): the lock went with it.
                self.connection.close()
                self.connection = None
                return False
        return bool(held) and super().still_held()

    def release(self) -> None:
        if self.connection is not None:
            with self._guard:
                try:
                    self.connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                    self.connection.commit()
                except DBAPIError:
                    log.warning("Verrou du planificateur déjà perdu : sa connexion avait été coupée.")
                finally:
                    self.connection.close()
                    self.connection = None
        super().release()


def make_lock(holder: str | None = None) -> LeaseLock:
    engine = db.engine
    if is_postgresql(engine):
        return AdvisoryLock(engine, holder)
    return LeaseLock(holder)


def scheduler_status() -> SchedulerLock | None:
    """Who holds the lock, for the admin page (None: no scheduler has been seen lately)."""
    lock = db.session.get(SchedulerLock, LOCK_NAME)
    if lock is None or utcnow() - lock.heartbeat_at > LOCK_LEASE:
        return None
    return lock
