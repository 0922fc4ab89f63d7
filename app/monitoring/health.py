"""The readiness checks that are not the database's own (app/main/views.py composes them)."""

from urllib.parse import urlsplit

import redis
import sqlalchemy as sa

from app.monitoring.queries import last_scheduler_heartbeat
from app.timeutils import utcnow

REDIS_TIMEOUT_SECONDS = 2
# The scheduler renews its lock every 30 s (app/scheduler/runner.py): two minutes of silence is
# four missed heartbeats, the lease after which another scheduler may take over.
HEARTBEAT_SILENCE = 120


def is_redis_url(url: str) -> bool:
    return urlsplit(url).scheme in ("redis", "rediss")


def redis_is_reachable(url: str) -> bool:
    try:
        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        with client:
            return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def scheduler_heartbeat() -> str:
    """ "ok" when the scheduler renewed its lock within two minutes, else why not (in French)."""
    try:
        heartbeat = last_scheduler_heartbeat()
    except sa.exc.SQLAlchemyError:
        return "inconnu (base injoignable)"
    if heartbeat is None:
        return "aucun planificateur n'a démarré"
    silence = (utcnow() - heartbeat).total_seconds()
    if silence > HEARTBEAT_SILENCE:
        return f"aucun signe de vie depuis {int(silence // 60)} min"
    return "ok"
