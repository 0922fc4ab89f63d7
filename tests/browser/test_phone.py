"""On a phone (375 px wide), between two visits: lists read as stacked cards, nothing scrolls
sideways, and a follow-up's buttons are on screen and work."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.needs.enums import Public
from app.plans.enums import PlanIndicator
from app.plans.models import PlanTarget
from app.timeutils import today_paris
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    EventFactory,
    EventParticipantFactory,
    FollowUpFactory,
    LeadFactory,
    OperatorFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    TagFactory,
    TaskForceMemberFactory,
    UserFactory,
    seeded_basin,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server, locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def assert_on_screen(locator):
    box = locator.bounding_box()
    assert box is not None and locator.is_visible()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_an_adviser_clears_a_follow_up_on_a_phone(phone, browser_login, screenshot):
    adviser = UserFactory()
    long_name = EmployerFactory(name="Établissement d'hébergement pour personnes âgées dépendantes Les Tilleuls")
    FollowUpFactory(owner=adviser, employer=long_name, title="Rappeler la directrice pour le planning d'été")
    postponed = FollowUpFactory(owner=adviser, due_on=today_paris() - timedelta(days=3), title="Relancer le devis")
    for employer in (long_name, postponed.employer):
        AssignmentFactory(employer=employer, adviser=adviser)
    db.session.flush()
    browser_login(phone, adviser)

    phone.goto("/relances")
    assert_no_sideways_scroll(phone)
    card = phone.locator("[data-testid=follow-ups] tbody tr", has_text="Relancer le devis")
    for label in ("Faite", "Demain", "+1 semaine"):
        assert_on_screen(card.get_by_role("button", name=label, exact=True))
    screenshot(phone, "phone-375-follow-ups")

    card.get_by_role("button", name="Demain", exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator(".fr-alert--success, .fr-notice", has_text="Relance reportée").count() >= 1
    db.session.refresh(postponed)
    assert postponed.due_on == today_paris() + timedelta(days=1)

    phone.locator("[data-testid=follow-ups] tbody tr", has_text="planning d'été").get_by_role(
        "button", name="Faite", exact=True
    ).click()
    phone.wait_for_load_state()
    assert phone.locator("[data-testid=follow-ups]", has_text="planning d'été").count() == 0

    phone.goto("/entreprises")
    assert_no_sideways_scroll(phone)
    assert phone.locator("[data-testid=employer-results] tbody tr").first.is_visible()
    screenshot(phone, "phone-375-employers")

    phone.goto(f"/entreprises/{long_name.siret}")
    assert_no_sideways_scroll(phone)
    screenshot(phone, "phone-375-employer")


def test_a_lead_assigns_from_the_queue_on_a_phone(phone, browser_login, screenshot):
    member = TaskForceMemberFactory()
    need = RecruitmentNeedFactory(
        publics=[Public.SENIORS],
        employer=EmployerFactory(name="Société coopérative ouvrière de production des Menuisiers du Trégor"),
    )
    RecruitmentNeedFactory()
    lead = UserFactory(lead=True)
    db.session.flush()
    browser_login(phone, lead)

    phone.goto("/affectations")
    assert_no_sideways_scroll(phone)
    row = phone.locator(f"[data-testid=queue-row-{need.employer_id}]")
    assert "vise des seniors" in row.inner_text()
    assert_on_screen(row.get_by_role("button", name="Affecter"))
    screenshot(phone, "phone-375-queue")

    phone.goto(f"/entreprises/{need.employer.siret}")
    assert_no_sideways_scroll(phone)
    phone.get_by_role("link", name="Affecter", exact=True).click()
    phone.wait_for_load_state()
    assert_no_sideways_scroll(phone)
    assert phone.locator("h1").inner_text().startswith("Affecter Société coopérative")
    screenshot(phone, "phone-375-assign-employer")
    phone.fill("#reason", "Connaît l'atelier")
    phone.get_by_role("button", name="Affecter", exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator("text=est affectée").is_visible()
    assert phone.locator("[data-testid=privileged-contact-history]", has_text=member.user.full_name).is_visible()


def test_the_other_wide_lists_read_as_cards_on_a_phone(phone, browser_login):
    """Needs, plans, events, leads and users: each row a card, nothing wider than the phone."""
    long_name = "Établissement d'hébergement pour personnes âgées dépendantes Les Tilleuls"
    employer = EmployerFactory(name=long_name)
    RecruitmentNeedFactory(employer=employer, title="Agent de service hospitalier de nuit en remplacement")
    ProspectionPlanFactory(title="Plan de prospection des établissements médico-sociaux du littoral")
    EventFactory(title="Job dating des métiers du grand âge et de l'aide à domicile", place="Salle polyvalente")
    LeadFactory(employer_name=long_name, job_title="Aide-soignant diplômé d'État")
    UserFactory(full_name="Marie-Charlotte Dupont-Lefebvre", email="marie-charlotte.dupont-lefebvre@exemple.fr")
    admin = UserFactory(admin=True)
    db.session.flush()
    browser_login(phone, admin)
    for path in ("/besoins/liste", "/plans", "/evenements", "/signalements", "/administration/utilisateurs"):
        phone.goto(path)
        assert phone.locator("table.table-cards tbody tr").count() >= 1, path
        assert_no_sideways_scroll(phone)


def test_the_needs_board_stacks_its_stages_on_a_phone(phone, browser_login):
    """Each stage under the previous one, all within the screen: not a strip to scroll sideways."""
    adviser = UserFactory()
    RecruitmentNeedFactory(employer=EmployerFactory(), title="Cuisinier de collectivité")
    db.session.flush()
    browser_login(phone, adviser)
    phone.goto("/besoins")
    columns = phone.locator(".need-board__column")
    assert columns.count() >= 2
    for index in range(columns.count()):
        assert_on_screen(columns.nth(index))
    assert_no_sideways_scroll(phone)


def test_a_plans_progress_reads_as_cards_on_a_phone(phone, browser_login):
    """Each target a card: its progress bar and percentage within the screen, not in a column cut off at the right."""
    plan = ProspectionPlanFactory(title="Plan de prospection des établissements médico-sociaux du littoral")
    plan.targets = [
        PlanTarget(indicator=PlanIndicator.VISITS, target_value=45),
        PlanTarget(indicator=PlanIndicator.EMPLOYERS_WITH_CONTACT, target_value=40),
    ]
    lead = UserFactory(lead=True)
    db.session.flush()
    browser_login(phone, lead)
    phone.goto(f"/plans/{plan.id}")
    progress = phone.locator("[data-testid=progress] tbody tr")
    assert progress.count() == 2
    for index in range(2):
        assert_on_screen(progress.nth(index).locator("progress"))
    assert_no_sideways_scroll(phone)


def test_an_events_participants_read_as_cards_on_a_phone(phone, browser_login):
    """Each participant a card: the hires, the last column, on screen."""
    participant = EventParticipantFactory(
        employer=EmployerFactory(name="Établissement d'hébergement pour personnes âgées dépendantes Les Tilleuls"),
        positions_offered=4,
        interviews=6,
        hires=3,
    )
    db.session.flush()
    browser_login(phone, UserFactory(lead=True))
    phone.goto(f"/evenements/{participant.event_id}")
    row = phone.locator("[data-testid=participants] tbody tr")
    assert row.count() == 1
    assert_on_screen(row.locator("td[data-label=Recrutements]"))
    assert row.locator("td[data-label=Recrutements]").inner_text() == "3"
    assert_no_sideways_scroll(phone)


@pytest.mark.parametrize(
    "path", ["/administration/bassins", "/administration/operateurs", "/administration/etiquettes"]
)
def test_the_administrations_lists_read_as_cards_on_a_phone(phone, browser_login, path):
    """Basins, operators, tags: every column of a row on screen, the last one (État) included."""
    TagFactory()
    OperatorFactory(basins=[seeded_basin()])
    db.session.flush()
    browser_login(phone, UserFactory(admin=True))
    phone.goto(path)
    row = phone.locator("table.table-cards tbody tr").first
    assert_on_screen(row.locator("td[data-label='État']"))
    assert_no_sideways_scroll(phone)
