"""Spotter organisations and the leads they send."""

import factory

from app.leads.enums import LeadSource, LeadStatus, SpotterKind, Urgency
from app.leads.models import Lead, SpotterOrganisation
from app.needs.enums import ContractType, NeedOrigin
from app.timeutils import utcnow
from tests.factories.auth import UserFactory
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerFactory, make_siret
from tests.factories.needs import RecruitmentNeedFactory
from tests.factories.referential import seeded_basin


class SpotterOrganisationFactory(BaseFactory):
    class Meta:
        model = SpotterOrganisation

    basin = factory.LazyFunction(seeded_basin)
    name = factory.Sequence(lambda n: f"CCI test {n}")
    kind = SpotterKind.CCI


class LeadFactory(BaseFactory):
    class Meta:
        model = Lead

    basin = factory.LazyFunction(seeded_basin)
    source = LeadSource.SPOTTER
    spotter = factory.SubFactory(UserFactory, spotter=True)
    spotter_organisation_id = factory.LazyAttribute(lambda o: o.spotter.spotter_organisation_id if o.spotter else None)
    submitter_key = factory.LazyAttribute(lambda o: f"user:{o.spotter.id}" if o.spotter else "public:test@exemple.fr")
    dedup_key = factory.Sequence(lambda n: f"lead-{n}")
    siret = factory.LazyFunction(make_siret)
    employer_name = factory.Sequence(lambda n: f"Signalée {n}")
    commune_insee = "44184"
    commune_name = "Saint-Nazaire"
    job_title = "Serveur"
    positions = 2
    contract = ContractType.CDD
    urgency = Urgency.NORMAL
    contact_name = "Jean Dupont"
    contact_phone = "02 40 00 00 00"
    contact_consent = True
    status = LeadStatus.NEW

    class Params:
        # Filed on the public form for a commune of no basin (Brest), waiting for an admin to route it.
        outside_basins = factory.Trait(
            basin=None,
            source=LeadSource.EMPLOYER,
            spotter=None,
            siret=None,
            commune_insee="29019",
            commune_name="Brest",
            contact_email="rh@exemple.fr",
        )
        # Accepted by a task force lead, as leads.services.accept_lead leaves it: the employer of
        # the lead's SIRET, and the need the lead became (its job, at the "identifié" stage).
        accepted = factory.Trait(
            status=LeadStatus.ACCEPTED,
            need=factory.SubFactory(
                RecruitmentNeedFactory,
                employer=factory.SubFactory(
                    EmployerFactory,
                    basin=factory.SelfAttribute("...basin"),
                    siret=factory.SelfAttribute("...siret"),
                    name=factory.SelfAttribute("...employer_name"),
                ),
                title=factory.SelfAttribute("..job_title"),
                positions=factory.SelfAttribute("..positions"),
                contract=factory.SelfAttribute("..contract"),
                origin=NeedOrigin.LEAD,
            ),
            employer=factory.SelfAttribute("need.employer"),
            decided_by=factory.SubFactory(UserFactory, lead=True),
            decided_at=factory.LazyFunction(utcnow),
        )
