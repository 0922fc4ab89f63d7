"""Reads that tolerate a few seconds of lag go to a streaming replica of PostgreSQL.

``DATABASE_REPLICA_URL`` names a hot standby (PostgreSQL's own streaming replication). A view
marked ``@replica_reads`` (a dashboard, a list, a search, an export) runs its SELECTs there,
when it answers a GET. Everything else stays on the primary: the request's hooks (the user and
their session are read before the view), every write and every read after a write in the same
unit of work (read-your-writes), ``SELECT … FOR UPDATE``, every POST, every job and command.
Without the setting, everything reads the primary, as before.
"""

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, request
from flask_sqlalchemy.session import Session

from app.write_intent import SAFE_METHODS

_replica_reads = ContextVar("replica_reads", default=False)
EXTENSION_KEY = "relais_replica_engine"


def init_app(app: Flask) -> None:
    url = app.config.get("DATABASE_REPLICA_URL")
    if url:
        from app.extensions import configure_postgresql  # app.extensions imports this module's session

        engine = sa.create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        if engine.dialect.name == "postgresql":
            configure_postgresql(engine)
        app.extensions[EXTENSION_KEY] = engine


def replica_engine() -> sa.Engine | None:
    return current_app.extensions.get(EXTENSION_KEY) if has_app_context() else None


def replica_reads(view: Callable) -> Callable:
    """Mark a view whose reads may lag a few seconds behind the primary."""

    @wraps(view)
    def tolerant_view(*args, **kwargs):
        if request.method not in SAFE_METHODS:
            return view(*args, **kwargs)
        token = _replica_reads.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _replica_reads.reset(token)

    return tolerant_view


def _is_plain_read(clause) -> bool:
    return isinstance(clause, sa.Select | sa.CompoundSelect) and getattr(clause, "_for_update_arg", None) is None


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, which sends a replica-tolerant view's plain reads to the replica."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and _replica_reads.get():
            if clause is not None and not _is_plain_read(clause):
                self.info["wrote"] = True
            elif not self._flushing and not self.info.get("wrote") and (engine := replica_engine()) is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@sa.event.listens_for(RoutingSession, "after_flush")
def _read_own_writes(session, flush_context) -> None:
    # Whatever this unit of work wrote is on the primary only: read it there from now on.
    session.info["wrote"] = True
