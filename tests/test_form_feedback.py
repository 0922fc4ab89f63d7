"""Forms that never leave the user wondering (issue 13): an error summary at the top of a refused
form, a success message after every change, a confirmation before a destructive action, no
destructive choice preselected, no follow-up dropped for want of a date, checkboxes instead of
multi-selects that need Ctrl-click."""

import html
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.activity.models import FollowUp, Interaction
from app.assignments.enums import HandoverStatus
from app.employers.models import Employer
from app.extensions import db
from app.leads.enums import LeadStatus
from app.needs.enums import NeedStatus
from app.plans.enums import PlanIndicator
from app.plans.models import PlanTarget
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    HandoverRequestFactory,
    LeadFactory,
    PlanEmployerFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    ServiceMobilisationFactory,
    UserFactory,
    seeded_basin,
    seeded_service_type,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen(travel):
    travel(NOW)


def _summary(page: str) -> str:
    match = re.search(r"<div [^>]*data-error-summary[^>]*>(.*?)</div>", page, re.S)
    assert match, "no error summary"
    return match.group(0)


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- The error summary ---------------------------------------------------------------------------


def test_a_refused_contact_form_lists_every_error_at_its_top_with_links_to_the_fields(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges",
        {"occurred_on": "pas une date", "channel": "phone", "subject": "", "next_follow_up_title": "Rappeler"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = _summary(page)
    # All three errors at once, each linked to its field, and the summary takes the focus.
    assert "3 erreurs empêchent l'enregistrement" in html.unescape(summary)
    assert 'href="#occurred_on"' in summary and 'href="#subject"' in summary and 'href="#next_follow_up_on"' in summary
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'role="alert"' in summary
    # The summary sits inside the contact form, which the page returns to.
    form = page[page.index('data-testid="interaction-form"') :]
    assert form.index("data-error-summary") < form.index("</form>")
    assert 'id="occurred_on"' in page and 'id="subject"' in page
    assert _count(Interaction) == 0


def test_a_service_refusal_is_listed_in_the_summary(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges", {"occurred_on": "2026-11-30", "channel": "phone", "subject": "Appel"}
    )
    assert response.status_code == 400
    assert "futur" in _summary(response.get_data(as_text=True))


def test_the_summary_links_a_radio_group_to_its_first_option(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges", {"occurred_on": "2026-11-22", "channel": "pigeon", "subject": "x"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#channel-0"' in _summary(page) and 'id="channel-0"' in page


def test_forms_that_showed_no_error_now_have_the_summary(client, post):
    response = post("/connexion", {"email": "", "password": ""})
    assert response.status_code in (200, 400)
    summary = _summary(response.get_data(as_text=True))
    assert 'href="#email"' in summary and 'href="#password"' in summary


def test_a_valid_form_has_no_summary(client, login):
    employer = EmployerFactory()
    login(UserFactory())
    assert "data-error-summary" not in client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)


# --- A follow-up subject without its date --------------------------------------------------------


def test_a_follow_up_subject_without_a_date_asks_for_the_date(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges",
        {"occurred_on": "2026-11-22", "channel": "phone", "subject": "Appel", "next_follow_up_title": "Rappeler"},
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Indiquez la date de la relance" in page
    assert 'href="#next_follow_up_on"' in page
    assert 'id="next_follow_up_on-error"' in page
    assert _count(Interaction) == 0 and _count(FollowUp) == 0


def test_a_follow_up_with_its_date_is_kept(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges",
        {
            "occurred_on": "2026-11-22",
            "channel": "phone",
            "subject": "Appel",
            "next_follow_up_on": "2026-12-01",
            "next_follow_up_title": "Rappeler",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(FollowUp.title)) == "Rappeler"


# --- A success message after every change ---------------------------------------------------------


@pytest.fixture
def adviser(login):
    user = UserFactory(basins=[seeded_basin("5219")])
    login(user)
    return user


def test_closing_reopening_and_scoring_a_need_each_say_so(client, post, adviser):
    need = RecruitmentNeedFactory(employer=EmployerFactory(), identified_on=date(2026, 11, 1))
    AssignmentFactory(employer=need.employer, adviser=adviser)
    assert post(f"/besoins/{need.id}/cloture", {"outcome": "filled", "positions_filled": "1"}).status_code == 302
    assert _flashes(client) == ["Le besoin est clôturé : pourvu."]
    assert post(f"/besoins/{need.id}/satisfaction", {"score": "5"}).status_code == 302
    assert _flashes(client) == ["La satisfaction de l'employeur est enregistrée."]
    db.session.expire_all()
    response = post(f"/besoins/{need.id}/reouverture", {"status": "sourcing", "version": str(need.version)})
    assert response.status_code == 302
    (message,) = _flashes(client)
    assert message.startswith("Le besoin est rouvert, à l'étape")


def test_adding_and_updating_a_service_say_so(client, post, adviser):
    need = RecruitmentNeedFactory(employer=EmployerFactory())
    mrs = seeded_service_type("mrs")
    assert post(f"/besoins/{need.id}/services", {"service_type": mrs.id, "status": "proposed"}).status_code == 302
    assert _flashes(client) == [f"Solution « {mrs.label} » enregistrée sur le besoin."]
    mobilisation = ServiceMobilisationFactory(need=need, service_type=seeded_service_type("afpr"))
    form = {"service_type": mobilisation.service_type_id, "status": "accepted", "version": mobilisation.version}
    assert post(f"/solutions/{mobilisation.id}/modifier", form).status_code == 302
    (message,) = _flashes(client)
    assert message.startswith(f"Solution « {mobilisation.service_type.label} » modifiée")


def test_moving_a_need_by_the_plain_form_says_so(client, post, adviser):
    need = RecruitmentNeedFactory(employer=EmployerFactory())
    assert post(f"/besoins/{need.id}/etape", {"status": "sourcing", "version": str(need.version)}).status_code == 302
    db.session.expire_all()
    assert need.status is NeedStatus.SOURCING
    assert _flashes(client) == [f"Le besoin « {need.title} » est passé à l'étape « {NeedStatus.SOURCING.label} »."]


# --- A confirmation before a destructive action ---------------------------------------------------


def test_deactivating_a_person_asks_for_confirmation_first(client, login, post):
    login(UserFactory(admin=True))
    adviser = UserFactory(full_name="Paul Durand")
    response = post(f"/administration/utilisateurs/{adviser.id}/desactiver")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Désactiver le compte de Paul Durand" in page and 'name="confirmation" value="1"' in page
    db.session.expire_all()
    assert adviser.is_active is True
    response = post(f"/administration/utilisateurs/{adviser.id}/desactiver", {"confirmation": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert adviser.is_active is False


def test_merging_asks_for_confirmation_and_keeps_both_records_until_then(client, login, post):
    login(UserFactory(lead=True))
    kept, merged = EmployerFactory(name="Boulangerie Martin"), EmployerFactory(name="Boulangerie Martin SARL")
    data = {"kept": kept.siret, "merged": merged.siret, "reason": "Même boulangerie"}
    response = post("/entreprises/fusion", data)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Fusionner « Boulangerie Martin SARL » dans « Boulangerie Martin »" in page
    # The confirmation sends the same fields again.
    for value in data.values():
        assert f'value="{value}"' in page
    assert db.session.get(Employer, merged.id) is not None


def test_removing_a_target_asks_for_confirmation(client, login, post):
    login(UserFactory(lead=True, basins=[seeded_basin("5219")]))
    entry = PlanEmployerFactory(plan=ProspectionPlanFactory(basin=seeded_basin("5219")))
    url = f"/plans/{entry.plan_id}/cibles/{entry.id}/retirer"
    assert post(url).status_code == 200
    db.session.expire_all()
    assert entry.is_excluded is False
    assert post(url, {"confirmation": "1"}).status_code == 302
    db.session.expire_all()
    assert entry.is_excluded is True


def test_deleting_a_plan_objective_asks_for_confirmation(client, login, post):
    login(UserFactory(lead=True, basins=[seeded_basin("5219")]))
    plan = ProspectionPlanFactory(basin=seeded_basin("5219"))
    plan.targets.append(PlanTarget(indicator=PlanIndicator.VISITS, target_value=10))
    db.session.flush()
    url = f"/plans/{plan.id}/objectifs/{plan.targets[0].id}/supprimer"
    assert post(url).status_code == 200
    assert _count(PlanTarget) == 1
    assert post(url, {"confirmation": "1"}).status_code == 302
    assert _count(PlanTarget) == 0


def test_who_may_not_deactivate_is_still_refused_before_any_confirmation(client, login, post):
    login(UserFactory(lead=True))
    adviser = UserFactory()
    assert post(f"/administration/utilisateurs/{adviser.id}/desactiver").status_code == 403
    assert post(f"/administration/utilisateurs/{adviser.id}/desactiver", {"confirmation": "1"}).status_code == 403
    db.session.expire_all()
    assert adviser.is_active is True


# --- No destructive default -----------------------------------------------------------------------


def test_the_rejection_reason_starts_unchosen_and_is_required(client, login, post):
    lead = LeadFactory()
    login(UserFactory(lead=True))
    page = client.get(f"/signalements/{lead.id}").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="reason"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert select.startswith('<option value="">— Choisir —</option>') and "selected" not in select
    response = post(f"/signalements/{lead.id}/refuser", {"reason": ""})
    assert response.status_code == 400
    assert 'href="#reason"' in _summary(response.get_data(as_text=True))
    db.session.expire_all()
    assert lead.status is LeadStatus.NEW


def test_the_handover_decision_starts_unchosen_and_is_required(client, login, post):
    handover = HandoverRequestFactory()
    login(UserFactory(lead=True))
    page = client.get("/passations").get_data(as_text=True)
    select = re.search(rf'<select[^>]*id="h{handover.id}-decision"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert select.startswith('<option value="">— Choisir —</option>') and "selected" not in select
    response = post(f"/passations/{handover.id}/decision", {f"h{handover.id}-decision": ""})
    assert response.status_code == 400
    assert f'href="#h{handover.id}-decision"' in _summary(response.get_data(as_text=True))
    db.session.expire_all()
    assert handover.status is HandoverStatus.PENDING


# --- Checkboxes instead of Ctrl-click -------------------------------------------------------------


def test_multiple_choices_are_checkboxes_and_long_lists_get_a_filter(client, login):
    login(UserFactory(lead=True, basins=[seeded_basin("5219")]))
    page = client.get("/plans/nouveau").get_data(as_text=True)
    assert "<select multiple" not in page and 'multiple id="' not in page
    assert re.search(r'<fieldset class="fr-fieldset"[^>]*id="headcount_bands"', page)
    assert 'type="checkbox" id="headcount_bands-0" name="headcount_bands"' in page
    # More than 12 NAF divisions: a scrolling list with a filter box, hidden until the script shows it.
    assert 'id="naf_divisions-filter"' in page and 'aria-controls="naf_divisions-options"' in page
    assert re.search(r"data-checkbox-filter hidden", page)
    # Twelve or fewer (the basin's leads): no filter.
    assert 'id="owner_ids-0"' in page and 'id="owner_ids-filter"' not in page


def test_a_checked_box_is_kept_when_the_form_comes_back(client, login, post):
    login(UserFactory(lead=True, basins=[seeded_basin("5219")]))
    response = post("/plans/nouveau", {"title": "", "headcount_bands": ["03", "11"]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    checked = re.findall(
        r'<input type="checkbox" id="headcount_bands-\d+" name="headcount_bands" value="(\w+)" checked>', page
    )
    assert checked == ["03", "11"]
