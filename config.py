"""Configuration classes, read from the environment."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / name}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("relais.db")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Sessions: OWASP ASVS level 2 (V3). Idle and absolute timeouts are checked
    # server-side on every request in app/auth/sessions.py.
    SESSION_COOKIE_NAME = "relais_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which expires itself

    # Argon2id, RFC 9106 "second recommended option" (64 MiB, 3 passes).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # Login throttling, counted in the database so that every worker shares it.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    HSTS_ENABLED = False
    DEMO_SEED_ALLOWED = True
    TIMEZONE = "Europe/Paris"
    ITEMS_PER_PAGE = 25

    # E-mail (app/notifications/mail.py): "smtp" in production, "file" writes each message
    # under instance/outbox/ where admins read it (development and tests).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Relais Entreprises <ne-pas-repondre@relais-entreprises.fr>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")  # starttls | ssl | none
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "30"))
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", "")  # empty: <instance>/outbox
    # Links in e-mails point here (no request to take the host from in the scheduler).
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000")


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("test.db")
    SESSION_COOKIE_SECURE = False
    # Cheap hashes keep the suite fast; production parameters are tested separately.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    HSTS_ENABLED = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    DEMO_SEED_ALLOWED = False
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are only fit for a laptop."""
        if cls.SECRET_KEY == DEFAULT_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY doit être défini (32 caractères au moins) en production.")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL doit être défini en production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
