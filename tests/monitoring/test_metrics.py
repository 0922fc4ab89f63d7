"""Prometheus metrics: what they count, and who may read them."""

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.api.webhooks_models import DeliveryStatus, WebhookDelivery, WebhookEvent
from app.employers.enums import ImportRunStatus
from app.employers.models import ImportRun
from app.extensions import db
from app.notifications.models import OutboxEmail
from app.scheduler.enums import JobRunStatus, JobRunTrigger
from app.scheduler.models import JobRun
from app.timeutils import utcnow
from tests.factories import webhook_subscription


def samples(response) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def test_metrics_count_requests_jobs_outbox_and_imports(client):
    client.get("/sante")
    before = samples(client.get("/metrics"))
    key = ("relais_http_requests_total", (("endpoint", "main.health"), ("method", "GET"), ("status", "200")))
    client.get("/sante")
    now = utcnow()
    db.session.add_all(
        [
            ImportRun(
                filename="liste.csv", status=ImportRunStatus.DONE, rows_read=12, rows_imported=10, rows_rejected=2
            ),
            JobRun(
                job_id="retention",
                trigger=JobRunTrigger.SCHEDULE,
                status=JobRunStatus.SUCCEEDED,
                started_at=now,
                finished_at=now,
            ),
            JobRun(
                job_id="retention",
                trigger=JobRunTrigger.SCHEDULE,
                status=JobRunStatus.FAILED,
                started_at=now,
                finished_at=now,
            ),
            OutboxEmail(to_address="a@example.org", subject="Objet", body_text="Texte", created_at=now),
        ]
    )
    db.session.flush()
    response = client.get("/metrics")
    assert response.status_code == 200
    after = samples(response)
    assert after[key] == before[key] + 1
    assert ("relais_http_request_duration_seconds_count", (("endpoint", "main.health"), ("method", "GET"))) in after
    assert after[("relais_import_rows_total", (("outcome", "imported"),))] == 10
    assert after[("relais_import_rows_total", (("outcome", "rejected"),))] == 2
    assert after[("relais_outbox_emails", (("status", "pending"),))] == 1
    assert after[("relais_outbox_oldest_pending_timestamp_seconds", ())] == pytest.approx(now.timestamp(), abs=1)
    assert after[("relais_job_runs_total", (("job", "retention"), ("status", "failed")))] == 1
    assert after[("relais_job_runs_total", (("job", "retention"), ("status", "succeeded")))] == 1
    assert after[("relais_job_last_success_timestamp_seconds", (("job", "retention"),))] == pytest.approx(
        now.timestamp(), abs=1
    )
    assert ("relais_unhandled_errors_total", ()) in after


def test_metrics_are_refused_from_another_address(client, app, monkeypatch):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 403
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_IPS", "127.0.0.1, 10.0.0.0/8")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 403


def test_a_forwarded_address_is_not_trusted_without_a_proxy(client):
    # Without a trusted proxy, X-Forwarded-For is the client's own claim: ignored.
    response = client.get(
        "/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"}, headers={"X-Forwarded-For": "127.0.0.1"}
    )
    assert response.status_code == 403


def test_the_webhook_backlog_counts_the_waiting_deliveries_and_the_oldest_ones_age(client, travel):
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    travel(now)
    empty = samples(client.get("/metrics"))
    assert empty[("relais_webhook_deliveries_pending", ())] == 0
    assert empty[("relais_webhook_oldest_pending_age_seconds", ())] == 0
    subscription = webhook_subscription(is_active=False)

    def delivery(minutes_ago: int, status: DeliveryStatus = DeliveryStatus.PENDING) -> WebhookDelivery:
        at = now - timedelta(minutes=minutes_ago)
        return WebhookDelivery(
            subscription=subscription,
            event_id=f"evt_{minutes_ago}",
            event_type=WebhookEvent.NEED_CREATED,
            occurred_at=at,
            created_at=at,
            data={},
            status=status,
            delivered_at=at if status is DeliveryStatus.DELIVERED else None,
        )

    db.session.add_all([delivery(5), delivery(90), delivery(600, DeliveryStatus.DELIVERED)])
    db.session.flush()
    after = samples(client.get("/metrics"))
    assert after[("relais_webhook_deliveries_pending", ())] == 2
    assert after[("relais_webhook_oldest_pending_age_seconds", ())] == 90 * 60
