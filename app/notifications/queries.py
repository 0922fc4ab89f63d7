"""Read side of notifications: the reminders' contents, the outbox, the monthly reports and
each user's in-app notifications.

The reminders' contents are read a batch of recipients at a time, with ONE query per batch
(window functions give each recipient's first items and totals at once), so the number of
queries grows with the number of batches, never with the number of users.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, with_expression

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.employers.models import Employer
from app.extensions import db
from app.formatting import plural
from app.notifications.enums import EmailStatus
from app.notifications.models import MonthlyReport, Notification, OutboxEmail
from app.plans.models import PlanEmployer, ProspectionPlan

DIGEST_ITEMS = 10  # per section: the e-mail links to the full lists
DIGEST_KIND = "digest"


@dataclass
class DigestContent:
    due_today: int = 0
    overdue: int = 0
    follow_ups: list = field(default_factory=list)
    unread: int = 0
    notifications: list = field(default_factory=list)
    plan_targets: int = 0
    targets: list = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.due_today or self.overdue or self.unread or self.plan_targets)

    @property
    def summary(self) -> str:
        parts = []
        if self.due_today:
            parts.append(plural(self.due_today, "relance du jour", "relances du jour"))
        if self.overdue:
            parts.append(plural(self.overdue, "relance en retard", "relances en retard"))
        if self.plan_targets:
            parts.append(plural(self.plan_targets, "entreprise du plan à contacter", "entreprises du plan à contacter"))
        if self.unread:
            parts.append(plural(self.unread, "notification non lue", "notifications non lues"))
        return ", ".join(parts)


def digest_contents(user_ids: list[int], today: date, limit: int = DIGEST_ITEMS) -> dict[int, DigestContent]:
    """Each user's digest: 3 queries for the whole batch."""
    contents = {user_id: DigestContent() for user_id in user_ids}
    if not user_ids:
        return contents

    owner = FollowUp.owner_id
    follow_ups = (
        sa.select(
            owner.label("user_id"),
            FollowUp.employer_id,
            FollowUp.due_on,
            FollowUp.title,
            sa.func.row_number().over(partition_by=owner, order_by=(FollowUp.due_on, FollowUp.id)).label("rank"),
            sa.func.count().over(partition_by=owner).label("total"),
            sa.func.sum(sa.case((FollowUp.due_on < today, 1), else_=0)).over(partition_by=owner).label("overdue"),
        )
        .where(owner.in_(user_ids), FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on <= today)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(follow_ups, Employer.name.label("employer_name"), Employer.siret)
        .join(Employer, Employer.id == follow_ups.c.employer_id)
        .where(follow_ups.c.rank <= limit)
        .order_by(follow_ups.c.user_id, follow_ups.c.rank)
    )
    for row in rows:
        content = contents[row.user_id]
        content.overdue = int(row.overdue)
        content.due_today = row.total - content.overdue
        content.follow_ups.append(row)

    recipient = Notification.recipient_id
    unread = (
        sa.select(
            recipient.label("user_id"),
            Notification.message,
            Notification.link,
            Notification.created_at,
            sa.func.row_number()
            .over(partition_by=recipient, order_by=(Notification.created_at.desc(), Notification.id.desc()))
            .label("rank"),
            sa.func.count().over(partition_by=recipient).label("total"),
        )
        .where(recipient.in_(user_ids), Notification.read_at.is_(None), Notification.kind != DIGEST_KIND)
        .subquery()
    )
    for row in db.session.execute(
        sa.select(unread).where(unread.c.rank <= limit).order_by(unread.c.user_id, unread.c.rank)
    ):
        contents[row.user_id].unread = row.total
        contents[row.user_id].notifications.append(row)

    adviser = PlanEmployer.adviser_id
    contacted_since_plan_start = (
        sa.select(Interaction.id)
        .where(
            Interaction.employer_id == PlanEmployer.employer_id, Interaction.occurred_on >= ProspectionPlan.starts_on
        )
        .exists()
    )
    targets = (
        sa.select(
            adviser.label("user_id"),
            PlanEmployer.employer_id,
            ProspectionPlan.title.label("plan_title"),
            sa.func.row_number()
            .over(partition_by=adviser, order_by=(PlanEmployer.score.desc(), PlanEmployer.id))
            .label("rank"),
            sa.func.count().over(partition_by=adviser).label("total"),
        )
        .join(ProspectionPlan, ProspectionPlan.id == PlanEmployer.plan_id)
        .where(
            adviser.in_(user_ids),
            PlanEmployer.is_excluded.is_(False),
            ProspectionPlan.starts_on <= today,
            ProspectionPlan.ends_on >= today,
            ~contacted_since_plan_start,
        )
        .subquery()
    )
    for row in db.session.execute(
        sa.select(targets, Employer.name.label("employer_name"), Employer.siret)
        .join(Employer, Employer.id == targets.c.employer_id)
        .where(targets.c.rank <= limit)
        .order_by(targets.c.user_id, targets.c.rank)
    ):
        contents[row.user_id].plan_targets = row.total
        contents[row.user_id].targets.append(row)
    return contents


def outbox_query(status: EmailStatus | None) -> sa.Select:
    query = sa.select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    return query.where(OutboxEmail.status == status) if status else query


def get_outbox_email(email_id: int) -> OutboxEmail | None:
    return db.session.get(OutboxEmail, email_id)


def _readable_reports(user: User):
    """A manager reads their own reports; a steering account its own and those of the managers whose
    basins all lie in its territory; a wide-scope user every one (None: no condition)."""
    if user.sees_all_basins:
        return None
    own = MonthlyReport.manager_id == user.id
    if user.role is not Role.STEERING:
        return own
    territory = list(user.basin_ids)
    inside = sa.select(user_basins.c.user_id).where(user_basins.c.basin_id.in_(territory))
    outside = sa.select(user_basins.c.user_id).where(user_basins.c.basin_id.not_in(territory))
    return sa.or_(own, sa.and_(MonthlyReport.manager_id.in_(inside), MonthlyReport.manager_id.not_in(outside)))


def monthly_reports_query(user: User) -> sa.Select:
    query = sa.select(MonthlyReport).options(joinedload(MonthlyReport.manager))
    readable = _readable_reports(user)
    if readable is not None:
        query = query.where(readable)
    return query.order_by(MonthlyReport.month.desc(), MonthlyReport.id.desc())


def get_visible_report(user: User, report_id: int) -> MonthlyReport | None:
    """A monthly report, if the user may read it (_readable_reports)."""
    return db.session.scalar(monthly_reports_query(user).where(MonthlyReport.id == report_id))


def notifications_of(user: User, *, unread_only: bool = False) -> sa.Select:
    """The user's in-app notifications, newest first."""
    query = sa.select(Notification).where(Notification.recipient_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def get_own_notification(user: User, notification_id: int) -> Notification | None:
    """A notification, if the user is its recipient: nobody else ever sees it."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != user.id:
        return None
    return notification


def _unread_count_of(recipient_id) -> sa.Select:
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == recipient_id, Notification.read_at.is_(None))
    )


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread: the header's bell, read from the
    (recipient_id, read_at) index."""
    return db.session.scalar(_unread_count_of(user.id))


def unread_count_with_user() -> sa.orm.interfaces.LoaderOption:
    """``unread_count`` as ``User.unread_notifications``, read in the statement that loads the user."""
    return with_expression(User.unread_notifications, _unread_count_of(User.id).scalar_subquery())
