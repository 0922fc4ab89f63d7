"""The home page per role: each role sees its own blocks with the right counts, not the others',
in a bounded number of statements; the header's notification bell."""

from datetime import date, timedelta
from html import unescape

import pytest

from app.dashboard.queries import scope_figures
from app.dashboard.scopes import Period
from app.extensions import db
from app.leads.enums import LeadStatus, RejectionReason
from app.main.home import previous_period
from app.needs.enums import NeedStatus
from app.notifications.enums import EmailStatus
from app.scheduler.enums import JobRunStatus, JobRunTrigger
from app.scheduler.models import JobRun
from app.timeutils import utcnow
from tests.conftest import extract, paris
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    FollowUpFactory,
    HandoverRequestFactory,
    InteractionFactory,
    LeadFactory,
    NotificationFactory,
    OutboxEmailFactory,
    PlanEmployerFactory,
    RecruitmentNeedFactory,
    TaskForceMemberFactory,
    UserFactory,
    seeded_basin,
)

TODAY = date(2026, 11, 20)
BLOCKS = {
    "adviser": ("home-follow-ups", "home-open-needs", "home-targets"),
    "taskforce_lead": ("home-queue", "home-triage", "home-handovers", "home-over-capacity"),
    "manager": ("home-figures",),
    "spotter": ("home-leads",),
    "admin": ("home-jobs", "home-failed-emails"),
}
TRAITS = {
    "adviser": {},
    "taskforce_lead": {"lead": True},
    "manager": {"manager": True},
    "spotter": {"spotter": True},
    "steering": {"steering": True},
}


@pytest.fixture
def today(travel):
    travel(paris(2026, 11, 20, 9, 0))
    return TODAY


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def count_of(html: str, block: str) -> str:
    return extract(rf'data-testid="{block}-count">([^<]*)<', html)


def assert_only_blocks(html: str, role: str) -> None:
    for other, blocks in BLOCKS.items():
        for block in blocks:
            assert (f'data-testid="{block}"' in html) is (other == role), (role, block)


def test_an_adviser_sees_follow_ups_due_targets_and_open_needs(client, login, today):
    adviser = UserFactory()
    other = UserFactory()
    late = FollowUpFactory(owner=adviser, due_on=TODAY - timedelta(days=3), title="Relancer le devis")
    FollowUpFactory(owner=adviser, due_on=TODAY, title="Appeler la DRH")
    FollowUpFactory(owner=adviser, due_on=TODAY + timedelta(days=1), title="Plus tard")
    FollowUpFactory(owner=other, due_on=TODAY, title="Celle d'un collègue")
    mine = AssignmentFactory(adviser=adviser, employer=EmployerFactory(name="Boulangerie Kervella")).employer
    open_need = RecruitmentNeedFactory(employer=mine, title="Boulanger", status=NeedStatus.QUALIFIED)
    RecruitmentNeedFactory(employer=mine, title="Vendeuse pourvue", filled=True)
    RecruitmentNeedFactory(title="Besoin d'une autre entreprise")
    target = PlanEmployerFactory(adviser=adviser, employer=EmployerFactory(name="Garage de la Gare"))
    login(adviser)

    html = home(client)
    assert_only_blocks(html, "adviser")
    assert count_of(html, "home-follow-ups") == "2"
    assert "1 pour aujourd'hui, 1 en retard" in html
    assert "Relancer le devis" in html and "Appeler la DRH" in html
    assert "Plus tard" not in html and "Celle d'un collègue" not in html
    assert f"/entreprises/{late.employer.url_key}" in html
    assert count_of(html, "home-open-needs") == "1"
    assert f'href="/besoins/{open_need.id}"' in html and "Vendeuse pourvue" not in html
    assert "Besoin d'une autre entreprise" not in html
    assert "Mes cibles des plans de prospection" in html and target.plan.title in html
    assert "Garage de la Gare" in html
    assert "Mon portefeuille : 1 entreprise" in html


def test_a_task_force_lead_sees_the_queue_triage_handovers_and_overloaded_advisers(client, login, today):
    lead = UserFactory(lead=True)
    waiting = RecruitmentNeedFactory(employer=EmployerFactory(name="Conserverie Océane")).employer
    RecruitmentNeedFactory(employer=AssignmentFactory().employer)  # has a privileged contact: not waiting
    LeadFactory(employer_name="Crêperie du Port", job_title="Crêpier")
    LeadFactory(employer_name="Déjà trié", status=LeadStatus.REJECTED, rejection_reason=RejectionReason.DUPLICATE)
    handover = HandoverRequestFactory()
    busy = TaskForceMemberFactory(user=UserFactory(full_name="Anne Débordée"), capacity=1)
    AssignmentFactory.create_batch(2, adviser=busy.user)
    TaskForceMemberFactory(user=UserFactory(full_name="Paul Tranquille"), capacity=5)
    login(lead)

    html = home(client)
    assert_only_blocks(html, "taskforce_lead")
    assert count_of(html, "home-queue") == "1"
    assert "Conserverie Océane" in html and f"/entreprises/{waiting.url_key}" in html
    assert count_of(html, "home-triage") == "1"
    assert "Crêperie du Port" in html and "Déjà trié" not in html
    assert count_of(html, "home-handovers") == "1"
    assert handover.employer.display_name in html
    assert count_of(html, "home-over-capacity") == "1"
    assert "Anne Débordée" in html and "2 entreprises pour une capacité de 1" in html
    assert "Paul Tranquille" not in html


def test_a_lead_sees_only_the_basins_of_their_task_force(client, login, today):
    other_basin_lead = UserFactory(lead=True, basins=[])
    RecruitmentNeedFactory(employer=EmployerFactory(name="Conserverie Océane"))
    LeadFactory(employer_name="Crêperie du Port")
    login(other_basin_lead)

    html = home(client)
    for block in ("home-queue", "home-triage", "home-handovers", "home-over-capacity"):
        assert count_of(html, block) == "0"
    assert "Conserverie Océane" not in html and "Crêperie du Port" not in html


def test_a_manager_sees_the_scope_figures_with_the_change_since_the_previous_quarter(client, login, today):
    manager = UserFactory(manager=True)
    for _ in range(3):
        InteractionFactory(occurred_on=date(2026, 11, 2))
    InteractionFactory(occurred_on=date(2026, 8, 10))  # same days of the previous quarter
    InteractionFactory(occurred_on=date(2026, 9, 10))  # previous quarter, after the same days: not compared
    login(manager)

    html = home(client)
    assert_only_blocks(html, "manager")
    period = Period(date(2026, 10, 1), TODAY)
    assert previous_period(period) == Period(date(2026, 7, 1), date(2026, 8, 20))
    # The dashboard's one definition of each figure: the home page shows the same numbers.
    figures = scope_figures([seeded_basin().id], period)
    assert extract(r'data-testid="home-figure-contacted-value">([^<]*)<', html) == str(figures.contacted) == "3"
    assert extract(r'data-testid="home-figure-contacted-change">([^<]*)<', html) == "+2 vs trimestre précédent"
    assert extract(r'data-testid="home-figure-contacts-change">([^<]*)<', html) == "+2 vs trimestre précédent"
    assert extract(r'data-testid="home-figure-needs_filled-change">([^<]*)<', html) == "= vs trimestre précédent"


def test_a_spotter_sees_their_leads_and_what_became_of_them(client, login, today):
    spotter = UserFactory(spotter=True)
    LeadFactory(spotter=spotter, employer_name="Hôtel des Dunes", job_title="Réceptionniste")
    LeadFactory(spotter=spotter, accepted=True, employer_name="Ferme du Bois", job_title="Ouvrier agricole")
    LeadFactory(employer_name="Signalement d'un autre")
    login(spotter)

    html = home(client)
    assert_only_blocks(html, "spotter")
    assert count_of(html, "home-leads") == "2"
    assert "Hôtel des Dunes" in html and "Ferme du Bois" in html
    assert "Signalement d'un autre" not in html
    counts = extract(r'(?s)data-testid="home-lead-counts">(.*?)</ul>', html)
    assert "À traiter : 1" in counts and "Accepté : 1" in counts and "Refusé" not in counts
    assert "besoin : identifié" in html


def test_an_admin_sees_failing_jobs_failed_emails_and_outside_needs(client, login, today):
    admin = UserFactory(admin=True)
    now = utcnow()
    db.session.add_all(
        [
            JobRun(job_id="escalation", trigger=JobRunTrigger.SCHEDULE, status=JobRunStatus.FAILED, created_at=now),
            JobRun(
                job_id="escalation",
                trigger=JobRunTrigger.SCHEDULE,
                status=JobRunStatus.FAILED,
                created_at=now - timedelta(days=1),
            ),
            JobRun(
                job_id="stale_needs",
                trigger=JobRunTrigger.SCHEDULE,
                status=JobRunStatus.FAILED,
                created_at=now - timedelta(days=30),
            ),
            JobRun(job_id="stale_needs", trigger=JobRunTrigger.SCHEDULE, status=JobRunStatus.SUCCEEDED, created_at=now),
        ]
    )
    OutboxEmailFactory(status=EmailStatus.FAILED, subject="Votre point du jour en échec", attempts=5)
    OutboxEmailFactory(subject="Un courriel parti")
    LeadFactory(outside_basins=True)
    login(admin)

    html = home(client)
    assert_only_blocks(html, "admin")
    assert count_of(html, "home-jobs") == "1"
    assert "Escalade des relances en retard et des interlocuteurs désactivés — 2 échecs depuis 7 jours" in html
    assert count_of(html, "home-failed-emails") == "1"
    assert "Votre point du jour en échec" in html and "Un courriel parti" not in html
    assert "1 besoin hors bassin à router" in html


@pytest.mark.parametrize("role", list(TRAITS))
def test_the_admins_blocks_are_theirs_alone(client, login, today, role):
    OutboxEmailFactory(status=EmailStatus.FAILED, subject="Votre point du jour en échec")
    login(UserFactory(**TRAITS[role]))
    html = home(client)
    assert "Votre point du jour en échec" not in html and "Tâches planifiées en échec" not in html


def _populate(user, role: str, times: int) -> None:
    """Some of everything a home page lists, for the user."""
    for _ in range(times):
        employer = AssignmentFactory(adviser=user if role == "adviser" else UserFactory()).employer
        FollowUpFactory(owner=user, employer=employer, due_on=TODAY - timedelta(days=1))
        RecruitmentNeedFactory(employer=employer)
        RecruitmentNeedFactory()
        PlanEmployerFactory(adviser=user)
        LeadFactory(spotter=user if role == "spotter" else UserFactory(spotter=True), accepted=True)
        LeadFactory()
        HandoverRequestFactory()
        AssignmentFactory(adviser=TaskForceMemberFactory(capacity=0).user)
        OutboxEmailFactory(status=EmailStatus.FAILED)
        InteractionFactory()
        NotificationFactory(recipient=user)


@pytest.mark.parametrize("role", ["adviser", "taskforce_lead", "manager", "spotter", "admin", "steering"])
def test_the_home_page_runs_a_bounded_number_of_statements(client, login, count_queries, today, role):
    user = UserFactory(**TRAITS.get(role, {"admin": True}))
    _populate(user, role, 1)
    login(user)
    with count_queries() as few:
        home(client)
    _populate(user, role, 10)  # ten times the data: the same statements
    with count_queries() as many:
        home(client)
    assert len(many) == len(few)
    # A manager of one basin: five more for its département's and région's averages (app/dashboard/averages.py);
    # a steering account: its territory, its committees' meetings and escalated needs.
    assert len(many) <= (25 if role in ("manager", "steering") else 20), many


def test_the_bell_counts_unread_notifications_and_empties_once_they_are_read(client, login, post, count_queries):
    user = UserFactory(spotter=True)
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=utcnow())
    NotificationFactory()  # someone else's
    login(user)

    html = home(client)
    bell = extract(r'(<a [^>]*data-testid="notification-bell".*?</a>)', html.replace("\n", " "))
    assert 'href="/notifications"' in bell and "fr-icon-notification-3-line" in bell
    assert "3 notifications non lues" in bell
    assert extract(r'data-testid="notification-count">([^<]*)<', bell) == "3"
    with count_queries() as statements:
        home(client)
    assert sum("notifications" in statement for statement in statements) == 1

    assert post("/notifications/tout-lu").status_code == 302
    html = home(client)
    assert 'data-testid="notification-count"' not in html
    assert "Notifications : aucune non lue" in html
