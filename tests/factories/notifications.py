"""Monthly reports and e-mails waiting in the outbox."""

import factory

from app.notifications.models import MonthlyReport, Notification, OutboxEmail
from app.timeutils import today_paris
from tests.factories.auth import UserFactory
from tests.factories.base import BaseFactory


class MonthlyReportFactory(BaseFactory):
    class Meta:
        model = MonthlyReport

    manager = factory.SubFactory(UserFactory, manager=True)
    month = factory.LazyFunction(lambda: today_paris().replace(day=1))
    basin_names = factory.LazyFunction(lambda: ["Saint-Nazaire"])
    figures = factory.LazyFunction(
        lambda: {
            "employers_created": 0,
            "employers_contacted": 0,
            "interactions": {},
            "interactions_total": 0,
            "follow_ups_done": 0,
            "needs_identified": 0,
            "positions_identified": 0,
            "needs_closed": {},
            "needs_filled": 0,
            "positions_filled": 0,
            "fill_rate": None,
            "days_to_fill": None,
            "employers_with_contact": 0,
            "events_held": 0,
            "event_candidates": 0,
            "event_hires": 0,
            "plans": [],
        }
    )


class OutboxEmailFactory(BaseFactory):
    class Meta:
        model = OutboxEmail

    to_address = factory.Sequence(lambda n: f"destinataire{n}@exemple.fr")
    subject = "Votre point du jour"
    body_text = "Bonjour"


class NotificationFactory(BaseFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "contact_logged"
    message = "Un collègue a noté un échange avec une entreprise de votre portefeuille."
    link = "/notifications"
