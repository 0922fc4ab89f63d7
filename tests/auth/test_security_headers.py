import secrets

import pytest

from app import create_app
from config import DEFAULT_SECRET_KEY, ProductionConfig

RANDOM_KEY = secrets.token_hex(32)


def test_every_response_carries_security_headers(client):
    for url in ("/connexion", "/sante", "/page-inexistante"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp
        assert "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_production_adds_hsts(monkeypatch, database_url):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", RANDOM_KEY)
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = create_app("production")
    response = app.test_client().get("/connexion")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_production_refuses_the_default_secret_key(monkeypatch, database_url):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEFAULT_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", database_url)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_database_url(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", RANDOM_KEY)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_health_endpoint_reports_the_database(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_unknown_page_is_a_french_404(client):
    response = client.get("/page-inexistante")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
