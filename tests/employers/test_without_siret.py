"""Employers without SIRET (created by the public form, spotters, advisers) work on every page and
action that takes an employer, as those with one do."""

import html
import re
from datetime import UTC, datetime

import pytest

from app.activity.enums import Channel
from app.plans.enums import PlanIndicator
from tests.factories import (
    AssignmentFactory,
    EmployerContactFactory,
    EmployerEngagementFactory,
    EmployerFactory,
    EventFactory,
    EventParticipantFactory,
    InteractionFactory,
    PlanEmployerFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
    seeded_service_type,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

# Every route whose URL names an employer: the walk below must cover each (a new one fails here).
EMPLOYER_URL_ARGUMENTS = {"siret", "employer_id"}


@pytest.fixture
def world(login, travel):
    travel(NOW)
    basin = seeded_basin("5219")
    lead = UserFactory(lead=True, basins=[basin])
    adviser = UserFactory(basins=[basin])
    employer = EmployerFactory(siret=None, name="Chez Lulu")
    target = EmployerFactory(siret=None, name="Garage du Port")
    excluded = EmployerFactory(siret=None, name="Ferronnerie Morel")
    newcomer = EmployerFactory(siret=None, name="Atelier Neuf")
    duplicate = EmployerFactory(siret=None, name="Chez Lulu bis")
    contact = EmployerContactFactory(employer=employer)
    need = RecruitmentNeedFactory(employer=employer, filled=True)
    InteractionFactory(employer=employer, author=adviser, channel=Channel.VISIT)
    AssignmentFactory(employer=employer, adviser=adviser)
    plan = ProspectionPlanFactory(basin=basin)
    PlanEmployerFactory(plan=plan, employer=employer)
    PlanEmployerFactory(plan=plan, employer=target, adviser=lead)
    PlanEmployerFactory(plan=plan, employer=excluded, is_excluded=True)
    event = EventFactory(held=True, basin=basin)
    participant = EventParticipantFactory(event=event, employer=employer, hires=1)
    login(lead)
    return {
        "employer": employer,
        "newcomer": newcomer,
        "duplicate": duplicate,
        "contact": contact,
        "need": need,
        "plan": plan,
        "event": event,
        "participant": participant,
    }


def _pages(world) -> list[str]:
    employer, plan, event = world["employer"], world["plan"], world["event"]
    key = employer.url_key
    return [
        "/",
        f"/entreprises/{key}",
        f"/entreprises/{key}/modifier",
        f"/entreprises/{key}/interlocuteurs/nouveau",
        f"/entreprises/{key}/interlocuteurs/{world['contact'].id}",
        f"/entreprises/{key}/interlocuteurs/{world['contact'].id}/donnees.json",
        f"/entreprises/{key}/interlocuteurs/{world['contact'].id}/donnees.pdf",
        f"/entreprises/{key}/interlocuteurs/{world['contact'].id}/effacer",
        f"/entreprises/{key}/besoins/nouveau",
        f"/entreprises/{employer.id}/passation",
        f"/affectations/entreprises/{world['newcomer'].id}",
        f"/besoins/{world['need'].id}",
        f"/besoins/{world['need'].id}/modifier",
        f"/plans/{plan.id}/cibles",
        f"/plans/{plan.id}/cibles?retirees=1",
        *[f"/plans/{plan.id}/avancement/{indicator.value}" for indicator in PlanIndicator],
        f"/evenements/{event.id}",
        f"/evenements/{event.id}/participants/{world['participant'].id}",
        f"/evenements/{event.id}/resultats",
        "/entreprises/doublons",
    ]


def test_every_page_that_shows_an_employer_without_siret_works_and_links_to_it(client, world):
    key = world["employer"].url_key
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/entreprises/{key}").get_data(as_text=True)
    assert f'href="/entreprises/{key}/besoins/nouveau"' in page  # the "Nouveau besoin" button
    for url in (f"/besoins/{world['need'].id}", f"/plans/{world['plan'].id}/avancement/visits"):
        assert f'href="/entreprises/{key}"' in client.get(url).get_data(as_text=True), url


def _hidden_employer_of(page: str) -> str:
    """What the target list's "Remettre dans la liste" button sends."""
    return html.unescape(re.search(r'name="employer" value="([^"]+)"', page).group(1))


def test_every_action_on_an_employer_without_siret_succeeds(app, client, post, world):
    employer, plan, event = world["employer"], world["plan"], world["event"]
    key = employer.url_key
    charter = EmployerEngagementFactory(employer=employer)
    actions = [
        (
            f"/entreprises/{key}/modifier",
            {"siret": "", "name": "Chez Lulu", "commune_insee": "44184", "version": str(employer.version)},
        ),
        (f"/entreprises/{key}/interlocuteurs/nouveau", {"last_name": "Durand"}),
        (f"/entreprises/{key}/interlocuteurs/{world['contact'].id}", {"last_name": "Martin"}),
        (f"/entreprises/{key}/interlocuteurs/{world['contact'].id}/opposition", {"opposed": "1"}),
        (f"/entreprises/{key}/interlocuteurs/{world['contact'].id}/effacer", {"confirm": "y"}),
        (f"/entreprises/{key}/echanges", {"occurred_on": "2026-11-21", "channel": "phone", "subject": "Appel"}),
        (
            f"/entreprises/{key}/besoins/nouveau",
            {"title": "Serveur", "positions": "1", "contract": "cdi", "origin": "contact"},
        ),
        (f"/entreprises/{key}/engagements", {"kind": "club", "starts_on": "2026-03-02"}),
        (
            f"/entreprises/{key}/solutions/nouvelle",
            {"service_type": str(seeded_service_type("pcrh").id), "status": "proposed", "version": "0"},
        ),
        (f"/entreprises/{key}/engagements/{charter.id}/fin", {"ends_on": "2026-10-31"}),
        (f"/entreprises/{employer.id}/passation", {"reason": "Changement de secteur"}),
        (f"/evenements/{event.id}/participants", {"employer": world["newcomer"].url_key}),
        (f"/plans/{plan.id}/cibles/ajouter", {"employer": world["newcomer"].url_key}),
        (
            f"/plans/{plan.id}/cibles/ajouter",
            {"employer": _hidden_employer_of(client.get(f"/plans/{plan.id}/cibles?retirees=1").get_data(as_text=True))},
        ),
        (
            "/entreprises/fusion",
            {"kept": key, "merged": world["duplicate"].url_key, "reason": "Même établissement", "confirmation": "1"},
        ),
    ]
    for url, data in actions:
        response = post(url, data)
        assert response.status_code == 302, (url, response.status_code, response.get_data(as_text=True)[:3000])

    # The walk covered every route that names an employer in its URL.
    covered = {app.url_map.bind("").match(url, method="POST")[0] for url, _ in actions}
    covered |= {app.url_map.bind("").match(url.split("?")[0])[0] for url in _pages(world)}
    # The API's routes are walked with a token in tests/api (an employer without SIRET by its reference).
    naming_an_employer = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.arguments & EMPLOYER_URL_ARGUMENTS and not rule.endpoint.startswith("api.")
    }
    assert naming_an_employer <= covered


def test_an_employer_is_named_by_siret_or_by_the_reference_shown_on_its_page(client, post, world):
    event = world["event"]
    newcomer = world["newcomer"]
    page = client.get(f"/entreprises/{newcomer.url_key}").get_data(as_text=True)
    assert newcomer.url_key in page  # the reference to give when it has no SIRET
    with_siret = EmployerFactory()
    spaced = " ".join([with_siret.siret[:3], with_siret.siret[3:6], with_siret.siret[6:9], with_siret.siret[9:]])
    for typed in (newcomer.url_key.upper(), f"http://localhost/entreprises/{newcomer.url_key}", spaced):
        response = post(f"/evenements/{event.id}/participants", {"employer": typed})
        assert response.status_code == 302, typed
        post(f"/evenements/{event.id}/participants/{_participant_id(response)}/retirer", {"confirmation": "1"})
    response = post(f"/evenements/{event.id}/participants", {"employer": "n999999999"})
    assert response.status_code == 400
    assert "Aucune entreprise de vos bassins" in response.get_data(as_text=True)


def _participant_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])
