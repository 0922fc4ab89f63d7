"""Prometheus metrics, read by a scraper on the server itself (the `monitoring.metrics` route).

Gunicorn runs several worker processes: each one counts its own requests. With
PROMETHEUS_MULTIPROC_DIR set (before the workers start), prometheus-client keeps the counts of
every process in files of that directory and one scrape adds them up, whichever worker answers.
Without it (development, tests), the counts are those of the process. The figures kept in the
database (job runs, outbox, imports, errors) are read at scrape time by `DatabaseCollector`.
"""

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.monitoring import queries
from app.timeutils import utcnow

# Label values come from the client: an unknown method would make a new series each time.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Not registered globally: each scrape builds its registry (see `exposition`).
REQUESTS = Counter(
    "relais_http_requests_total",
    "Requêtes traitées, par endpoint, méthode et statut",
    ["endpoint", "method", "status"],
    registry=None,
)
REQUEST_SECONDS = Histogram(
    "relais_http_request_duration_seconds",
    "Durée des requêtes, par endpoint et méthode",
    ["endpoint", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=None,
)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "OTHER"
    REQUESTS.labels(endpoint, method, str(status)).inc()
    REQUEST_SECONDS.labels(endpoint, method).observe(seconds)


class DatabaseCollector(Collector):
    """What the database knows, counted when Prometheus asks."""

    def collect(self):
        runs = CounterMetricFamily(
            "relais_job_runs", "Exécutions des tâches planifiées, par tâche et statut", labels=["job", "status"]
        )
        for job_id, status, count in queries.job_run_counts():
            runs.add_metric([job_id, status], count)
        yield runs
        last_success = GaugeMetricFamily(
            "relais_job_last_success_timestamp_seconds",
            "Fin de la dernière exécution réussie, par tâche",
            labels=["job"],
        )
        for job_id, finished_at in queries.last_successful_runs():
            last_success.add_metric([job_id], finished_at.timestamp())
        yield last_success
        backlog = GaugeMetricFamily(
            "relais_outbox_emails", "Courriels de la file d'envoi, par statut", labels=["status"]
        )
        for status, count in queries.outbox_counts():
            backlog.add_metric([status], count)
        yield backlog
        oldest = queries.oldest_pending_email()
        yield GaugeMetricFamily(
            "relais_outbox_oldest_pending_timestamp_seconds",
            "Création du plus ancien courriel en attente (0 : aucun)",
            value=oldest.timestamp() if oldest else 0,
        )
        waiting, oldest_waiting = queries.webhook_backlog()
        yield GaugeMetricFamily(
            "relais_webhook_deliveries_pending", "Livraisons de webhooks en attente d'envoi", value=waiting
        )
        yield GaugeMetricFamily(
            "relais_webhook_oldest_pending_age_seconds",
            "Âge de la plus ancienne livraison de webhook en attente, en secondes (0 : aucune)",
            value=(utcnow() - oldest_waiting).total_seconds() if oldest_waiting else 0,
        )
        rows = CounterMetricFamily(
            "relais_import_rows", "Lignes des imports de tableurs, par issue", labels=["outcome"]
        )
        imported, rejected = queries.import_row_totals()
        rows.add_metric(["imported"], imported)
        rows.add_metric(["rejected"], rejected)
        yield rows
        yield CounterMetricFamily(
            "relais_unhandled_errors", "Erreurs non gérées enregistrées", value=queries.unhandled_error_total()
        )


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(REQUEST_SECONDS)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
