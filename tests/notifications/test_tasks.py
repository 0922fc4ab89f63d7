from datetime import date

import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.extensions import db
from app.needs.enums import NeedStatus
from app.notifications.enums import EmailStatus
from app.notifications.models import MonthlyReport, Notification, OutboxEmail
from app.notifications.reports import send_monthly_reports
from app.notifications.tasks import enforce_retention, escalate_overdue_follow_ups, flag_stale_needs
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    EventFactory,
    EventParticipantFactory,
    FollowUpFactory,
    InteractionFactory,
    OutboxEmailFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)


def _emails_to(user):
    return db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id)).all()


# --- Escalation ---


def test_follow_ups_overdue_by_more_than_7_days_go_to_the_basins_leads(travel):
    travel(paris(2026, 11, 23, 8, 0))
    lead = UserFactory(lead=True)
    other_basin_lead = UserFactory(lead=True, basins=[seeded_basin("5211")])
    adviser = UserFactory(full_name="Camille Conseillère")
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 15), title="Huit jours de retard")
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 16), title="Sept jours de retard")
    FollowUpFactory(
        owner=adviser, due_on=date(2026, 11, 1), title="Faite", status=FollowUpStatus.DONE, done_at=utcnow()
    )

    counts = escalate_overdue_follow_ups(utcnow())

    assert counts["relances_en_retard"] == 1 and counts["pilotes_prevenus"] == 1
    [email] = _emails_to(lead)
    assert "Huit jours de retard" in email.body_text and "Camille Conseillère" in email.body_text
    assert "Sept jours de retard" not in email.body_text and "Faite" not in email.body_text
    assert _emails_to(other_basin_lead) == []
    assert escalate_overdue_follow_ups(utcnow())["pilotes_prevenus"] == 0
    assert len(_emails_to(lead)) == 1


def test_employers_of_a_deactivated_privileged_contact_go_back_to_the_queue(travel):
    travel(paris(2026, 11, 23, 8, 0))
    departed = UserFactory()
    assignment = AssignmentFactory(adviser=departed)
    kept = AssignmentFactory()
    departed.is_active = False
    db.session.flush()

    assert escalate_overdue_follow_ups(utcnow())["entreprises_reattribuees"] == 1

    db.session.expire_all()
    assert assignment.ended_at == utcnow()
    assert "file d'attribution" in assignment.end_reason
    assert kept.ended_at is None
    assert escalate_overdue_follow_ups(utcnow())["entreprises_reattribuees"] == 0


# --- Stale needs ---


def test_needs_quiet_for_30_days_go_to_the_privileged_contact_and_after_60_to_the_lead(travel):
    lead = UserFactory(lead=True)
    adviser = UserFactory()
    travel(paris(2026, 9, 20, 10, 0))
    very_quiet = RecruitmentNeedFactory(title="Soixante jours sans nouvelles")
    travel(paris(2026, 10, 20, 10, 0))
    quiet = RecruitmentNeedFactory(title="Trente jours sans nouvelles")
    recently_called = RecruitmentNeedFactory(title="Employeur appelé récemment")
    closed = RecruitmentNeedFactory(title="Besoin pourvu", filled=True, closed_on=date(2026, 10, 20))
    travel(paris(2026, 10, 28, 10, 0))
    lively = RecruitmentNeedFactory(title="Besoin récent")
    for need in (very_quiet, quiet, recently_called, closed, lively):
        AssignmentFactory(employer=need.employer, adviser=adviser)
    travel(paris(2026, 11, 13, 10, 0))
    InteractionFactory(employer=recently_called.employer, author=adviser)
    travel(paris(2026, 11, 23, 8, 30))

    counts = flag_stale_needs(utcnow())

    assert counts == {"besoins_sans_activite": 2, "destinataires": 2}
    [to_adviser] = _emails_to(adviser)
    assert "Soixante jours" in to_adviser.body_text and "Trente jours" in to_adviser.body_text
    for absent in ("appelé récemment", "pourvu", "récent"):
        assert absent not in to_adviser.body_text
    [to_lead] = _emails_to(lead)
    assert "Soixante jours" in to_lead.body_text and "Trente jours" not in to_lead.body_text
    # Weekly: the same week sends nothing more.
    assert flag_stale_needs(utcnow())["destinataires"] == 0


# --- Monthly report ---


def test_each_manager_gets_last_months_figures_in_the_app_and_attached(travel, client, login):
    manager = UserFactory(manager=True)
    other_manager = UserFactory(manager=True, basins=[seeded_basin("5211")])
    adviser = UserFactory()
    travel(paris(2026, 10, 5, 10, 0))
    employer = EmployerFactory()
    InteractionFactory(employer=employer, author=adviser)
    InteractionFactory(employer=employer, author=adviser)
    RecruitmentNeedFactory(
        filled=True, employer=employer, identified_on=date(2026, 9, 20), closed_on=date(2026, 10, 10), positions=2
    )
    RecruitmentNeedFactory(employer=employer, status=NeedStatus.NOT_FILLED, closed_on=date(2026, 10, 12))
    event = EventFactory(held=True, starts_at=utcnow(), candidates_attended=12)
    EventParticipantFactory(event=event, employer=employer, positions_offered=4, interviews=6, hires=3)
    travel(paris(2026, 11, 1, 6, 0))
    InteractionFactory(employer=employer, author=adviser)  # November: not in October's report

    assert send_monthly_reports(utcnow()) == {"rapports": 2, "deja_envoyes": 0}
    assert send_monthly_reports(utcnow()) == {"rapports": 0, "deja_envoyes": 2}

    report = db.session.scalar(sa.select(MonthlyReport).where(MonthlyReport.manager_id == manager.id))
    assert report.month == date(2026, 10, 1)
    figures = report.figures
    assert figures["employers_contacted"] == 1 and figures["interactions_total"] == 2
    assert figures["needs_filled"] == 1 and figures["positions_filled"] == 2
    assert figures["fill_rate"] == 50 and figures["days_to_fill"] == 20
    assert (figures["events_held"], figures["event_candidates"], figures["event_hires"]) == (1, 12, 3)
    [email] = _emails_to(manager)
    assert email.attachment_name == "point-avancement-2026-10.html"
    assert "Taux de pourvoi" in email.attachment_html and "50\xa0%" in email.attachment_html
    assert "20 jours" in email.attachment_html
    other = db.session.scalar(sa.select(MonthlyReport).where(MonthlyReport.manager_id == other_manager.id))
    assert other.figures["interactions_total"] == 0
    assert (
        db.session.scalar(
            sa.select(Notification.link).where(
                Notification.recipient_id == manager.id, Notification.kind == "monthly_report"
            )
        )
        == f"/rapports-mensuels/{report.id}"
    )

    login(manager)
    page = client.get(f"/rapports-mensuels/{report.id}")
    assert page.status_code == 200 and "octobre 2026" in page.get_data(as_text=True)
    assert client.get(f"/rapports-mensuels/{other.id}").status_code == 404
    assert "octobre 2026" in client.get("/rapports-mensuels").get_data(as_text=True).lower()


# --- Retention ---


def test_old_sent_emails_are_deleted_by_the_monthly_retention_run(travel):
    travel(paris(2026, 8, 1, 7, 30))
    old_sent = OutboxEmailFactory(status=EmailStatus.SENT, sent_at=utcnow())
    old_pending = OutboxEmailFactory()
    travel(paris(2026, 11, 1, 3, 0))
    recent_sent = OutboxEmailFactory(status=EmailStatus.SENT, sent_at=utcnow())

    assert enforce_retention(utcnow())["courriels_supprimes"] == 1

    remaining = set(db.session.scalars(sa.select(OutboxEmail.id)))
    assert old_sent.id not in remaining and {old_pending.id, recent_sent.id} <= remaining
