"""The monthly progress report ("point d'avancement mensuel") of each manager's basins.

Figures are SQL aggregates over the previous month, frozen into ``MonthlyReport`` when
the job runs, so that the page and the e-mailed attachment say the same thing. A figure the
dashboard also shows (contacts, closed needs, fill rate, time to fill) is the dashboard's,
read from ``app.dashboard.queries``: one definition, so that both agree for the same month.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import selectinload

from app.activity.enums import Channel
from app.activity.models import FollowUp, Interaction
from app.assignments.models import Assignment
from app.auth.enums import Role
from app.auth.models import User
from app.dashboard.inclusion import hires_by_public
from app.dashboard.queries import CLOSED_STATUSES_ORDER, scope_figures
from app.dashboard.scopes import Period
from app.dashboard.solutions import solutions_for_report
from app.dashboard.sourcing import sourcing_by_operator
from app.employers.models import Employer
from app.events.enums import EventStatus
from app.events.models import Event, EventParticipant
from app.extensions import db
from app.formatting import month_year, number, percent, plural
from app.needs.models import RecruitmentNeed
from app.notifications.after_hire_report import after_hire_month, after_hire_tables
from app.notifications.models import MonthlyReport
from app.notifications.services import absolute_url, app_path, claim_sends, email_row, queue_emails, queue_notifications
from app.plans.models import PlanEmployer, ProspectionPlan
from app.plans.queries import plan_progress
from app.timeutils import PARIS

MONTHLY_REPORT_JOB = "monthly_report"


def previous_month(today: date) -> date:
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def month_label(month: date) -> str:
    return month_year(month)


def month_figures(basin_ids: list[int], month: date) -> dict:
    """The indicators of a month for some basins (about ten aggregate queries)."""
    end = next_month(month)
    start_at = datetime.combine(month, time.min, tzinfo=PARIS)
    end_at = datetime.combine(end, time.min, tzinfo=PARIS)
    in_scope = Employer.basin_id.in_(basin_ids)
    shared = scope_figures(basin_ids, Period(month, end - timedelta(days=1)))

    employers_created = db.session.scalar(
        sa.select(sa.func.count()).where(in_scope, Employer.created_at >= start_at, Employer.created_at < end_at)
    )
    follow_ups_done = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FollowUp)
        .join(Employer, Employer.id == FollowUp.employer_id)
        .where(in_scope, FollowUp.done_at >= start_at, FollowUp.done_at < end_at)
    )
    identified = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(RecruitmentNeed.positions), 0))
        .join(Employer, Employer.id == RecruitmentNeed.employer_id)
        .where(in_scope, RecruitmentNeed.identified_on >= month, RecruitmentNeed.identified_on < end)
    ).one()
    with_contact = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assignment)
        .join(Employer, Employer.id == Assignment.employer_id)
        .where(
            in_scope,
            Assignment.started_at < end_at,
            sa.or_(Assignment.ended_at.is_(None), Assignment.ended_at >= end_at),
        )
    )
    held = (
        Event.basin_id.in_(basin_ids),
        Event.status == EventStatus.HELD,
        Event.starts_at >= start_at,
        Event.starts_at < end_at,
    )
    events = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Event.candidates_attended), 0)).where(*held)
    ).one()
    event_hires = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(EventParticipant.hires), 0))
        .join(Event, Event.id == EventParticipant.event_id)
        .where(*held)
    )
    contacted_in_plan = (
        sa.select(Interaction.id)
        .where(
            Interaction.employer_id == PlanEmployer.employer_id,
            Interaction.occurred_on >= ProspectionPlan.starts_on,
            Interaction.occurred_on < end,
        )
        .exists()
    )
    plans = db.session.execute(
        sa.select(
            ProspectionPlan.title,
            ProspectionPlan.starts_on,
            ProspectionPlan.ends_on,
            sa.func.count(PlanEmployer.id).label("targets"),
            sa.func.count(PlanEmployer.id).filter(contacted_in_plan).label("contacted"),
        )
        .outerjoin(
            PlanEmployer, sa.and_(PlanEmployer.plan_id == ProspectionPlan.id, PlanEmployer.is_excluded.is_(False))
        )
        .where(
            ProspectionPlan.basin_id.in_(basin_ids), ProspectionPlan.starts_on < end, ProspectionPlan.ends_on >= month
        )
        .group_by(ProspectionPlan.id, ProspectionPlan.title, ProspectionPlan.starts_on, ProspectionPlan.ends_on)
        .order_by(ProspectionPlan.starts_on, ProspectionPlan.title)
    ).all()

    closed = dict(
        zip(
            CLOSED_STATUSES_ORDER,
            (shared.needs_filled, shared.needs_not_filled, shared.needs_cancelled),
            strict=True,
        )
    )
    median_days = shared.time_to_fill.get("median")
    sourcing = sourcing_by_operator(basin_ids, Period(month, end - timedelta(days=1)))
    return {
        "employers_created": employers_created,
        "employers_contacted": shared.contacted,
        "interactions": {channel.label: shared.channels[channel] for channel in Channel},
        "interactions_total": shared.contacts,
        "follow_ups_done": follow_ups_done,
        "needs_identified": identified[0],
        "positions_identified": int(identified[1]),
        "needs_closed": {status.label: count for status, count in closed.items() if count},
        "needs_filled": shared.needs_filled,
        # Filled and not filled needs (a cancelled need has no outcome), as on the dashboard.
        "positions_filled": shared.positions_filled,
        "fill_rate": round(100 * shared.fill_rate_needs) if shared.fill_rate_needs is not None else None,
        "days_to_fill": round(median_days) if median_days is not None else None,
        "employers_with_contact": with_contact,
        "events_held": events[0],
        "event_candidates": int(events[1]),
        "event_hires": int(event_hires),
        "solutions": solutions_for_report(basin_ids, Period(month, end - timedelta(days=1))),
        # Hires by public, as the dashboard counts them (app/dashboard/inclusion.py).
        "public_hires": [
            {
                "public": row.public.label,
                "hires": row.hires,
                "share": round(100 * row.share) if row.share is not None else None,
            }
            for row in hires_by_public(basin_ids, Period(month, end - timedelta(days=1)))
            if row.hires
        ],
        # Who sourced the hires, as the dashboard counts them (app/dashboard/sourcing.py).
        "sourcing": [
            {
                "operator": row.name,
                "proposed": row.proposed,
                "interviewed": row.interviewed,
                "hired": row.hired,
                "fill_rate": round(100 * row.fill_rate) if row.fill_rate is not None else None,
            }
            for row in sourcing
        ],
        "after_hire": after_hire_month(basin_ids, Period(month, end - timedelta(days=1))),
        "plans": [
            {
                "title": plan.title,
                "period": f"{plan.starts_on:%d/%m/%Y} – {plan.ends_on:%d/%m/%Y}",
                "targets": plan.targets,
                "contacted": plan.contacted,
            }
            for plan in plans
        ],
        "targets": plan_targets_against_results(basin_ids, month, end),
    }


def plan_targets_against_results(basin_ids: list[int], month: date, end: date) -> list[dict]:
    """Each target of the plans under way in the month, against its value: the plan's own figure
    (app.plans.queries.indicator_value, what the plan's page shows) when the report is computed."""
    plans = db.session.scalars(
        sa.select(ProspectionPlan)
        .where(
            ProspectionPlan.basin_id.in_(basin_ids), ProspectionPlan.starts_on < end, ProspectionPlan.ends_on >= month
        )
        .options(selectinload(ProspectionPlan.targets))
        .order_by(ProspectionPlan.starts_on, ProspectionPlan.title, ProspectionPlan.id)
    )
    return [
        {
            "plan": plan.title,
            "indicator": progress.target.indicator.label,
            "operator": progress.target.operator.name if progress.target.operator else "Tout le réseau",
            "target": progress.target.target_value,
            "done": progress.done,
        }
        for plan in plans
        for progress in plan_progress(plan)
    ]


@dataclass(frozen=True)
class ReportSection:
    title: str
    rows: list[tuple[str, ...]]
    header: tuple[str, ...] = ()  # a table with columns (the plans); otherwise label, value
    empty: str = ""


def report_sections(report: MonthlyReport) -> list[ReportSection]:
    """The report's tables, in French, from the figures frozen in the report: the page, the
    e-mailed HTML and the PDF show these, so that they cannot disagree."""
    f = report.figures
    fill_rate = f["fill_rate"] / 100 if f["fill_rate"] is not None else None
    return [
        ReportSection(
            "Prospection",
            [
                ("Employeurs contactés", number(f["employers_contacted"])),
                ("Échanges enregistrés", number(f["interactions_total"])),
                *((f"— dont {label.lower()}", number(count)) for label, count in f["interactions"].items()),
                ("Relances faites", number(f["follow_ups_done"])),
                ("Nouveaux employeurs enregistrés", number(f["employers_created"])),
                ("Employeurs avec un interlocuteur privilégié (fin de mois)", number(f["employers_with_contact"])),
            ],
        ),
        ReportSection(
            "Besoins de recrutement",
            [
                (
                    "Besoins identifiés",
                    f"{number(f['needs_identified'])} ({plural(f['positions_identified'], 'poste', 'postes')})",
                ),
                *((f"Besoins clos : {label.lower()}", number(count)) for label, count in f["needs_closed"].items()),
                ("Postes pourvus", number(f["positions_filled"])),
                ("Taux de pourvoi", percent(fill_rate)),
                (
                    "Délai de pourvoi médian",
                    plural(f["days_to_fill"], "jour", "jours") if f["days_to_fill"] is not None else "—",
                ),
            ],
        ),
        ReportSection(
            "Événements",
            [
                ("Événements réalisés", number(f["events_held"])),
                ("Candidats présents", number(f["event_candidates"])),
                ("Recrutements lors d'événements", number(f["event_hires"])),
            ],
        ),
        *_solutions_section(f),
        ReportSection(
            "Qui a sourcé les embauches",
            [
                (
                    row["operator"],
                    number(row["proposed"]),
                    number(row["interviewed"]),
                    number(row["hired"]),
                    percent(row["fill_rate"] / 100 if row["fill_rate"] is not None else None),
                )
                for row in f.get("sourcing", [])  # reports frozen before the figure have none
            ],
            header=("Opérateur", "Candidats proposés", "Reçus en entretien", "Embauches", "Taux de pourvoi"),
            empty="Aucun candidat déclaré par un opérateur sur les besoins clôturés du mois.",
        ),
        ReportSection(
            "Embauches par public",
            [
                (row["public"], number(row["hires"]), percent(row["share"] / 100 if row["share"] is not None else None))
                for row in f.get("public_hires", [])  # reports frozen before the figure have none
            ],
            header=("Public", "Embauches", "Part des embauches"),
            empty="Aucune embauche par public saisie sur les besoins clôturés du mois.",
        ),
        ReportSection(
            "Plans de prospection",
            [
                (plan["title"], plan["period"], number(plan["targets"]), number(plan["contacted"]))
                for plan in f["plans"]
            ],
            header=("Plan", "Période", "Entreprises ciblées", "Dont contactées"),
            empty="Aucun plan de prospection en cours sur la période.",
        ),
        *(
            ReportSection(title, rows, header=header, empty="Aucune vérification ni enquête sur la période.")
            for title, rows, header in after_hire_tables(f.get("after_hire"))
        ),
        ReportSection(
            "Objectifs et résultats",
            [
                (row["plan"], row["indicator"], row["operator"], number(row["target"]), number(row["done"]))
                for row in f.get("targets", [])  # reports frozen before targets were reported have none
            ],
            header=("Plan", "Indicateur", "Pour", "Objectif", "Réalisé"),
            empty="Aucun objectif chiffré dans les plans en cours sur la période.",
        ),
    ]


def _solutions_section(f: dict) -> list[ReportSection]:
    """Solutions delivered to employers (app/dashboard/solutions.py); absent from reports frozen before them."""
    solutions = f.get("solutions")
    if solutions is None:
        return []
    return [
        ReportSection(
            "Solutions apportées aux entreprises",
            [
                ("Solutions mobilisées (proposées ou réalisées)", number(solutions["mobilised"])),
                *((f"— statut : {label.lower()}", number(count)) for label, count in solutions["by_status"].items()),
                *((f"— famille : {label.lower()}", number(count)) for label, count in solutions["by_family"].items()),
                ("Solutions apportées (réalisées)", number(solutions["delivered"])),
                ("Embauches obtenues par ces solutions", number(solutions["hires"])),
                ("POE présentées aux TPE", number(solutions["poe_small_employers"])),
            ],
        )
    ]


def report_title(report: MonthlyReport) -> str:
    return f"Point d'avancement mensuel — {month_label(report.month)}"


def report_filename(report: MonthlyReport, extension: str) -> str:
    return f"point-avancement-{report.month:%Y-%m}.{extension}"


def report_document(report: MonthlyReport) -> str:
    """The report as a standalone HTML file: the e-mail's attachment."""
    return render_template(
        "notifications/report_document.html", report=report, month_label=month_label, sections=report_sections(report)
    )


def send_monthly_reports(now: datetime) -> dict[str, int]:
    """On the 1st: each manager gets last month's figures of their basins, in the app and by e-mail."""
    month = previous_month(now.astimezone(PARIS).date())
    period = month.strftime("%Y-%m")
    managers = [
        manager
        for manager in db.session.scalars(
            sa.select(User)
            # Steering accounts get their territory's report too (User.scope_basins).
            .where(User.role.in_([Role.MANAGER, Role.STEERING]), User.is_active.is_(True))
            .options(selectinload(User.basins))
            .order_by(User.id)
        )
        if manager.scope_basins
    ]
    claimed = claim_sends(MONTHLY_REPORT_JOB, period, [manager.id for manager in managers])
    notifications, emails = [], []
    for manager in managers:
        if manager.id not in claimed:
            continue
        basins = manager.scope_basins
        report = MonthlyReport(
            manager=manager,
            month=month,
            basin_names=[basin.name for basin in basins],
            figures=month_figures([basin.id for basin in basins], month),
        )
        db.session.add(report)
        db.session.flush()
        link = absolute_url("notifications.monthly_report", report_id=report.id)
        title = f"Point d'avancement mensuel — {month_label(month)}"
        notifications.append(
            {
                "recipient_id": manager.id,
                "kind": "monthly_report",
                "message": f"{title} disponible.",
                "link": app_path("notifications.monthly_report", report_id=report.id),
            }
        )
        emails.append(
            email_row(
                manager,
                "monthly_report",
                title,
                {"report": report, "link": link, "month_label": month_label},
                attachment_name=report_filename(report, "html"),
                attachment_html=report_document(report),
            )
        )
    queue_notifications(notifications)
    queue_emails(emails)
    return {"rapports": len(claimed), "deja_envoyes": len(managers) - len(claimed)}
