"""The readiness probe: the database, Redis when configured, the scheduler's heartbeat."""

from app import create_app
from app.extensions import db
from app.scheduler.locks import LeaseLock
from tests.conftest import paris


def test_liveness_stays_public_and_simple(client):
    assert client.get("/sante").get_json() == {"status": "ok", "database": "ok"}


def test_ready_while_the_scheduler_beats_and_not_once_it_stops(client, travel):
    travel(paris(2026, 12, 1, 9, 0))
    assert LeaseLock().acquire()
    response = client.get("/sante/pret")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "scheduler": "ok"},
        "failed": [],
    }
    travel(paris(2026, 12, 1, 9, 1, 59))
    assert client.get("/sante/pret").status_code == 200
    travel(paris(2026, 12, 1, 9, 3))
    response = client.get("/sante/pret")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["scheduler"] and body["checks"]["scheduler"] == "aucun signe de vie depuis 3 min"


def test_not_ready_before_any_scheduler_ran(client):
    response = client.get("/sante/pret")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"] == "aucun planificateur n'a démarré"


def test_not_ready_when_redis_is_configured_and_unreachable(client, app, monkeypatch):
    assert LeaseLock().acquire()
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")
    response = client.get("/sante/pret")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["redis"]


def test_not_ready_when_the_database_is_unreachable():
    down = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://relais@127.0.0.1:1/relais",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        },
    )
    response = down.test_client().get("/sante/pret")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "erreur",
        "checks": {"database": "injoignable", "scheduler": "inconnu (base injoignable)"},
        "failed": ["database", "scheduler"],
    }
    with down.app_context():
        db.engine.dispose()
