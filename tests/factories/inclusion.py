"""Who sourced the hire (need_sourcings) and employers engaged for inclusive hiring."""

import factory

from app.needs.sourcing import NeedSourcing
from tests.factories.base import BaseFactory
from tests.factories.needs import RecruitmentNeedFactory
from tests.factories.referential import OperatorFactory


class NeedSourcingFactory(BaseFactory):
    class Meta:
        model = NeedSourcing

    need = factory.SubFactory(RecruitmentNeedFactory)
    operator = factory.SubFactory(OperatorFactory)
    proposed = 3
    interviewed = 2
    hired = 1
