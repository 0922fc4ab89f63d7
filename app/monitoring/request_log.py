"""Every request gets an id, echoed in the X-Request-ID response header and carried by every log
record written while it runs; each request ends with one log line (route, status, duration).

The id comes from the reverse proxy when one is trusted (nginx's $request_id), so that its
access log and ours tell of the same request; otherwise the header is the client's own and is
ignored. Logs are JSON lines in production (LOG_FORMAT=json), plain text in development.
"""

import logging
import re
import time
import uuid

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from app.monitoring.metrics import observe_request

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy sends (a UUID, nginx's 32 hex digits): anything else is replaced by our own id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

log = logging.getLogger("relais.requests")


def request_id() -> str | None:
    """This request's id (None outside a request), chosen at its first use."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        from_proxy = request.headers.get(REQUEST_ID_HEADER, "")
        trusted = current_app.config.get("TRUSTED_PROXY_HOPS", 0) > 0
        g.request_id = from_proxy if trusted and SANE_REQUEST_ID.fullmatch(from_proxy) else uuid.uuid4().hex
    return g.request_id


def route() -> str | None:
    """The route as declared (`POST /besoins/<int:need_id>`), not the path: it names no record."""
    if not has_request_context():
        return None
    rule = request.url_rule.rule if request.url_rule is not None else "(aucune route)"
    return f"{request.method} {rule}"


def user_id() -> int | None:
    """The logged-in user's id if this request has loaded them. Read from the identity map, so
    that a log line never queries the database (the user may be expired after the commit)."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    if state is None or state.identity is None:
        return None
    return state.identity[0]


class RequestContext(logging.Filter):
    """Stamps each record with the request's id, route and user (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        record.route = getattr(record, "route", None) or route()
        record.user_id = user_id()
        return True


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, on stderr (gunicorn and systemd collect it)."""
    handler = logging.StreamHandler()
    handler.name = "relais"
    handler.addFilter(RequestContext())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(
            JsonFormatter(
                "{levelname}{name}{message}{request_id}{user_id}{route}",
                style="{",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    # create_app may run more than once in a process (the tests, the CLI): one handler only.
    for previous in [existing for existing in root.handlers if existing.name == "relais"]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response):
        duration = time.perf_counter() - g.get("request_started", time.perf_counter())
        response.headers[REQUEST_ID_HEADER] = request_id()
        endpoint = request.endpoint or "(aucune route)"
        observe_request(endpoint, request.method, response.status_code, duration)
        log.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            duration * 1000,
            extra={"status": response.status_code, "duration_ms": round(duration * 1000, 1)},
        )
        return response
