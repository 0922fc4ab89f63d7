"""The reminders' periodic jobs (listed and scheduled in app/scheduler/registry.py).

Each job takes ``now``, reads what is due from the database, and records what it sent in
``sent_items`` in the same transaction as the notifications and e-mails it queues: run it
twice, after a crash or from two schedulers, and nobody gets the same message twice.
Each returns counts for the job-runs page. The scheduler's runner commits each run; the other
domains' rules (which needs are stale, whose employers to release, which contacts to
anonymise) live in their own tasks.py, and these jobs tell the people concerned.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp
from app.assignments.tasks import release_inactive_contacts
from app.auth.enums import Role
from app.auth.models import User, user_basins
from app.auth.queries import basin_leads
from app.employers.models import Employer
from app.employers.tasks import anonymise_stale_contacts
from app.extensions import db
from app.formatting import plural
from app.leads.tasks import anonymise_stale_leads
from app.needs.tasks import STALE_LEAD_DAYS, stale_needs
from app.notifications.enums import EmailStatus
from app.notifications.models import OutboxEmail, SentItem
from app.notifications.queries import DIGEST_KIND, digest_contents
from app.notifications.report_recipients import anonymise_old_recipients
from app.notifications.services import absolute_url, app_path, claim_sends, email_row, queue_emails, queue_notifications
from app.notifications.workdays import ALSACE_MOSELLE, is_working_day, local_holidays
from app.referential.models import Basin
from app.timeutils import PARIS
from app.transactions import transaction

DIGEST_JOB = "morning_digest"
ESCALATION_JOB = "escalation"
STALE_NEEDS_JOB = "stale_needs"
DIGEST_ROLES = (Role.ADVISER, Role.TASKFORCE_LEAD)
DIGEST_BATCH = 500
OVERDUE_ESCALATION_DAYS = 7
ESCALATION_ITEMS = 25
SENT_EMAILS_KEPT = timedelta(days=90)
SENT_ITEMS_KEPT = timedelta(days=400)


def paris_day(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def employer_link(siret: str | None) -> str | None:
    return absolute_url("employers.detail", siret=siret) if siret else None


# --- Morning digest ---------------------------------------------------------------------


def _works_only_in_alsace_moselle() -> sa.ColumnElement[bool]:
    """The user has basins, all of them in Alsace-Moselle."""
    basins_of_user = sa.select(user_basins.c.basin_id).where(user_basins.c.user_id == User.id)
    elsewhere = basins_of_user.join(Basin, Basin.id == user_basins.c.basin_id).where(
        Basin.departement_code.not_in(list(ALSACE_MOSELLE))
    )
    return basins_of_user.exists() & ~elsewhere.exists()


def send_morning_digests(now: datetime, batch_size: int = DIGEST_BATCH) -> dict[str, int]:
    """To each adviser and lead: follow-ups due today and overdue, plan targets not yet
    contacted, unread notifications. In the app always, by e-mail if they want it; nothing
    at all to whoever has nothing to do."""
    today = paris_day(now)
    counts = {"destinataires": 0, "courriels": 0, "deja_envoyes": 0, "sans_objet": 0}
    if not is_working_day(today):
        counts["jour_non_ouvre"] = 1
        return counts
    recipients = User.is_active.is_(True) & User.role.in_(DIGEST_ROLES)
    if today in local_holidays(today.year):
        # Good Friday, 26 December: a day off in Alsace-Moselle only, so its people are left
        # alone (a user with a basin elsewhere still works that day).
        recipients &= ~_works_only_in_alsace_moselle()
    links = {
        "digest": absolute_url("notifications.digest"),
        "follow_ups": absolute_url("activity.follow_ups"),
        "preferences": absolute_url("notifications.preferences"),
    }
    after_id = 0
    while True:
        # One transaction per batch on purpose: a crash keeps the batches already sent (their
        # sent items say so, and the catch-up skips them), and another scheduler's claim of
        # the same recipients never waits for the whole run.
        with transaction():
            users = db.session.execute(
                sa.select(User.id, User.email, User.full_name, User.wants_email_digest)
                .where(recipients, User.id > after_id)
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
        counts["destinataires"] += len(notifications)
        counts["courriels"] += len(emails)
        counts["deja_envoyes"] += len(with_content) - len(claimed)
        counts["sans_objet"] += len(users) - len(with_content)
        if len(users) < batch_size:
            break
    return counts


# --- Escalation -------------------------------------------------------------------------


def escalate_overdue_follow_ups(now: datetime) -> dict[str, int]:
    """Employers of deactivated privileged contacts go back to the queue; follow-ups overdue
    by more than 7 days go to their basin's leads."""
    today = paris_day(now)
    counts = {"entreprises_reattribuees": release_inactive_contacts()}

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
    counts["pilotes_prevenus"] = len(claimed)
    return counts


# --- Stale needs ------------------------------------------------------------------------


def flag_stale_needs(now: datetime) -> dict[str, int]:
    """Once a week, each person concerned by quiet needs (app.needs.tasks.stale_needs) hears of them."""
    year, week, _ = paris_day(now).isocalendar()
    period = f"{year}-S{week:02d}"
    stale = stale_needs(now)
    claimed = claim_sends(STALE_NEEDS_JOB, period, stale.by_recipient)
    recipients = {
        user.id: user
        for user in db.session.execute(sa.select(User.id, User.email, User.full_name).where(User.id.in_(claimed)))
    }
    notifications, emails = [], []
    for user_id in sorted(claimed):
        needs = stale.by_recipient[user_id]
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
    return {"besoins_sans_activite": len(stale.needs), "destinataires": len(claimed)}


# --- Retention --------------------------------------------------------------------------


def enforce_retention(now: datetime) -> dict[str, int]:
    """The monthly retention run: contact persons unreached for 3 years are anonymised
    (app.employers.tasks), leads' contact persons 3 years after the decision (app.leads.tasks),
    and old deliveries deleted. docs/DONNEES-PERSONNELLES.md lists what each covers."""
    return {
        **anonymise_stale_contacts(now),
        **anonymise_stale_leads(now),
        "courriels_supprimes": purge_old_deliveries(now),
        **anonymise_old_recipients(now),
    }


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
