"""The leads' periodic work (run by the monthly retention, app/notifications/tasks.py).

Retention (CNIL): a lead's contact person (and a public form's submitter, whose e-mail is in
``submitter_key``) is kept 3 years after the lead was last decided, or sent if never decided;
then the lead keeps its employer, job and outcome, without the person.
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.audit.services import record_event, redact_personal_values
from app.employers.tasks import RETENTION_BATCH, retention_cutoff
from app.extensions import db
from app.leads.models import Lead
from app.personal_data import ANONYMISED_NAME, scrub
from app.timeutils import PARIS

leads = Lead.__table__


def anonymise_leads(ids: Iterable[int], now: datetime) -> int:
    """Blank the person on these leads and in the trail's copies. Core statements on purpose:
    the ORM audit trail would copy the personal data it must forget."""
    ids = list(ids)
    rows = db.session.execute(
        sa.select(
            leads.c.id,
            leads.c.details,
            leads.c.contact_name,
            leads.c.contact_email,
            leads.c.contact_phone,
            leads.c.submitter_key,
        ).where(leads.c.id.in_(ids))
    ).all()
    if not rows:
        return 0
    db.session.execute(
        leads.update()
        .where(leads.c.id == sa.bindparam("lead_id"))
        .values(
            contact_name=ANONYMISED_NAME,
            contact_email=None,
            contact_phone=None,
            # Unique while the lead is new, so the marker keeps the lead's id.
            submitter_key=sa.bindparam("anonymous_key"),
            details=sa.bindparam("scrubbed_details"),
            contact_anonymised_at=now,
        ),
        [
            {
                "lead_id": row.id,
                "anonymous_key": f"anonymise:{row.id}",
                "scrubbed_details": scrub(
                    row.details,
                    [row.contact_name, row.contact_email, row.contact_phone, row.submitter_key.partition(":")[2]],
                ),
            }
            for row in rows
        ],
    )
    redact_personal_values(Lead.__name__, [row.id for row in rows], now)
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Lead) and loaded.id in ids:
            db.session.expire(loaded)
    return len(rows)


def anonymise_stale_leads(now: datetime) -> dict[str, int]:
    cutoff = retention_cutoff(now.astimezone(PARIS).date())
    before = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=PARIS)
    expired = sa.and_(
        leads.c.contact_anonymised_at.is_(None), sa.func.coalesce(leads.c.decided_at, leads.c.created_at) < before
    )
    anonymised = 0
    while ids := list(
        db.session.scalars(sa.select(leads.c.id).where(expired).order_by(leads.c.id).limit(RETENTION_BATCH))
    ):
        anonymised += anonymise_leads(ids, now)
    record_event(
        "purge",
        Lead.__name__,
        "retention",
        {"anonymises": anonymised, "decision_au_plus_tard": cutoff.isoformat()},
        now=now,
    )
    return {"signalements_anonymises": anonymised}
