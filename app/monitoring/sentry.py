"""Optional: errors also sent to Sentry when SENTRY_DSN is set."""

import sentry_sdk
from flask import Flask
from sentry_sdk.integrations.flask import FlaskIntegration


def init_sentry(app: Flask, environment: str) -> None:
    if not app.config["SENTRY_DSN"]:
        return
    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        integrations=[FlaskIntegration()],
        environment=environment,
        # No personal data leaves: no user, cookie, body, query string or local variable.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        traces_sample_rate=0,
    )
