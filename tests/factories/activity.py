"""Contacts with employers and follow-ups."""

import factory

from app.activity.enums import Channel, FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.timeutils import today_paris
from tests.factories.auth import UserFactory
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory


class InteractionFactory(BaseFactory):
    class Meta:
        model = Interaction

    employer = factory.SubFactory(EmployerFactory)
    author = factory.SubFactory(UserFactory)
    occurred_on = factory.LazyFunction(today_paris)
    channel = Channel.PHONE
    subject = "Appel de prise de contact"


class FollowUpFactory(BaseFactory):
    class Meta:
        model = FollowUp

    employer = factory.SubFactory(EmployerFactory)
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(today_paris)
    title = "Rappeler l'employeur"
    status = FollowUpStatus.OPEN
