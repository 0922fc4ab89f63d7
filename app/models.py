"""Imports every model so that the metadata is complete (Alembic, create_app)."""

from app.activity.models import FollowUp, Interaction
from app.api.models import ApiClient, ApiIdempotencyKey
from app.assignments.models import Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.audit import services as _audit_listeners  # noqa: F401  (registers the trail)
from app.audit.models import AuditEvent
from app.auth.models import LoginAttempt, User
from app.dashboard import models as _dashboard_indexes  # noqa: F401  (indexes on others' tables)
from app.employers.models import Employer, EmployerContact, ImportRun, Tag
from app.events.models import CalendarFeed, Event, EventParticipant, EventParticipantNeed
from app.jobs.models import QueuedJob
from app.leads.models import Lead, SpotterOrganisation
from app.monitoring.models import ErrorReport
from app.needs.models import NeedService, NeedStatusChange, RecruitmentNeed
from app.notifications.models import MonthlyReport, Notification, OutboxEmail, SentItem
from app.plans.models import PlanEmployer, PlanSegment, PlanTarget, ProspectionPlan
from app.referential.models import Basin, Commune, NafCode, Operator, RomeCode
from app.scheduler.models import JobRun, SchedulerLock
from app.search.models import RecentEmployer

__all__ = [
    "ApiClient",
    "ApiIdempotencyKey",
    "Assignment",
    "AuditEvent",
    "Basin",
    "Commune",
    "CalendarFeed",
    "Employer",
    "EmployerContact",
    "ErrorReport",
    "Event",
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
    "NeedService",
    "NeedStatusChange",
    "Notification",
    "Operator",
    "OutboxEmail",
    "PlanEmployer",
    "PlanSegment",
    "PlanTarget",
    "ProspectionPlan",
    "RecentEmployer",
    "RecruitmentNeed",
    "RomeCode",
    "SchedulerLock",
    "SentItem",
    "SpotterOrganisation",
    "Tag",
    "TaskForce",
    "TaskForceMember",
    "User",
]
