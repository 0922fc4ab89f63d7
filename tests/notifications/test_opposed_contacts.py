"""A contact person opposed to being contacted is never e-mailed by any job: every job that
queues e-mails (app/scheduler/registry.py) is run here on employers whose contact is opposed."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.monitoring.models import ErrorReport
from app.monitoring.tasks import send_error_alerts
from app.needs.enums import NeedStatus
from app.notifications.basin_reports import send_basin_reports
from app.notifications.models import OutboxEmail
from app.notifications.reports import send_monthly_reports
from app.notifications.tasks import escalate_overdue_follow_ups, flag_stale_needs, send_morning_digests
from app.scheduler.registry import JOBS
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import (
    AssignmentFactory,
    EmployerContactFactory,
    EmployerFactory,
    FollowUpFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    ReportRecipientFactory,
    UserFactory,
)

OPPOSED = "opposee@employeur.fr"
EMAILING_JOBS = {
    "morning_digest",
    "escalation",
    "stale_needs",
    "monthly_report",
    "basin_reports",
    "error_alerts",
    "survey_reminders",
}


def _opposed_employer():
    employer = EmployerFactory()
    contact = EmployerContactFactory(employer=employer, email=OPPOSED, is_opposed_to_contact=True)
    InteractionFactory(employer=employer, contact=contact)
    return employer


def _addresses() -> list[str]:
    return list(db.session.scalars(sa.select(OutboxEmail.to_address)))


def test_the_emailing_jobs_are_the_ones_checked_here():
    # A new job that queues e-mails must be added below.
    # webhooks: its e-mail (a paused subscription) goes to the admins only, never to an employer's contact.
    # territory_averages: computes the dashboard's averages, sends nothing.
    assert {job.id for job in JOBS} - EMAILING_JOBS == {"retention", "outbox", "webhooks", "territory_averages"}


def test_the_morning_digest(travel):
    travel(paris(2026, 11, 23, 7, 30))
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, employer=_opposed_employer(), due_on=date(2026, 11, 23))
    assert send_morning_digests(utcnow())["courriels"] == 1
    assert _addresses() == [adviser.email]


def test_the_escalation(travel):
    travel(paris(2026, 11, 23, 8, 0))
    lead = UserFactory(lead=True)
    FollowUpFactory(owner=UserFactory(), employer=_opposed_employer(), due_on=date(2026, 11, 10))
    assert escalate_overdue_follow_ups(utcnow())["pilotes_prevenus"] == 1
    assert _addresses() == [lead.email]


def test_the_stale_needs(travel):
    adviser = UserFactory()
    travel(paris(2026, 10, 20, 10, 0))
    need = RecruitmentNeedFactory(employer=_opposed_employer())
    AssignmentFactory(employer=need.employer, adviser=adviser)
    travel(paris(2026, 11, 23, 8, 30))
    assert flag_stale_needs(utcnow())["destinataires"] == 1
    assert OPPOSED not in _addresses() and _addresses() == [adviser.email]


def test_the_monthly_report(travel):
    manager = UserFactory(manager=True)
    travel(paris(2026, 10, 5, 10, 0))
    employer = _opposed_employer()
    RecruitmentNeedFactory(employer=employer, status=NeedStatus.NOT_FILLED, closed_on=date(2026, 10, 12))
    travel(paris(2026, 11, 1, 6, 0))
    assert send_monthly_reports(utcnow())["rapports"] >= 1
    assert manager.email in _addresses() and OPPOSED not in _addresses()


def test_the_error_alerts(travel):
    travel(paris(2026, 11, 23, 10, 0))
    admin = UserFactory(admin=True)
    _opposed_employer()
    db.session.add(
        ErrorReport(
            fingerprint="f" * 64,
            exception_type="builtins.ValueError",
            location="app/employers/views.py, in detail",
            traceback="",
            first_seen_at=utcnow(),
            last_seen_at=utcnow(),
            occurrences=1,
        )
    )
    db.session.flush()
    assert send_error_alerts(utcnow())["courriels"] >= 1
    assert admin.email in _addresses() and OPPOSED not in _addresses()


def test_the_survey_reminders(travel):
    from app.aftercare.tasks import remind_unanswered_surveys
    from tests.factories import EmployerSurveyFactory

    travel(paris(2026, 11, 2, 10, 0))
    employer = _opposed_employer()
    survey = EmployerSurveyFactory(
        need=RecruitmentNeedFactory(employer=employer, filled=True), contact=employer.contacts[0]
    )
    travel(paris(2026, 11, 10, 10, 0))
    assert remind_unanswered_surveys(utcnow()) == {"relances_enquete": 0}
    assert survey.reminded_at is None and OPPOSED not in _addresses()


def test_the_basin_reports_go_to_the_co_chairs_only(travel):
    travel(paris(2026, 10, 5, 10, 0))
    employer = _opposed_employer()
    RecruitmentNeedFactory(employer=employer, status=NeedStatus.NOT_FILLED, closed_on=date(2026, 10, 12))
    ReportRecipientFactory(basin=employer.basin, email="copresident@region.fr")
    travel(paris(2026, 11, 1, 6, 15))
    assert send_basin_reports(utcnow()) == {"destinataires": 1}
    assert _addresses() == ["copresident@region.fr"]
