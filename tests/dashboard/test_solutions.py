"""Solutions delivered: the dashboard's figures, the monthly report and the plan's indicators, on one
fixed dataset whose expected values are computed by hand; each figure equals its drill-down."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.dashboard.queries import figure_records, figure_rows
from app.dashboard.scopes import Period
from app.dashboard.solutions import solution_figures
from app.extensions import db
from app.needs.enums import MobilisationStatus, ServiceFamily
from app.notifications.reports import month_figures
from app.plans.enums import PlanIndicator
from app.plans.queries import indicator_drill_down, indicator_records, indicator_value
from app.referential.enums import HeadcountBand
from tests.factories import (
    EmployerFactory,
    OperatorFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    ServiceMobilisationFactory,
    UserFactory,
    seeded_basin,
    seeded_service_type,
)

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
DELIVERED = MobilisationStatus.DELIVERED


@pytest.fixture
def solutions():
    nazaire, laval = seeded_basin("5219"), seeded_basin("5211")
    poei, poec, mrs, pcrh = (seeded_service_type(code) for code in ("poei", "poec", "mrs", "pcrh"))
    tpe = EmployerFactory(basin=nazaire, headcount_band=HeadcountBand.B02)
    big = EmployerFactory(basin=nazaire, headcount_band=HeadcountBand.B12)
    unknown = EmployerFactory(basin=nazaire, headcount_band=None)
    laval_tpe = EmployerFactory(basin=laval, headcount_band=HeadcountBand.B01)
    operator = OperatorFactory()
    author = UserFactory(operator=operator)

    def mobilise(employer, service_type, proposed_on, status=MobilisationStatus.PROPOSED, **fields):
        return ServiceMobilisationFactory(
            employer=employer, service_type=service_type, proposed_on=proposed_on, status=status, **fields
        )

    rows = {
        # A POEI for a TPE, proposed in July, delivered in August: 5 trainees, 3 hired.
        "m1": mobilise(
            tpe,
            poei,
            date(2026, 7, 10),
            DELIVERED,
            delivered_on=date(2026, 8, 20),
            people=5,
            hires=3,
            created_by_id=author.id,
        ),
        # A PCRH for the employer alone, proposed before the period, delivered in it.
        "m2": mobilise(tpe, pcrh, date(2026, 6, 15), DELIVERED, delivered_on=date(2026, 7, 5)),
        # A POEC accepted by a company of 20–49: a POE, not to a TPE.
        "m3": mobilise(big, poec, date(2026, 8, 1), MobilisationStatus.ACCEPTED),
        # A POEI on the period's last day to an employer of unknown headcount: not counted as TPE.
        "m4": mobilise(unknown, poei, date(2026, 9, 30)),
        # Before the period, refused; after the period; delivered before the period.
        "m5": mobilise(big, mrs, date(2026, 5, 1), MobilisationStatus.REFUSED),
        "m6": mobilise(tpe, mrs, date(2026, 10, 1)),
        "m8": mobilise(big, mrs, date(2026, 6, 1), DELIVERED, delivered_on=date(2026, 6, 30)),
        # Laval: a POEC for a TPE on the period's first day, delivered on its last: 8 of 8 hired.
        "m7": mobilise(laval_tpe, poec, date(2026, 7, 1), DELIVERED, delivered_on=date(2026, 9, 30), people=8, hires=8),
    }
    # A POEC on one of the TPE's needs, refused: still presented.
    need = RecruitmentNeedFactory(employer=tpe, identified_on=date(2026, 8, 25))
    rows["m9"] = ServiceMobilisationFactory(
        need=need, service_type=poec, proposed_on=date(2026, 9, 1), status=MobilisationStatus.REFUSED
    )
    return {"nazaire": nazaire, "laval": laval, "author": author, "operator": operator, **rows}


def _ids(query) -> set[int]:
    return set(db.session.scalars(sa.select(query.subquery().c.record_id)))


def test_solutions_by_status_family_and_service(solutions):
    both = solution_figures([solutions["nazaire"].id, solutions["laval"].id], Q3)
    assert (both.mobilised, both.delivered, both.hires, both.poe_small_employers) == (6, 3, 11, 3)
    assert both.by_status == {
        MobilisationStatus.PROPOSED: 1,
        MobilisationStatus.ACCEPTED: 1,
        MobilisationStatus.DELIVERED: 3,
        MobilisationStatus.REFUSED: 1,
    }
    assert both.by_family == {
        ServiceFamily.TRAINING: 5,
        ServiceFamily.RECRUITMENT: 0,
        ServiceFamily.HR_ADVICE: 1,
        ServiceFamily.OTHER: 0,
    }
    assert [(row.label, row.mobilised, row.delivered) for row in both.by_type] == [
        ("POE collective (POEC)", 3, 1),
        ("POE individuelle (POEI)", 2, 1),
        ("Prestation de conseil en ressources humaines (PCRH)", 1, 1),
    ]
    nazaire = solution_figures([solutions["nazaire"].id], Q3)
    assert (nazaire.mobilised, nazaire.delivered, nazaire.hires, nazaire.poe_small_employers) == (5, 2, 3, 2)
    assert solution_figures([], Q3).mobilised == 0


def test_each_solutions_figure_is_the_count_of_its_drilldown(solutions):
    basin_ids = [solutions["nazaire"].id, solutions["laval"].id]
    figures = solution_figures(basin_ids, Q3)
    expected = {
        ("solutions", ""): ({"m1", "m2", "m3", "m4", "m7", "m9"}, figures.mobilised),
        ("solutions_delivered", ""): ({"m1", "m2", "m7"}, figures.delivered),
        ("poe_small_employers", ""): ({"m1", "m7", "m9"}, figures.poe_small_employers),
        ("solutions", "status:refused"): ({"m9"}, figures.by_status[MobilisationStatus.REFUSED]),
        ("solutions", "family:training"): ({"m1", "m3", "m4", "m7", "m9"}, figures.by_family[ServiceFamily.TRAINING]),
        ("solutions", f"type:{seeded_service_type('poec').id}"): ({"m3", "m7", "m9"}, figures.by_type[0].mobilised),
    }
    for (name, key), (names, figure) in expected.items():
        assert _ids(figure_rows(name, basin_ids, Q3, key)) == {solutions[n].id for n in names}, (name, key)
        assert len(names) == figure
        listed = db.session.scalars(figure_records(name, basin_ids, Q3, key)).all()
        assert len(listed) == figure


@pytest.mark.parametrize("key", ["status:lost", "family:", "type:x", "colour:red"])
def test_a_key_the_solutions_figure_cannot_read_is_refused(key):
    with pytest.raises((ValueError, TypeError)):
        figure_rows("solutions", [1], Q3, key)


def test_the_dashboard_shows_the_solutions_and_drills_down(client, login, solutions):
    login(UserFactory(manager=True, basins=[solutions["nazaire"], solutions["laval"]]))
    args = "debut=2026-07-01&fin=2026-09-30"
    page = client.get(f"/tableau-de-bord?{args}").get_data(as_text=True)
    assert "Solutions apportées aux entreprises" in page and "POE présentées aux TPE" in page
    drill = client.get(f"/tableau-de-bord/detail?indicateur=poe_small_employers&{args}")
    assert drill.status_code == 200
    text = drill.get_data(as_text=True)
    assert text.count('href="/besoins/') == 1  # m9 is on a need
    assert client.get(f"/tableau-de-bord/detail?indicateur=solutions&cle=status:lost&{args}").status_code == 400


def test_the_monthly_report_counts_the_month_as_the_dashboard(solutions):
    figures = month_figures([solutions["nazaire"].id, solutions["laval"].id], date(2026, 8, 1))
    # August: m1 delivered on the 20th (3 hires), m3 proposed on the 1st; no POE proposed to a TPE.
    assert figures["solutions"] == {
        "mobilised": 2,
        "delivered": 1,
        "hires": 3,
        "poe_small_employers": 0,
        "by_family": {"Formation": 2},
        "by_status": {"Acceptée": 1, "Réalisée": 1},
    }
    august = solution_figures(
        [solutions["nazaire"].id, solutions["laval"].id], Period(date(2026, 8, 1), date(2026, 8, 31))
    )
    assert (august.mobilised, august.delivered, august.hires) == (2, 1, 3)


def test_plan_indicators_count_the_plan_basin_solutions_with_their_drilldown(solutions):
    plan = ProspectionPlanFactory(basin=solutions["nazaire"], starts_on=Q3.start, ends_on=Q3.end)
    delivered = PlanIndicator.SOLUTIONS_DELIVERED
    assert indicator_value(plan, delivered) == 2  # m1, m2 (m7 is Laval's)
    assert indicator_value(plan, PlanIndicator.POE_SMALL_EMPLOYERS) == 2  # m1, m9
    assert indicator_value(plan, delivered, solutions["operator"].id) == 1  # m1, recorded by its adviser
    for indicator in (delivered, PlanIndicator.POE_SMALL_EMPLOYERS):
        listed = db.session.scalars(indicator_drill_down(plan, indicator)).all()
        assert len(listed) == indicator_value(plan, indicator)
        counted = {row.id for row in db.session.scalars(indicator_records(plan, indicator))}
        assert counted == set(_ids(figure_rows(indicator.value, [plan.basin_id], Q3)))
