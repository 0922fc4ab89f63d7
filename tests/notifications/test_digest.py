from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.extensions import db
from app.notifications.mail import deliver_outbox
from app.notifications.models import Notification, OutboxEmail, SentItem
from app.notifications.services import notify
from app.notifications.tasks import DIGEST_JOB, send_morning_digests
from app.notifications.workdays import is_working_day, public_holidays
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import (
    FollowUpFactory,
    InteractionFactory,
    PlanEmployerFactory,
    ProspectionPlanFactory,
    UserFactory,
)

MONDAY = paris(2026, 11, 23, 7, 30)


def _emails_to(user):
    return db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.recipient_id == user.id)).all()


def _digests_of(user):
    return db.session.scalars(
        sa.select(Notification).where(Notification.recipient_id == user.id, Notification.kind == "digest")
    ).all()


def test_digest_carries_due_overdue_unread_and_plan_targets(travel):
    travel(MONDAY)
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 23), title="Appeler pour le CDI")
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 10), title="Relancer la gérante")
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 24), title="Demain : pas dans le point")
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 2), status=FollowUpStatus.DONE, done_at=utcnow())
    notify(adviser, "contact_logged", "Une collègue a contacté la Boulangerie Martin.")
    plan = ProspectionPlanFactory(starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31))
    target = PlanEmployerFactory(plan=plan, adviser=adviser)
    contacted = PlanEmployerFactory(plan=plan, adviser=adviser)
    InteractionFactory(employer=contacted.employer, occurred_on=date(2026, 11, 5))

    counts = send_morning_digests(utcnow())

    assert counts["destinataires"] == 1 and counts["courriels"] == 1
    [notification] = _digests_of(adviser)
    assert notification.message == (
        "Votre point du jour : 1 relance du jour, 1 relance en retard, "
        "1 entreprise du plan à contacter, 1 notification non lue."
    )
    [email] = _emails_to(adviser)
    assert email.to_address == adviser.email
    assert "Appeler pour le CDI" in email.body_text and "Relancer la gérante" in email.body_text
    assert "Demain" not in email.body_text
    assert target.employer.name in email.body_text and contacted.employer.name not in email.body_text
    assert "Une collègue a contacté la Boulangerie Martin." in email.body_text
    assert f"/entreprises/{target.employer.siret}" in email.body_html


def test_nobody_gets_an_empty_digest(travel):
    travel(MONDAY)
    idle = UserFactory()
    FollowUpFactory(owner=idle, due_on=date(2026, 11, 30))

    counts = send_morning_digests(utcnow())

    assert counts["sans_objet"] >= 1
    assert _emails_to(idle) == [] and _digests_of(idle) == []
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(SentItem).where(SentItem.recipient_id == idle.id)) == 0
    )


def test_the_email_copy_is_the_users_choice_the_in_app_digest_is_not(travel):
    travel(MONDAY)
    adviser = UserFactory(wants_email_digest=False)
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 23))

    send_morning_digests(utcnow())

    assert len(_digests_of(adviser)) == 1
    assert _emails_to(adviser) == []


def test_a_second_run_the_same_day_sends_nothing_more(travel):
    travel(MONDAY)
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 23))

    send_morning_digests(utcnow())
    travel(paris(2026, 11, 23, 11, 0))
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 23))
    again = send_morning_digests(utcnow())

    assert again["deja_envoyes"] == 1 and again["destinataires"] == 0
    assert len(_emails_to(adviser)) == 1 and len(_digests_of(adviser)) == 1
    travel(paris(2026, 11, 24, 7, 30))
    send_morning_digests(utcnow())
    assert len(_emails_to(adviser)) == 2
    assert db.session.scalars(
        sa.select(SentItem.period_key).where(SentItem.job_id == DIGEST_JOB, SentItem.recipient_id == adviser.id)
    ).all() == ["2026-11-23", "2026-11-24"]


@pytest.mark.parametrize(
    "day",
    [paris(2026, 11, 21, 7, 30), paris(2026, 11, 22, 7, 30), paris(2026, 12, 25, 7, 30), paris(2026, 5, 14, 7, 30)],
    ids=["saturday", "sunday", "christmas", "ascension"],
)
def test_no_digest_on_weekends_and_public_holidays(travel, day):
    travel(day)
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=day.date())

    counts = send_morning_digests(utcnow())

    assert counts["jour_non_ouvre"] == 1
    assert _emails_to(adviser) == []


def test_french_public_holidays():
    assert public_holidays(2027) >= {date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17), date(2027, 11, 11)}
    assert not is_working_day(date(2026, 4, 6))  # lundi de Pâques
    assert is_working_day(date(2026, 4, 7))


def test_inactive_users_and_spotters_get_no_digest(travel):
    travel(MONDAY)
    gone = UserFactory(is_active=False)
    spotter = UserFactory(spotter=True)
    for user in (gone, spotter):
        FollowUpFactory(owner=user, due_on=date(2026, 11, 23))

    send_morning_digests(utcnow())

    assert _emails_to(gone) == [] and _emails_to(spotter) == []


def test_the_digest_email_goes_out_through_the_outbox(travel, outbox_dir):
    travel(MONDAY)
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 23), title="Rappeler Mme Durand")
    send_morning_digests(utcnow())

    assert deliver_outbox(utcnow()) == {"sent": 1, "failed": 0}

    [email] = _emails_to(adviser)
    message = message_from_bytes((outbox_dir / f"{email.id}.eml").read_bytes(), policy=policy.default)
    assert message["To"] == adviser.email
    assert message["Subject"].startswith("Votre point du jour")
    assert "Rappeler Mme Durand" in message.get_body(("plain",)).get_content()


def test_queries_per_batch_do_not_grow_with_advisers(travel, count_queries):
    """A batch costs the same number of queries for 2 advisers or for 10."""
    travel(MONDAY)

    def batch_of(size):
        advisers = UserFactory.create_batch(size)
        for adviser in advisers:
            FollowUpFactory.create_batch(2, owner=adviser, due_on=date(2026, 11, 23) - timedelta(days=adviser.id % 5))
            notify(adviser, "info", "Nouvelle")
        db.session.flush()
        return advisers

    batch_of(2)
    with count_queries() as small:
        send_morning_digests(utcnow(), batch_size=1000)
    travel(paris(2026, 11, 24, 7, 30))
    batch_of(10)
    with count_queries() as large:
        send_morning_digests(utcnow(), batch_size=1000)

    assert len(large) == len(small)
