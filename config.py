"""Configuration classes, read from the environment."""

import math
import os
from collections import Counter
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"
MIN_SECRET_KEY_LENGTH = 32
# A random key of 32 hexadecimal digits or more has about 3.4 to 4 bits per character; "a"×32
# has 0, "abab…" 1. Three bits means at least 8 different characters, evenly used.
MIN_SECRET_KEY_BITS_PER_CHARACTER = 3.0


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / name}"


def bits_per_character(text: str) -> float:
    """Shannon entropy of the text's character frequencies, in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values()) if text else 0.0


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("relais.db")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # A streaming replica (hot standby) of the PostgreSQL primary: the reads that tolerate a few
    # seconds of lag (dashboards, lists, search, exports) go there (app/replica.py). Empty: none.
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")

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
    # A browser where the owner logged in before escapes the two rules above (app/auth/devices.py);
    # only its own failures lock it.
    LOGIN_MAX_FAILURES_PER_DEVICE = 5
    KNOWN_DEVICE_LIFETIME = timedelta(days=180)

    # How many reverse proxies in front of the app append to X-Forwarded-For (1 behind one
    # nginx). 0 trusts none: the header is then only what the client wrote, and is ignored.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    # The dashboard's figures are kept this many seconds per scope and period (app/dashboard/page_figures.py):
    # they may lag that much behind the database, and the page says when they were computed. 0: never kept.
    DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
    # Where (Flask-Caching): each process's memory by default; Redis in production, shared by every
    # web worker and server, so that a scope's figures are computed once a minute, not once per process.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "redis://127.0.0.1:6379/1")
    CACHE_KEY_PREFIX = "relais:"

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

    # ProConnect (app/auth/proconnect.py): the button shows only when all three are set. The
    # issuer is the base URL of the discovery document (/.well-known/openid-configuration).
    PROCONNECT_ISSUER = os.environ.get("PROCONNECT_ISSUER", "")
    PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
    PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")

    # What the footer's pages say (app/main/templates/main/): who publishes the service, who
    # hosts it, where users write about accessibility or their personal data.
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "contact@relais-entreprises.fr")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "dpd@relais-entreprises.fr")
    LEGAL_PUBLISHER = os.environ.get("LEGAL_PUBLISHER", "Le réseau pour l'emploi, pour le compte de ses opérateurs")
    LEGAL_PUBLICATION_DIRECTOR = os.environ.get("LEGAL_PUBLICATION_DIRECTOR", "La directrice ou le directeur du réseau")
    LEGAL_HOST = os.environ.get("LEGAL_HOST", "Les serveurs du réseau pour l'emploi, en France")

    # Uploads (the spreadsheet import): larger requests get the 413 page before being read.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Where long jobs (a spreadsheet import…) run (app/jobs/queue.py): "worker" processes
    # (`flask jobs work`), a "thread" of the web process (the embedded set-up, no worker to
    # start), or "inline" within the request (the tests, deterministically).
    JOBS_RUNNER = os.environ.get("JOBS_RUNNER", "thread")

    # Monitoring (app/monitoring/): "json" lines in production, "text" for people; Sentry when a
    # DSN is given; the metrics route answers only the listed addresses or networks.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
    METRICS_ALLOWED_IPS = os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1")


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False
    # A webhook may be sent to http://127.0.0.1 (a receiver on the developer's machine); elsewhere https only.
    WEBHOOK_ALLOW_LOCAL_HTTP = True


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
    # Every test sees the figures of its own data; tests/dashboard/test_page_figures.py turns the cache on.
    DASHBOARD_CACHE_SECONDS = 0
    CACHE_TYPE = "SimpleCache"
    JOBS_RUNNER = "inline"
    SENTRY_DSN = ""
    WEBHOOK_ALLOW_LOCAL_HTTP = True


class ProductionConfig(Config):
    HSTS_ENABLED = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    DEMO_SEED_ALLOWED = False
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "RedisCache")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    JOBS_RUNNER = os.environ.get("JOBS_RUNNER", "worker")

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are only fit for a laptop."""
        key = cls.SECRET_KEY
        if (
            key == DEFAULT_SECRET_KEY
            or len(key) < MIN_SECRET_KEY_LENGTH
            or bits_per_character(key) < MIN_SECRET_KEY_BITS_PER_CHARACTER
        ):
            raise RuntimeError(
                "SECRET_KEY doit être une clé aléatoire en production : 32 caractères au moins et "
                "3 bits d'entropie par caractère au moins (8 caractères différents au moins, également "
                'répartis). Générez-en une avec : python -c "import secrets; print(secrets.token_hex(32))"'
            )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL doit être défini en production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
