"""The monthly report of each basin to its recipients without an account (the committee's co-chairs).

On the 1st, after the managers' reports, each recipient of a basin (``report_recipients``) gets last
month's report of that basin, as the managers' one is built (``month_figures``, ``report_document``),
attached to an e-mail written in the outbox: they have no account, hence no link into the app.
"""

from datetime import datetime
from itertools import groupby

from app.extensions import db
from app.formatting import of
from app.notifications.models import MonthlyReport
from app.notifications.report_recipients import claim_recipients
from app.notifications.reports import (
    month_figures,
    month_label,
    previous_month,
    report_document,
    report_filename,
    report_title,
)
from app.notifications.services import email_row, queue_emails
from app.referential.models import Basin
from app.timeutils import PARIS


def send_basin_reports(now: datetime) -> dict[str, int]:
    month = previous_month(now.astimezone(PARIS).date())
    claimed = claim_recipients(month)
    emails = []
    for basin_id, recipients in groupby(claimed, key=lambda row: row.basin_id):
        basin = db.session.get(Basin, basin_id)
        # Not stored: the managers' reports are theirs; this one lives in the e-mail only.
        report = MonthlyReport(
            month=month, basin_names=[basin.name], figures=month_figures([basin_id], month), created_at=now
        )
        document = report_document(report)
        subject = f"{report_title(report)} — bassin {of(basin.name)}"
        for recipient in recipients:
            emails.append(
                email_row(
                    {"id": None, "email": recipient.email, "full_name": recipient.full_name},
                    "basin_report",
                    subject,
                    {"report": report, "basin": basin, "month_label": month_label},
                    attachment_name=report_filename(report, "html"),
                    attachment_html=document,
                )
            )
    queue_emails(emails)
    return {"destinataires": len(claimed)}
