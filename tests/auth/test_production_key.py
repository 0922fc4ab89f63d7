"""The production key must be a key: long, and not a few characters repeated."""

import secrets

import pytest

from config import ProductionConfig


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://relais@db/relais")

    def with_key(key: str) -> None:
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)

    return with_key


@pytest.mark.parametrize("key", ["a" * 32, " " * 32, "ab" * 20, "abcd" * 16, "0123" * 10, "azertyu" * 5])
def test_a_low_entropy_key_is_refused_with_the_rule_in_french(production_env, key):
    production_env(key)
    with pytest.raises(RuntimeError, match="3 bits d'entropie par caractère"):
        ProductionConfig.check()


def test_a_short_key_is_still_refused(production_env):
    production_env(secrets.token_urlsafe(16)[:31])
    with pytest.raises(RuntimeError, match="32 caractères"):
        ProductionConfig.check()


@pytest.mark.parametrize("make_key", [lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(32)])
def test_random_keys_are_accepted(production_env, make_key):
    for _ in range(500):
        production_env(make_key())
        ProductionConfig.check()
