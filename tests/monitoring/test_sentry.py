"""Sentry, when SENTRY_DSN is set: the unhandled errors, tagged with the request id, no personal data."""

import sentry_sdk
from sentry_sdk.transport import Transport

from app import create_app
from app.extensions import db
from app.main import views as main_views
from app.monitoring import sentry

EVENTS: list[dict] = []
COOKIE = "-".join(["cookie", "du", "navigateur"])  # not in this file's source, which Sentry sends


class Recorder(Transport):
    def capture_envelope(self, envelope):
        EVENTS.extend(item.payload.json for item in envelope.items if item.type == "event")


def test_errors_reach_sentry_with_their_request_id_and_without_personal_data(app, monkeypatch):
    EVENTS.clear()
    init = sentry_sdk.init
    monkeypatch.setattr(sentry.sentry_sdk, "init", lambda **options: init(**options, transport=Recorder))
    watched = None
    try:
        watched = create_app(
            "testing",
            {
                **{key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")},
                "SENTRY_DSN": "https://cle@sentry.example.org/1",
            },
        )
        options = sentry_sdk.get_client().options
        assert options["data_collection"]["user_info"] is False and options["data_collection"]["http_bodies"] == []

        def broken():
            raise RuntimeError("cassé")

        monkeypatch.setattr(main_views, "database_is_reachable", broken)
        response = watched.test_client().get("/sante", headers={"Cookie": f"relais_session={COOKIE}"})
        assert response.status_code == 500
        sentry_sdk.flush()
        [event] = [event for event in EVENTS if event.get("exception")]
        assert event["tags"]["request_id"] == response.headers["X-Request-ID"]
        assert COOKIE not in str(event) and "user" not in event
    finally:
        sentry_sdk.init()  # no DSN: Sentry off again for the other tests
        if watched is not None:
            # The error report was written on this app's own pool: close it now, not whenever the
            # garbage collector finds it (a ResourceWarning in some later test).
            with watched.app_context():
                db.engine.dispose()
