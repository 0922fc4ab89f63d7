"""Who sourced the hire (need_sourcings) and employers engaged for inclusive hiring."""

from datetime import date

import factory

from app.employers.engagements import EmployerEngagement, EngagementKind
from app.needs.enums import NeedStatus
from app.needs.sourcing import NeedSourcing
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory
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


class EmployerEngagementFactory(BaseFactory):
    """The inclusion charter, signed at the start of 2026 and still held."""

    class Meta:
        model = EmployerEngagement

    employer = factory.SubFactory(EmployerFactory)
    kind = EngagementKind.CHARTER
    starts_on = date(2026, 1, 5)


def closed_need(status, closed_on, positions: int, filled: int, basin):
    """A need of a new employer of ``basin``, identified on 1 June 2026 and closed as ``status``."""
    return RecruitmentNeedFactory(
        filled=status is NeedStatus.FILLED,
        employer=EmployerFactory(basin=basin),
        identified_on=date(2026, 6, 1),
        status=status,
        closed_on=closed_on,
        positions=positions,
        positions_filled=filled,
    )
