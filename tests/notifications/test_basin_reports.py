"""The monthly report to the committees' co-chairs, who have no account, and its targets against results."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.notifications.basin_reports import send_basin_reports
from app.notifications.models import OutboxEmail
from app.notifications.report_recipients import ReportRecipient
from app.notifications.reports import month_figures
from app.notifications.tasks import enforce_retention
from app.plans.enums import PlanIndicator
from app.plans.models import PlanTarget
from tests.conftest import paris
from tests.factories import (
    EmployerFactory,
    InteractionFactory,
    OperatorFactory,
    ProspectionPlanFactory,
    ReportRecipientFactory,
    seeded_basin,
)

FIRST_OF_DECEMBER = paris(2026, 12, 1, 6, 15)


def _outbox() -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.to_address)))


def test_each_co_chair_gets_the_basins_report_once(travel):
    travel(FIRST_OF_DECEMBER)
    saint_nazaire, laval = seeded_basin("5219"), seeded_basin("5211")
    employer = EmployerFactory(basin=saint_nazaire)
    InteractionFactory(employer=employer, occurred_on=date(2026, 11, 3))
    InteractionFactory(employer=employer, occurred_on=date(2026, 10, 30))  # October: not in November's report
    ReportRecipientFactory(basin=saint_nazaire, full_name="Anne Région", email="anne@region.fr")
    ReportRecipientFactory(basin=laval, full_name="Luc Préfecture", email="luc@prefecture.fr")

    assert send_basin_reports(FIRST_OF_DECEMBER) == {"destinataires": 2}
    anne, luc = _outbox()
    assert (anne.to_address, anne.recipient_id, luc.to_address) == ("anne@region.fr", None, "luc@prefecture.fr")
    assert "bassin de Saint-Nazaire" in anne.subject and "novembre 2026" in anne.subject
    assert "Anne Région" in anne.body_text
    assert "Employeurs contactés : 1" in anne.body_text
    assert anne.attachment_name == "point-avancement-2026-11.html"
    assert "Saint-Nazaire" in anne.attachment_html and "Laval" not in anne.attachment_html
    assert "Laval" in luc.attachment_html

    # A retry, a catch-up or a second scheduler sends nothing more.
    assert send_basin_reports(FIRST_OF_DECEMBER) == {"destinataires": 0}
    assert len(_outbox()) == 2


def test_the_report_shows_targets_against_results(travel):
    travel(FIRST_OF_DECEMBER)
    basin = seeded_basin("5219")
    operator = OperatorFactory(name="Cap emploi test", basins=[basin])
    plan = ProspectionPlanFactory(
        basin=basin, title="Plan BTP", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31)
    )
    db.session.add_all(
        [
            PlanTarget(plan=plan, indicator=PlanIndicator.EMPLOYERS_CONTACTED, target_value=40),
            PlanTarget(plan=plan, indicator=PlanIndicator.EMPLOYERS_CONTACTED, operator=operator, target_value=5),
        ]
    )
    for day in (date(2026, 10, 2), date(2026, 11, 5)):
        InteractionFactory(employer=EmployerFactory(basin=basin), occurred_on=day)
    db.session.flush()
    targets = month_figures([basin.id], date(2026, 11, 1))["targets"]
    assert targets == [
        {
            "plan": "Plan BTP",
            "indicator": "Employeurs contactés",
            "operator": "Tout le réseau",
            "target": 40,
            "done": 2,
        },
        {
            "plan": "Plan BTP",
            "indicator": "Employeurs contactés",
            "operator": "Cap emploi test",
            "target": 5,
            "done": 0,
        },
    ]


def test_old_co_chairs_are_anonymised_and_no_longer_sent_to(travel):
    travel(paris(2023, 6, 1, 10, 0))
    old = ReportRecipientFactory(full_name="Ancien Coprésident", email="ancien@region.fr")
    travel(paris(2026, 11, 1, 10, 0))
    recent = ReportRecipientFactory(full_name="Nouveau Coprésident", email="nouveau@region.fr")
    travel(FIRST_OF_DECEMBER)
    enforce_retention(FIRST_OF_DECEMBER)
    db.session.refresh(old)
    db.session.refresh(recent)
    assert (old.full_name, old.email) == ("Contact anonymisé", None)
    assert recent.email == "nouveau@region.fr"
    send_basin_reports(FIRST_OF_DECEMBER)
    assert [email.to_address for email in _outbox()] == ["nouveau@region.fr"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportRecipient)) == 2
