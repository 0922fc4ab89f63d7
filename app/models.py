"""Imports every model so that the metadata is complete (Alembic, create_app)."""

from app.activity.models import FollowUp, Interaction
from app.aftercare.models import EmployerIntroduction, EmployerSurvey, RetentionCheck
from app.api.models import ApiClient, ApiIdempotencyKey
from app.api.webhooks_models import WebhookDelivery, WebhookSubscription
from app.assignments.models import Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.audit import services as _audit_listeners  # noqa: F401  (registers the trail)
from app.audit.models import AuditEvent
from app.auth.models import LoginAttempt, User
from app.committees.models import CommitteeAction, CommitteeMeeting, NeedEscalation
from app.dashboard import models as _dashboard_indexes  # noqa: F401  (indexes on others' tables)
from app.employers.engagements import EmployerEngagement
from app.employers.models import Employer, EmployerContact, ImportRun, Tag
from app.events.inclusion import EventPublicHire
from app.events.models import CalendarFeed, Event, EventParticipant, EventParticipantNeed
from app.jobs.models import QueuedJob
from app.leads.models import Lead, SpotterOrganisation
from app.monitoring.models import ErrorReport
from app.needs.inclusion import NeedPublicHire
from app.needs.models import NeedPublic, NeedStatusChange, RecruitmentNeed, ServiceMobilisation, ServiceType
from app.needs.sourcing import NeedSourcing
from app.notifications.models import MonthlyReport, Notification, OutboxEmail, SentItem
from app.notifications.report_recipients import ReportRecipient
from app.plans.models import PlanEmployer, PlanSegment, PlanTarget, ProspectionPlan
from app.referential.models import Basin, Commune, NafCode, Operator, RomeCode
from app.scheduler.models import JobRun, SchedulerLock
from app.search.models import RecentEmployer

__all__ = [
    "ApiClient",
    "EmployerIntroduction",
    "EmployerSurvey",
    "RetentionCheck",
    "ApiIdempotencyKey",
    "Assignment",
    "AuditEvent",
    "Basin",
    "Commune",
    "CalendarFeed",
    "CommitteeAction",
    "CommitteeMeeting",
    "Employer",
    "EmployerEngagement",
    "EmployerContact",
    "ErrorReport",
    "Event",
    "EventPublicHire",
    "EventParticipant",
    "EventParticipantNeed",
    "FollowUp",
    "HandoverRequest",
    "ImportRun",
    "Interaction",
    "JobRun",
    "Lead",
    "QueuedJob",
    "LoginAttempt",
    "MonthlyReport",
    "NafCode",
    "NeedPublic",
    "NeedPublicHire",
    "NeedSourcing",
    "NeedEscalation",
    "NeedStatusChange",
    "Notification",
    "Operator",
    "OutboxEmail",
    "PlanEmployer",
    "PlanSegment",
    "PlanTarget",
    "ProspectionPlan",
    "RecentEmployer",
    "ReportRecipient",
    "RecruitmentNeed",
    "ServiceMobilisation",
    "ServiceType",
    "RomeCode",
    "SchedulerLock",
    "SentItem",
    "SpotterOrganisation",
    "Tag",
    "TaskForce",
    "TaskForceMember",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
]
