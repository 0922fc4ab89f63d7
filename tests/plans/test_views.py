from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.plans.enums import PlanIndicator, SegmentKind
from app.plans.models import PlanEmployer, PlanSegment, PlanTarget, ProspectionPlan
from app.timeutils import today_paris
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    InteractionFactory,
    PlanEmployerFactory,
    ProspectionPlanFactory,
    UserFactory,
    seeded_basin,
)


def _form(**overrides):
    data = {
        "title": "Plan T1 2027",
        "basin_id": str(seeded_basin().id),
        "starts_on": "2027-01-01",
        "ends_on": "2027-03-31",
        "target_list_size": "50",
        "naf_divisions": ["56", "43"],
        "headcount_bands": ["11", "12"],
        "target_visits": "40",
        "target_events_held": "2",
    }
    data.update(overrides)
    return data


def test_a_lead_creates_a_plan_from_segments(login, post):
    lead = UserFactory(lead=True)
    login(lead)
    response = post("/plans/nouveau", _form(owner_ids=[str(lead.id)]))
    assert response.status_code == 302
    db.session.expire_all()
    plan = db.session.scalar(sa.select(ProspectionPlan).where(ProspectionPlan.title == "Plan T1 2027"))
    assert plan.owners == [lead]
    assert plan.segment_values(SegmentKind.NAF_DIVISION) == {"56", "43"}
    assert {(t.indicator, t.target_value) for t in plan.targets} == {
        (PlanIndicator.VISITS, 40),
        (PlanIndicator.EVENTS_HELD, 2),
    }


def test_a_plan_ending_before_it_starts_gets_a_french_message(login, post):
    login(UserFactory(lead=True))
    response = post("/plans/nouveau", _form(starts_on="2027-03-31", ends_on="2027-01-01"))
    assert response.status_code == 400
    assert "La fin de la période ne peut pas précéder son début." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProspectionPlan)) == 0


def test_a_negative_target_gets_a_french_message(login, post):
    login(UserFactory(lead=True))
    response = post("/plans/nouveau", _form(target_visits="-3"))
    assert response.status_code == 400
    assert "L&#39;objectif ne peut pas être négatif." in response.get_data(as_text=True)
    plan = ProspectionPlanFactory()
    response = post(f"/plans/{plan.id}/objectifs", {"indicator": "visits", "operator_id": "1", "target_value": "-1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanTarget)) == 0


def test_the_detail_shows_progress_with_a_drill_down(client, login):
    plan = ProspectionPlanFactory(starts_on=today_paris() - timedelta(days=10))
    plan.targets.append(PlanTarget(indicator=PlanIndicator.VISITS, target_value=4))
    InteractionFactory(channel="visit", occurred_on=today_paris())
    login(UserFactory(manager=True))
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="done-visits">1</a> / 4' in html
    assert 'value="25"' in html
    drill = client.get(f"/plans/{plan.id}/avancement/visits")
    assert drill.status_code == 200 and "Appel de prise de contact" in drill.get_data(as_text=True)
    assert client.get(f"/plans/{plan.id}/avancement/unknown").status_code == 404


def test_build_share_and_adjust_the_target_list(client, login, post):
    plan = ProspectionPlanFactory()
    restaurant = EmployerFactory(naf_code="56.10A")
    first, second = UserFactory(full_name="Anne"), UserFactory(full_name="Bruno")
    plan.segments = []
    db.session.flush()
    login(UserFactory(lead=True))
    assert post(f"/plans/{plan.id}/cibles/calculer").status_code == 302
    assert post(f"/plans/{plan.id}/repartir", {}).status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(sa.select(PlanEmployer).where(PlanEmployer.employer_id == restaurant.id))
    assert entry.adviser_id == first.id
    assert post(f"/plans/{plan.id}/cibles/{entry.id}/attribuer", {"adviser_id": str(second.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanEmployer, entry.id).adviser_id == second.id
    html = client.get(f"/plans/{plan.id}/cibles").get_data(as_text=True)
    assert "Sans interlocuteur privilégié (+2)" in html


def test_adding_an_employer_twice_or_from_another_basin_is_refused(login, post):
    plan = ProspectionPlanFactory()
    entry = PlanEmployerFactory(plan=plan)
    login(UserFactory(lead=True))
    response = post(f"/plans/{plan.id}/cibles/ajouter", {"employer": entry.employer.siret})
    assert response.status_code == 409
    assert "déjà dans la liste cible" in response.get_data(as_text=True)
    stranger = EmployerFactory(basin=BasinFactory())
    assert post(f"/plans/{plan.id}/cibles/ajouter", {"employer": stranger.siret}).status_code == 400


def test_duplicate_for_the_next_period(login, post):
    plan = ProspectionPlanFactory(starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31))
    login(UserFactory(lead=True))
    response = post(f"/plans/{plan.id}/dupliquer")
    assert response.status_code == 302
    db.session.expire_all()
    copy = db.session.scalar(sa.select(ProspectionPlan).where(ProspectionPlan.id != plan.id))
    assert (copy.starts_on, copy.ends_on) == (date(2027, 4, 1), date(2027, 6, 30))


def test_other_basins_get_404_and_spotters_nothing(client, login, post):
    plan = ProspectionPlanFactory(basin=BasinFactory())
    login(UserFactory(lead=True))
    assert client.get(f"/plans/{plan.id}").status_code == 404
    assert client.get(f"/plans/{plan.id}/cibles").status_code == 404
    assert plan.title not in client.get("/plans").get_data(as_text=True)
    post("/deconnexion")
    login(UserFactory(spotter=True))
    assert client.get("/plans").status_code == 403
    assert client.get(f"/plans/{ProspectionPlanFactory().id}").status_code == 403


def test_an_adviser_sees_their_plan_targets_on_the_home_page(client, login):
    adviser = UserFactory()
    plan = ProspectionPlanFactory(starts_on=today_paris() - timedelta(days=5))
    contacted = PlanEmployerFactory(plan=plan, adviser=adviser, score=9)
    waiting = PlanEmployerFactory(plan=plan, adviser=adviser, score=5)
    PlanEmployerFactory(plan=plan, adviser=UserFactory(), score=20)
    InteractionFactory(employer=contacted.employer, occurred_on=today_paris())
    login(adviser)
    html = client.get("/").get_data(as_text=True)
    assert "Mes cibles des plans de prospection" in html
    assert "1 entreprise contactée sur 2" in html
    assert waiting.employer.display_name in html
    assert contacted.employer.display_name not in html


def test_busy_pages_do_not_query_per_row(client, login, count_queries):
    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    plan = ProspectionPlanFactory()
    adviser = UserFactory()
    PlanEmployerFactory(plan=plan, adviser=adviser)
    login(UserFactory(lead=True))
    few = queries(f"/plans/{plan.id}/cibles")
    for _ in range(20):
        PlanEmployerFactory(plan=plan, adviser=UserFactory())
    assert queries(f"/plans/{plan.id}/cibles") == few


def test_the_plan_page_names_its_segments_by_their_labels(client, login):
    plan = ProspectionPlanFactory()
    plan.segments = [
        PlanSegment(kind=SegmentKind.TAG, value="growing"),
        PlanSegment(kind=SegmentKind.TAG, value="hiring_difficulties"),
        PlanSegment(kind=SegmentKind.HEADCOUNT_BAND, value="03"),
        PlanSegment(kind=SegmentKind.HEADCOUNT_BAND, value="11"),
        PlanSegment(kind=SegmentKind.NAF_DIVISION, value="56"),
    ]
    db.session.flush()
    login(UserFactory())

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    segments = html[html.index("Segments prioritaires") :]

    assert "En croissance" in segments and "Difficultés de recrutement" in segments
    assert "6 à 9 salariés, 10 à 19 salariés" in segments
    assert "56 — Restauration" in segments
    assert "growing" not in segments and "hiring_difficulties" not in segments and "03, 11" not in segments
