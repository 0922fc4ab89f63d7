"""Request ids and log lines: JSON in production, text in development, each record with its request."""

import io
import json
import logging

import pytest

from app.main import views as main_views
from app.monitoring.request_log import configure_logging


@pytest.fixture
def log_lines(app, monkeypatch):
    """The lines the app's log handler writes, in the given format."""

    def _capture(fmt: str) -> io.StringIO:
        monkeypatch.setitem(app.config, "LOG_FORMAT", fmt)
        configure_logging(app)
        [handler] = [handler for handler in logging.getLogger().handlers if handler.name == "relais"]
        stream = io.StringIO()
        handler.setStream(stream)
        return stream

    yield _capture
    configure_logging(app)  # back to the configured format, on stderr


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/sante"), client.get("/sante")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_the_proxy_s_request_id_is_kept_only_from_a_trusted_proxy_and_when_sane(client, app, monkeypatch):
    assert client.get("/sante", headers={"X-Request-ID": "nginx-0123456789abcdef"}).headers["X-Request-ID"] != (
        "nginx-0123456789abcdef"
    )
    monkeypatch.setitem(app.config, "TRUSTED_PROXY_HOPS", 1)
    assert client.get("/sante", headers={"X-Request-ID": "nginx-0123456789abcdef"}).headers["X-Request-ID"] == (
        "nginx-0123456789abcdef"
    )
    for insane in ("court", "a" * 65, "id avec espace 12345", "<script>alert(1)</script>"):
        assert client.get("/sante", headers={"X-Request-ID": insane}).headers["X-Request-ID"] != insane


def test_json_lines_tell_time_level_request_user_route_status_and_duration(client, log_lines, login):
    from tests.factories import UserFactory

    stream = log_lines("json")
    user = UserFactory()
    login(user)
    response = client.get("/")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [line] = [line for line in lines if line["request_id"] == response.headers["X-Request-ID"]]
    assert line["level"] == "INFO" and line["time"].startswith("20")
    assert line["user_id"] == user.id and line["route"] == "GET /"
    assert line["status"] == 200 and line["duration_ms"] >= 0


def test_an_unhandled_error_is_logged_with_its_request_id(client, log_lines, monkeypatch):
    stream = log_lines("json")

    def broken():
        logging.getLogger("app.somewhere").warning("juste avant")
        raise RuntimeError("cassé")

    monkeypatch.setattr(main_views, "database_is_reachable", broken)
    response = client.get("/sante")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert reference in response.get_data(as_text=True)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["request_id"] == reference]
    # Every record of the request carries its id: the view's own, the error, the request line.
    assert [line["message"] for line in mine][0] == "juste avant"
    [error] = [line for line in mine if line["level"] == "ERROR"]
    assert "RuntimeError" in error["exc_info"] and error["route"] == "GET /sante"
    assert mine[-1]["status"] == 500


def test_plain_text_in_development(client, log_lines):
    stream = log_lines("text")
    response = client.get("/sante")
    [line] = [line for line in stream.getvalue().splitlines() if response.headers["X-Request-ID"] in line]
    assert line.endswith(" ms") and "INFO relais.requests" in line and "GET /sante 200" in line
