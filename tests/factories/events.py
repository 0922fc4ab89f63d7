"""Job datings and other events, and the employers taking part."""

from datetime import timedelta

import factory

from app.events.enums import EventKind, EventStatus
from app.events.models import Event, EventParticipant
from app.timeutils import utcnow
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory
from tests.factories.referential import seeded_basin


class EventFactory(BaseFactory):
    class Meta:
        model = Event

    basin = factory.LazyFunction(seeded_basin)
    kind = EventKind.JOB_DATING
    title = factory.Sequence(lambda n: f"Job dating {n}")
    starts_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    place = "Salle des fêtes, Saint-Nazaire"
    capacity = 50

    class Params:
        # Marked "réalisé": only an event that has started can be (events.services.update_event).
        held = factory.Trait(
            status=EventStatus.HELD,
            starts_at=factory.LazyFunction(lambda: utcnow() - timedelta(days=3)),
        )


class EventParticipantFactory(BaseFactory):
    class Meta:
        model = EventParticipant

    event = factory.SubFactory(EventFactory)
    employer = factory.SubFactory(EmployerFactory)
    positions_offered = 2
