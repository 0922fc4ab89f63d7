"""factory_boy factories for every core model, flushed into the test's transaction: one module per
domain, all importable from here (``from tests.factories import UserFactory``)."""

from tests.factories.activity import FollowUpFactory, InteractionFactory
from tests.factories.aftercare import EmployerSurveyFactory, RetentionCheckFactory
from tests.factories.api import api_credentials, webhook_subscription
from tests.factories.assignments import (
    AssignmentFactory,
    HandoverRequestFactory,
    TaskForceMemberFactory,
    task_force_for,
)
from tests.factories.auth import UserFactory, known_password_hash
from tests.factories.committees import CommitteeActionFactory, CommitteeMeetingFactory, ReportRecipientFactory
from tests.factories.employers import EmployerContactFactory, EmployerFactory, TagFactory, make_siret
from tests.factories.events import EventFactory, EventParticipantFactory
from tests.factories.inclusion import EmployerEngagementFactory, NeedSourcingFactory, closed_need
from tests.factories.leads import LeadFactory, SpotterOrganisationFactory
from tests.factories.needs import (
    RecruitmentNeedFactory,
    ServiceMobilisationFactory,
    ServiceTypeFactory,
    seeded_service_type,
)
from tests.factories.notifications import MonthlyReportFactory, NotificationFactory, OutboxEmailFactory
from tests.factories.plans import PlanEmployerFactory, ProspectionPlanFactory
from tests.factories.referential import (
    BasinFactory,
    CommuneFactory,
    OperatorFactory,
    seeded_basin,
    seeded_operator,
)

__all__ = [
    "EmployerSurveyFactory",
    "RetentionCheckFactory",
    "api_credentials",
    "closed_need",
    "AssignmentFactory",
    "CommitteeActionFactory",
    "CommitteeMeetingFactory",
    "CommuneFactory",
    "BasinFactory",
    "EmployerContactFactory",
    "EmployerEngagementFactory",
    "EmployerFactory",
    "EventFactory",
    "EventParticipantFactory",
    "FollowUpFactory",
    "HandoverRequestFactory",
    "InteractionFactory",
    "LeadFactory",
    "MonthlyReportFactory",
    "ReportRecipientFactory",
    "NotificationFactory",
    "NeedServiceFactory",
    "NeedSourcingFactory",
    "OperatorFactory",
    "OutboxEmailFactory",
    "PlanEmployerFactory",
    "ProspectionPlanFactory",
    "RecruitmentNeedFactory",
    "SpotterOrganisationFactory",
    "TagFactory",
    "TaskForceMemberFactory",
    "UserFactory",
    "known_password_hash",
    "make_siret",
    "seeded_basin",
    "webhook_subscription",
    "seeded_operator",
    "seeded_service_type",
    "ServiceMobilisationFactory",
    "ServiceTypeFactory",
    "task_force_for",
]
