"""Imports every model so that the metadata is complete (Alembic, create_app)."""

from app.activity.models import FollowUp, Interaction
from app.assignments.models import Assignment
from app.audit import services as _audit_listeners  # noqa: F401  (registers the trail)
from app.audit.models import AuditEvent
from app.auth.models import LoginAttempt, User
from app.employers.models import Employer, EmployerContact, Tag
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.notifications.models import Notification
from app.referential.models import Basin, BasinCommune, NafCode, Operator, RomeCode

__all__ = [
    "Assignment",
    "AuditEvent",
    "Basin",
    "BasinCommune",
    "Employer",
    "EmployerContact",
    "FollowUp",
    "Interaction",
    "LoginAttempt",
    "NafCode",
    "NeedStatusChange",
    "Notification",
    "Operator",
    "RecruitmentNeed",
    "RomeCode",
    "Tag",
    "User",
]
