"""The periodic jobs' work (listed and scheduled in app/scheduler.py).

Each job takes ``now``, reads what is due from the database, and records what it sent in
``sent_items`` in the same transaction as the notifications and e-mails it queues: run it
twice, after a crash or from two schedulers, and nobody gets the same message twice.
Each returns counts for the job-runs page.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.assignments.models import Assignment
from app.assignments.services import release_portfolio
from app.audit.models import AuditEvent
from app.audit.services import current_actor
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.employers.models import Employer, EmployerContact
from app.extensions import db
from app.needs.enums import OPEN_STATUSES
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.notifications.enums import EmailStatus
from app.notifications.models import OutboxEmail, SentItem
from app.notifications.queries import DIGEST_KIND, digest_contents, plural
from app.notifications.services import absolute_url, app_path, claim_sends, email_row, queue_emails, queue_notifications
from app.notifications.workdays import is_working_day
from app.referential.models import Basin
from app.timeutils import PARIS

DIGEST_JOB = "morning_digest"
ESCALATION_JOB = "escalation"
STALE_NEEDS_JOB = "stale_needs"
DIGEST_ROLES = (Role.ADVISER, Role.TASKFORCE_LEAD)
DIGEST_BATCH = 500
OVERDUE_ESCALATION_DAYS = 7
STALE_ADVISER_DAYS = 30
STALE_LEAD_DAYS = 60
ESCALATION_ITEMS = 25
RETENTION_YEARS = 3
RETENTION_BATCH = 1000
ANONYMISED_NAME = "Contact anonymisé"
SENT_EMAILS_KEPT = timedelta(days=90)
SENT_ITEMS_KEPT = timedelta(days=400)
INACTIVE_CONTACT_REASON = (
    "Interlocuteur privilégié désactivé : l'entreprise revient dans la file d'attribution (planificateur)."
)


def paris_day(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def employer_link(siret: str | None) -> str | None:
    return absolute_url("employers.detail", siret=siret) if siret else None


# --- Morning digest ---------------------------------------------------------------------


def send_morning_digests(now: datetime, batch_size: int = DIGEST_BATCH) -> dict[str, int]:
    """To each adviser and lead: follow-ups due today and overdue, plan targets not yet
    contacted, unread notifications. In the app always, by e-mail if they want it; nothing
    at all to whoever has nothing to do."""
    today = paris_day(now)
    counts = {"destinataires": 0, "courriels": 0, "deja_envoyes": 0, "sans_objet": 0}
    if not is_working_day(today):
        counts["jour_non_ouvre"] = 1
        return counts
    links = {
        "digest": absolute_url("notifications.digest"),
        "follow_ups": absolute_url("activity.follow_ups"),
        "preferences": absolute_url("notifications.preferences"),
    }
    after_id = 0
    while True:
        users = db.session.execute(
            sa.select(User.id, User.email, User.full_name, User.wants_email_digest)
            .where(User.is_active.is_(True), User.role.in_(DIGEST_ROLES), User.id > after_id)
            .order_by(User.id)
            .limit(batch_size)
        ).all()
        if not users:
            break
        after_id = users[-1].id
        contents = digest_contents([user.id for user in users], today)
        with_content = [user for user in users if contents[user.id].has_content]
        claimed = claim_sends(DIGEST_JOB, today.isoformat(), [user.id for user in with_content])
        notifications, emails = [], []
        for user in with_content:
            if user.id not in claimed:
                continue
            content = contents[user.id]
            notifications.append(
                {
                    "recipient_id": user.id,
                    "kind": DIGEST_KIND,
                    "message": f"Votre point du jour : {content.summary}.",
                    "link": app_path("notifications.digest"),
                }
            )
            if user.wants_email_digest:
                emails.append(
                    email_row(
                        user._asdict(),
                        "digest",
                        f"Votre point du jour : {content.summary}",
                        {"content": content, "links": links, "today": today, "employer_link": employer_link},
                    )
                )
        queue_notifications(notifications)
        queue_emails(emails)
        db.session.commit()
        counts["destinataires"] += len(notifications)
        counts["courriels"] += len(emails)
        counts["deja_envoyes"] += len(with_content) - len(claimed)
        counts["sans_objet"] += len(users) - len(with_content)
        if len(users) < batch_size:
            break
    return counts


# --- Escalation -------------------------------------------------------------------------


def basin_leads(basin_ids) -> dict[int, list]:
    """Active task-force leads (role) of each basin: {lead id: [rows, one per basin]}."""
    rows = db.session.execute(
        sa.select(User.id, User.email, User.full_name, user_basins.c.basin_id)
        .join(user_basins, user_basins.c.user_id == User.id)
        .where(User.role == Role.TASKFORCE_LEAD, User.is_active.is_(True), user_basins.c.basin_id.in_(list(basin_ids)))
        .order_by(User.id)
    )
    leads: dict[int, list] = defaultdict(list)
    for row in rows:
        leads[row.id].append(row)
    return leads


def release_inactive_contacts() -> int:
    """Employers whose privileged contact was deactivated go back to the assignment queue
    (app.assignments.services.release_portfolio ends the assignments and tells the leads)."""
    holds_an_employer = (
        sa.select(Assignment.id).where(Assignment.adviser_id == User.id, Assignment.ended_at.is_(None)).exists()
    )
    released = 0
    for user in db.session.scalars(sa.select(User).where(User.is_active.is_(False), holds_an_employer)):
        released += release_portfolio(user, INACTIVE_CONTACT_REASON)
    return released


def escalate_overdue_follow_ups(now: datetime) -> dict[str, int]:
    today = paris_day(now)
    counts = {"entreprises_reattribuees": release_inactive_contacts()}
    db.session.commit()

    cutoff = today - timedelta(days=OVERDUE_ESCALATION_DAYS)
    ranked = (
        sa.select(
            Employer.basin_id,
            FollowUp.due_on,
            FollowUp.title,
            FollowUp.owner_id,
            FollowUp.employer_id,
            sa.func.row_number()
            .over(partition_by=Employer.basin_id, order_by=(FollowUp.due_on, FollowUp.id))
            .label("rank"),
            sa.func.count().over(partition_by=Employer.basin_id).label("total"),
        )
        .join(Employer, Employer.id == FollowUp.employer_id)
        .where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on < cutoff)
        .subquery()
    )
    owner = sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(
            ranked,
            Employer.name.label("employer_name"),
            Employer.siret,
            owner.full_name.label("owner_name"),
            Basin.name.label("basin_name"),
        )
        .join(Employer, Employer.id == ranked.c.employer_id)
        .join(owner, owner.id == ranked.c.owner_id)
        .join(Basin, Basin.id == ranked.c.basin_id)
        .where(ranked.c.rank <= ESCALATION_ITEMS)
        .order_by(ranked.c.basin_id, ranked.c.rank)
    ).all()
    per_basin: dict[int, dict] = {}
    for row in rows:
        section = per_basin.setdefault(row.basin_id, {"name": row.basin_name, "total": row.total, "items": []})
        section["items"].append(row)
    counts["relances_en_retard"] = sum(section["total"] for section in per_basin.values())

    leads = basin_leads(per_basin)
    claimed = claim_sends(ESCALATION_JOB, today.isoformat(), leads)
    notifications, emails = [], []
    for lead_id in sorted(claimed):
        lead = leads[lead_id][0]
        sections = [per_basin[row.basin_id] for row in leads[lead_id]]
        total = sum(section["total"] for section in sections)
        summary = plural(total, "relance en retard de plus de 7 jours", "relances en retard de plus de 7 jours")
        notifications.append({"recipient_id": lead_id, "kind": "escalation", "message": f"Escalade : {summary}."})
        emails.append(
            email_row(
                lead._asdict(),
                "escalation",
                f"Escalade : {summary}",
                {"sections": sections, "total": total, "today": today, "employer_link": employer_link},
            )
        )
    queue_notifications(notifications)
    queue_emails(emails)
    db.session.commit()
    counts["pilotes_prevenus"] = len(claimed)
    return counts


# --- Stale needs ------------------------------------------------------------------------


def _quiet_since(cutoff: datetime):
    """No change to the need, no stage change and no contact with the employer since ``cutoff``."""
    changed = (
        sa.select(NeedStatusChange.id)
        .where(NeedStatusChange.need_id == RecruitmentNeed.id, NeedStatusChange.changed_at >= cutoff)
        .exists()
    )
    contacted = (
        sa.select(Interaction.id)
        .where(
            Interaction.employer_id == RecruitmentNeed.employer_id,
            Interaction.occurred_on >= cutoff.astimezone(PARIS).date(),
        )
        .exists()
    )
    return sa.and_(RecruitmentNeed.updated_at < cutoff, ~changed, ~contacted)


def flag_stale_needs(now: datetime) -> dict[str, int]:
    """Open needs quiet for 30 days go to their privileged contact; after 60 days, to the lead too."""
    year, week, _ = paris_day(now).isocalendar()
    period = f"{year}-S{week:02d}"
    active_contact = (
        sa.select(Assignment.employer_id, Assignment.adviser_id)
        .join(User, User.id == Assignment.adviser_id)
        .where(Assignment.ended_at.is_(None), User.is_active.is_(True))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            RecruitmentNeed.id,
            RecruitmentNeed.title,
            RecruitmentNeed.identified_on,
            Employer.name.label("employer_name"),
            Employer.siret,
            Employer.basin_id,
            active_contact.c.adviser_id,
            sa.case(
                (_quiet_since(now - timedelta(days=STALE_LEAD_DAYS)), STALE_LEAD_DAYS), else_=STALE_ADVISER_DAYS
            ).label("quiet_days"),
        )
        .join(Employer, Employer.id == RecruitmentNeed.employer_id)
        .outerjoin(active_contact, active_contact.c.employer_id == RecruitmentNeed.employer_id)
        .where(RecruitmentNeed.status.in_(OPEN_STATUSES), _quiet_since(now - timedelta(days=STALE_ADVISER_DAYS)))
        .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
    ).all()
    leads = basin_leads({row.basin_id for row in rows if row.quiet_days >= STALE_LEAD_DAYS or not row.adviser_id})
    lead_basins = {lead_id: {row.basin_id for row in lead_rows} for lead_id, lead_rows in leads.items()}
    needs_for: dict[int, list] = defaultdict(list)
    for row in rows:
        if row.adviser_id:
            needs_for[row.adviser_id].append(row)
        if row.quiet_days >= STALE_LEAD_DAYS or not row.adviser_id:
            for lead_id, basin_ids in lead_basins.items():
                if row.basin_id in basin_ids and lead_id != row.adviser_id:
                    needs_for[lead_id].append(row)

    claimed = claim_sends(STALE_NEEDS_JOB, period, needs_for)
    recipients = {
        user.id: user
        for user in db.session.execute(sa.select(User.id, User.email, User.full_name).where(User.id.in_(claimed)))
    }
    notifications, emails = [], []
    for user_id in sorted(claimed):
        needs = needs_for[user_id]
        summary = plural(len(needs), "besoin sans activité depuis 30 jours", "besoins sans activité depuis 30 jours")
        notifications.append({"recipient_id": user_id, "kind": "stale_needs", "message": f"À relancer : {summary}."})
        emails.append(
            email_row(
                recipients[user_id]._asdict(),
                "stale_needs",
                f"Besoins à relancer : {summary}",
                {"needs": needs, "lead_days": STALE_LEAD_DAYS, "employer_link": employer_link},
            )
        )
    queue_notifications(notifications)
    queue_emails(emails)
    db.session.commit()
    return {"besoins_sans_activite": len(rows), "destinataires": len(claimed)}


# --- Retention (CNIL: prospects' personal data, 3 years after the last contact) -------


def retention_cutoff(today: date) -> date:
    """The day three years back: a contact last reached that day (or before) is anonymised."""
    try:
        return today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RETENTION_YEARS, day=28)


def anonymise_stale_contacts(now: datetime) -> dict[str, int]:
    """Blank the contact persons nobody has reached for 3 years; the employer keeps its
    interactions, follow-ups and needs. Core statements on purpose: the ORM audit trail
    would copy the personal data it must forget; its old entries are blanked too."""
    cutoff = retention_cutoff(paris_day(now))
    # A contact never reached counts from the day it was recorded.
    recorded_before = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=PARIS)
    contacts = EmployerContact.__table__
    expired = sa.and_(
        contacts.c.anonymised_at.is_(None),
        sa.or_(
            contacts.c.last_contacted_on <= cutoff,
            sa.and_(contacts.c.last_contacted_on.is_(None), contacts.c.created_at < recorded_before),
        ),
    )
    anonymised = 0
    while True:
        ids = list(
            db.session.scalars(sa.select(contacts.c.id).where(expired).order_by(contacts.c.id).limit(RETENTION_BATCH))
        )
        if not ids:
            break
        db.session.execute(
            contacts.update()
            .where(contacts.c.id.in_(ids))
            .values(
                first_name=None, last_name=ANONYMISED_NAME, job_title=None, phone=None, email=None, anonymised_at=now
            )
        )
        db.session.execute(
            AuditEvent.__table__.update()
            .where(
                AuditEvent.__table__.c.entity_type == EmployerContact.__name__,
                AuditEvent.__table__.c.entity_id.in_([str(contact_id) for contact_id in ids]),
            )
            .values(changes={"anonymise": True})
        )
        anonymised += len(ids)
    actor_id, actor_label = current_actor()
    db.session.execute(
        sa.insert(AuditEvent.__table__).values(
            occurred_at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            action="purge",
            entity_type=EmployerContact.__name__,
            entity_id="retention",
            changes={"anonymises": anonymised, "dernier_contact_au_plus_tard": cutoff.isoformat()},
        )
    )
    deleted = purge_old_deliveries(now)
    db.session.commit()
    # Objects loaded before the Core UPDATE would show the old values.
    db.session.expire_all()
    return {"interlocuteurs_anonymises": anonymised, "courriels_supprimes": deleted}


def purge_old_deliveries(now: datetime) -> int:
    """Sent e-mails are kept a while for support, then deleted (they name people); the
    sent-items records only matter for their period, kept a year to answer "was it sent?"."""
    deleted = db.session.execute(
        sa.delete(OutboxEmail).where(
            OutboxEmail.status != EmailStatus.PENDING, OutboxEmail.created_at < now - SENT_EMAILS_KEPT
        )
    ).rowcount
    db.session.execute(sa.delete(SentItem).where(SentItem.created_at < now - SENT_ITEMS_KEPT))
    return deleted
