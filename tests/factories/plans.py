"""Prospection plans and their target employers."""

from datetime import timedelta

import factory

from app.plans.models import PlanEmployer, ProspectionPlan
from app.timeutils import today_paris
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory
from tests.factories.referential import seeded_basin


class ProspectionPlanFactory(BaseFactory):
    class Meta:
        model = ProspectionPlan

    basin = factory.LazyFunction(seeded_basin)
    title = factory.Sequence(lambda n: f"Plan de prospection {n}")
    starts_on = factory.LazyFunction(lambda: today_paris().replace(day=1))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=89))
    target_list_size = 100


class PlanEmployerFactory(BaseFactory):
    class Meta:
        model = PlanEmployer

    plan = factory.SubFactory(ProspectionPlanFactory)
    employer = factory.SubFactory(EmployerFactory)
    score = 1
    score_details = factory.LazyFunction(lambda: [["Jamais contactée", 1]])
