import pytest

from app import create_app
from app.extensions import db
from tests.conftest import IsolatedClient


@pytest.fixture
def proxied_app(app, db_connection):
    """The application as deployed behind one HTTPS reverse proxy (TRUSTED_PROXY_HOPS=1),
    working in the test's rolled-back transaction like `app`."""
    proxied = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "TRUSTED_PROXY_HOPS": 1,
        },
    )
    proxied.test_client_class = IsolatedClient
    engines = db._app_engines[proxied]
    engine = engines[None]
    engines[None] = db_connection
    yield proxied
    engines[None] = engine
    engine.dispose()
