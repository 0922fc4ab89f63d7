"""Recruitment needs and the services mobilised on them."""

from datetime import date, datetime, time

import factory
import sqlalchemy as sa

from app.extensions import db
from app.needs.enums import ContractType, MobilisationStatus, NeedStatus, ServiceFamily
from app.needs.models import NeedStatusChange, RecruitmentNeed, ServiceMobilisation, ServiceType
from app.timeutils import PARIS, today_paris
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


def _record_stage_history(need: RecruitmentNeed, create, extracted, **kwargs) -> None:
    # The dated stage changes the services would have written (create_need, then close_need):
    # the time to fill and the time per stage are computed from them.
    need.status_changes.append(
        NeedStatusChange(from_status=None, to_status=NeedStatus.IDENTIFIED, changed_at=_start_of(need.identified_on))
    )
    need.status_changes.append(
        NeedStatusChange(from_status=NeedStatus.IDENTIFIED, to_status=need.status, changed_at=_start_of(need.closed_on))
    )


class RecruitmentNeedFactory(BaseFactory):
    class Meta:
        model = RecruitmentNeed

    employer = factory.SubFactory(EmployerFactory)
    rome_code = "G1602"
    title = "Commis de cuisine"
    positions = 1
    contract = ContractType.CDI
    status = NeedStatus.IDENTIFIED
    identified_on = factory.LazyFunction(today_paris)

    class Params:
        # Closed as filled (today unless closed_on says otherwise), every position filled by
        # default, with its stage history: identified on identified_on, filled on closed_on.
        filled = factory.Trait(
            status=NeedStatus.FILLED,
            closed_on=factory.LazyFunction(today_paris),
            positions_filled=factory.SelfAttribute("positions"),
            stage_history=factory.PostGeneration(_record_stage_history),
        )


class ServiceTypeFactory(BaseFactory):
    class Meta:
        model = ServiceType

    code = factory.Sequence(lambda n: f"service_{n}")
    label = factory.Sequence(lambda n: f"Service n° {n}")
    family = ServiceFamily.TRAINING
    is_active = True


def seeded_service_type(code: str) -> ServiceType:
    """A service of the catalogue the migration wrote (pmsmp, poei, poec, afpr, mrs, afest, pcrh…)."""
    return db.session.scalars(sa.select(ServiceType).where(ServiceType.code == code)).one()


class ServiceMobilisationFactory(BaseFactory):
    """For an employer alone by default; pass ``need=`` for one of its needs (its employer is taken)."""

    class Meta:
        model = ServiceMobilisation

    need = None
    employer = factory.LazyAttribute(lambda o: o.need.employer if o.need is not None else EmployerFactory())
    service_type = factory.SubFactory(ServiceTypeFactory)
    status = MobilisationStatus.PROPOSED
    proposed_on = factory.LazyFunction(today_paris)

    class Params:
        # Delivered on the day it was proposed unless delivered_on says otherwise.
        delivered = factory.Trait(
            status=MobilisationStatus.DELIVERED, delivered_on=factory.SelfAttribute("proposed_on")
        )
