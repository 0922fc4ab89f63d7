"""Committee meetings (their figures frozen as the service would), actions, report recipients."""

from datetime import timedelta

import factory

from app.committees.enums import ActionStatus
from app.committees.models import CommitteeAction, CommitteeMeeting
from app.committees.snapshots import take_snapshot
from app.notifications.report_recipients import ReportRecipient
from app.timeutils import today_paris
from tests.factories.base import BaseFactory
from tests.factories.referential import seeded_basin


class CommitteeMeetingFactory(BaseFactory):
    class Meta:
        model = CommitteeMeeting

    basin = factory.LazyFunction(seeded_basin)
    # One meeting a day per basin: each factory meeting a day earlier than the previous one.
    held_on = factory.Sequence(lambda n: today_paris() - timedelta(days=n))
    attendees = factory.LazyFunction(lambda: ["France Travail", "Mission locale"])
    snapshot = factory.LazyAttribute(lambda meeting: take_snapshot(meeting.basin.id, meeting.held_on))


class CommitteeActionFactory(BaseFactory):
    class Meta:
        model = CommitteeAction

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    decision = factory.Sequence(lambda n: f"Décision {n}")
    owner_organisation = "Région"
    status = ActionStatus.OPEN


class ReportRecipientFactory(BaseFactory):
    class Meta:
        model = ReportRecipient

    basin = factory.LazyFunction(seeded_basin)
    full_name = factory.Sequence(lambda n: f"Coprésident {n}")
    email = factory.Sequence(lambda n: f"copresident{n}@exemple.fr")
