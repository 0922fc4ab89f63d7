"""The home page per role: what each user has to do now, each block read by its own domain's queries.

One builder per role; each block is one query (or a fixed few), so the page's statements do not
grow with the data (tests/main/test_home_per_role.py counts them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.activity.queries import due_follow_ups
from app.assignments.queries import members_over_capacity, pending_handovers, portfolio_size, queue_query
from app.auth.enums import Role
from app.auth.models import User
from app.committees.queries import escalated_needs, meetings_of
from app.dashboard.averages import territory_averages
from app.dashboard.queries import scope_figures
from app.dashboard.scopes import Period, quarter_of, visible_basins
from app.formatting import number, percent
from app.leads.enums import LeadStatus
from app.leads.queries import lead_list, lead_status_counts, outside_basin_count
from app.needs.queries import my_open_needs
from app.notifications.enums import EmailStatus
from app.notifications.queries import outbox_query
from app.pagination import preview
from app.plans.queries import adviser_targets
from app.scheduler.registry import JOBS
from app.scheduler.runner import job_health
from app.timeutils import PARIS

FIRST_ITEMS = 5
# The admins' home counts the failed runs of the last week.
JOB_FAILURES_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class HomePage:
    template: str
    context: dict


def _adviser(user: User, today: date) -> dict:
    return {
        "follow_ups": due_follow_ups(user, today, FIRST_ITEMS),
        "plan_targets": adviser_targets(user, today),
        "open_needs": preview(my_open_needs(user), FIRST_ITEMS),
        "portfolio": portfolio_size(user),
        "today": today,
    }


def _lead(user: User, today: date) -> dict:
    return {
        "queue": preview(queue_query(user, today), FIRST_ITEMS, scalars=False),
        "triage": preview(lead_list(user, LeadStatus.NEW), FIRST_ITEMS),
        "handovers": preview(pending_handovers(user), FIRST_ITEMS),
        "over_capacity": preview(members_over_capacity(user), FIRST_ITEMS, scalars=False),
    }


@dataclass(frozen=True)
class FigureChange:
    """A headline figure of the manager's scope, this quarter so far and over the same days of the previous one."""

    name: str
    label: str
    value: float | None
    previous: float | None
    is_rate: bool = False
    # (label, value in French) of the département's and région's averages (app.dashboard.averages).
    averages: tuple[tuple[str, str], ...] = ()

    @property
    def shown(self) -> str:
        return percent(self.value) if self.is_rate else number(self.value)

    @property
    def change(self) -> str:
        """ "+3", "−2", "=" ("+5 pts" for a rate); "—" when either side has no value."""
        if self.value is None or self.previous is None:
            return "—"
        difference = (self.value - self.previous) * (100 if self.is_rate else 1)
        if round(difference) == 0:
            return "="
        sign = "+" if difference > 0 else "\N{MINUS SIGN}"
        return f"{sign}{number(abs(difference))}{' pts' if self.is_rate else ''}"


# The manager's headline figures: names of app.dashboard.queries.FIGURES (or a rate of BasinFigures).
HEADLINE_FIGURES = (
    ("contacted", "Entreprises contactées", False),
    ("contacts", "Échanges avec les entreprises", False),
    ("with_need", "Entreprises avec un besoin identifié", False),
    ("needs_filled", "Besoins pourvus", False),
    ("fill_rate_needs", "Taux de besoins pourvus", True),
)


def previous_period(period: Period) -> Period:
    """The same number of days at the start of the previous quarter: a quarter under way is compared
    with the previous one at the same point, not with a whole quarter."""
    previous_quarter = quarter_of(period.start - timedelta(days=1))
    end = min(previous_quarter.start + timedelta(days=period.days - 1), previous_quarter.end)
    return Period(previous_quarter.start, end)


def _manager(user: User, today: date) -> dict:
    basins = visible_basins(user)
    basin_ids = [basin.id for basin in basins]
    period = Period(quarter_of(today).start, today)
    previous = previous_period(period)
    current, before = scope_figures(basin_ids, period), scope_figures(basin_ids, previous)
    # A manager of one basin sees its département's and région's averages beside each figure.
    averages = territory_averages(basins[0], period) if len(basins) == 1 and user.role is Role.MANAGER else []
    figures = [
        FigureChange(
            name,
            label,
            getattr(current, name),
            getattr(before, name),
            is_rate,
            tuple((average.label, _shown(average.value(name), is_rate)) for average in averages),
        )
        for name, label, is_rate in HEADLINE_FIGURES
    ]
    return {"figures": figures, "period": period, "previous_period": previous}


def _shown(value: float | None, is_rate: bool) -> str:
    return percent(value) if is_rate else number(value, 1)


def _steering(user: User, today: date) -> dict:
    """The territory's figures (as a manager's), its committees' last meetings and escalated needs."""
    basin_ids = [basin.id for basin in visible_basins(user)]
    return {
        **_manager(user, today),
        "meetings": preview(meetings_of(basin_ids), FIRST_ITEMS),
        "escalations": preview(escalated_needs(basin_ids), FIRST_ITEMS),
        "territory": user.steering_territory,
    }


def _spotter(user: User, today: date) -> dict:
    return {"leads": preview(lead_list(user), FIRST_ITEMS), "lead_counts": lead_status_counts(user)}


def _admin(user: User, today: date) -> dict:
    since = datetime.combine(today, time(), tzinfo=PARIS) - JOB_FAILURES_WINDOW
    return {
        "jobs": job_health(JOBS, since),
        "failed_emails": preview(outbox_query(EmailStatus.FAILED), FIRST_ITEMS),
        "outside_basins": outside_basin_count(),
    }


BUILDERS: dict[Role, Callable[[User, date], dict]] = {
    Role.ADVISER: _adviser,
    Role.TASKFORCE_LEAD: _lead,
    Role.MANAGER: _manager,
    Role.SPOTTER: _spotter,
    Role.ADMIN: _admin,
    Role.STEERING: _steering,
}


def home_page(user: User, today: date) -> HomePage:
    return HomePage(f"main/home_{user.role.value}.html", BUILDERS[user.role](user, today))
