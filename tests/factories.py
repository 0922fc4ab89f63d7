"""factory_boy factories for every core model, flushed into the test's transaction."""

import itertools
from datetime import timedelta

import factory
import sqlalchemy as sa
from stdnum import luhn

from app.activity.enums import Channel, FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.assignments.models import Assignment, HandoverRequest, TaskForce, TaskForceMember
from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import hash_password
from app.employers.models import Employer, EmployerContact
from app.events.enums import EventKind
from app.events.models import Event, EventParticipant
from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus, SpotterKind, Urgency
from app.leads.models import Lead, SpotterOrganisation
from app.needs.enums import ContractType, NeedStatus, ServiceKind, ServiceStatus
from app.needs.models import NeedService, RecruitmentNeed
from app.notifications.models import MonthlyReport, OutboxEmail
from app.plans.models import PlanEmployer, ProspectionPlan
from app.referential.enums import HeadcountBand, OperatorKind
from app.referential.models import Basin, BasinCommune, Operator
from app.timeutils import today_paris, utcnow
from tests.conftest import TEST_PASSWORD

_password_hashes: dict[str, str] = {}
_siren_counter = itertools.count(100_000)


def test_password_hash() -> str:
    if TEST_PASSWORD not in _password_hashes:
        _password_hashes[TEST_PASSWORD] = hash_password(TEST_PASSWORD)
    return _password_hashes[TEST_PASSWORD]


def make_siret(nic: int = 1) -> str:
    body = f"{next(_siren_counter):08d}"
    siren = body + luhn.calc_check_digit(body)
    nic_body = f"{nic:04d}"
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


def seeded_basin(code: str = "5219") -> Basin:
    """One of the pilot basins loaded by the reference seed."""
    return db.session.scalar(sa.select(Basin).where(Basin.code == code))


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Post-generation hooks (basins…) run after the first flush: flush them too,
        # so that requests, which use their own session, see them.
        if create:
            db.session.flush()


class BasinFactory(BaseFactory):
    class Meta:
        model = Basin

    code = factory.Sequence(lambda n: f"9{n:03d}")
    name = factory.Sequence(lambda n: f"Bassin test {n}")
    departement = "99"
    region = "99"


class BasinCommuneFactory(BaseFactory):
    class Meta:
        model = BasinCommune

    insee_code = factory.Sequence(lambda n: f"99{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    basin = factory.SubFactory(BasinFactory)


class OperatorFactory(BaseFactory):
    class Meta:
        model = Operator

    name = factory.Sequence(lambda n: f"France Travail test {n}")
    kind = OperatorKind.FRANCE_TRAVAIL

    @factory.post_generation
    def basins(self, create, extracted, **kwargs):
        self.basins = list(extracted or [seeded_basin()])


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    full_name = factory.Sequence(lambda n: f"Utilisateur {n}")
    password_hash = factory.LazyFunction(test_password_hash)
    role = Role.ADVISER
    operator = factory.SubFactory(OperatorFactory)
    is_active = True

    class Params:
        lead = factory.Trait(role=Role.TASKFORCE_LEAD)
        manager = factory.Trait(role=Role.MANAGER, operator=None)
        admin = factory.Trait(role=Role.ADMIN, operator=None)
        spotter = factory.Trait(role=Role.SPOTTER, operator=None)

    @factory.post_generation
    def basins(self, create, extracted, **kwargs):
        if extracted is not None:
            self.basins = list(extracted)
        elif self.role is not Role.ADMIN:
            self.basins = [seeded_basin()]


class EmployerFactory(BaseFactory):
    class Meta:
        model = Employer

    siret = factory.LazyFunction(make_siret)
    siren = factory.LazyAttribute(lambda o: o.siret[:9] if o.siret else None)
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    naf_code = "56.10A"
    headcount_band = HeadcountBand.B01
    commune_insee = "44184"
    commune_name = "Saint-Nazaire"
    postcode = "44600"
    basin = factory.LazyFunction(seeded_basin)


class EmployerContactFactory(BaseFactory):
    class Meta:
        model = EmployerContact

    employer = factory.SubFactory(EmployerFactory)
    first_name = "Jeanne"
    last_name = factory.Sequence(lambda n: f"Contact{n}")
    job_title = "Gérante"
    email = factory.Sequence(lambda n: f"contact{n}@employeur.fr")


class InteractionFactory(BaseFactory):
    class Meta:
        model = Interaction

    employer = factory.SubFactory(EmployerFactory)
    author = factory.SubFactory(UserFactory)
    occurred_on = factory.LazyFunction(today_paris)
    channel = Channel.PHONE
    subject = "Appel de prise de contact"


class FollowUpFactory(BaseFactory):
    class Meta:
        model = FollowUp

    employer = factory.SubFactory(EmployerFactory)
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(today_paris)
    title = "Rappeler l'employeur"
    status = FollowUpStatus.OPEN


class AssignmentFactory(BaseFactory):
    class Meta:
        model = Assignment

    employer = factory.SubFactory(EmployerFactory)
    adviser = factory.SubFactory(UserFactory)
    operator = factory.LazyAttribute(lambda o: o.adviser.operator)
    started_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=1))
    reason = "Affectation de test"


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


class EventFactory(BaseFactory):
    class Meta:
        model = Event

    basin = factory.LazyFunction(seeded_basin)
    kind = EventKind.JOB_DATING
    title = factory.Sequence(lambda n: f"Job dating {n}")
    starts_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    place = "Salle des fêtes, Saint-Nazaire"
    capacity = 50


class EventParticipantFactory(BaseFactory):
    class Meta:
        model = EventParticipant

    event = factory.SubFactory(EventFactory)
    employer = factory.SubFactory(EmployerFactory)
    positions_offered = 2


class NeedServiceFactory(BaseFactory):
    class Meta:
        model = NeedService

    need = factory.SubFactory(RecruitmentNeedFactory)
    kind = ServiceKind.IMMERSION
    status = ServiceStatus.PROPOSED


def task_force_for(basin: Basin) -> TaskForce:
    """The basin's task force (one per basin), created on first use."""
    task_force = db.session.scalar(sa.select(TaskForce).where(TaskForce.basin_id == basin.id))
    if task_force is None:
        task_force = TaskForce(basin=basin, name=f"Task force {basin.name}")
        db.session.add(task_force)
        db.session.flush()
    return task_force


class TaskForceMemberFactory(BaseFactory):
    class Meta:
        model = TaskForceMember

    user = factory.SubFactory(UserFactory)
    task_force = factory.LazyAttribute(lambda o: task_force_for(o.user.basins[0]))
    capacity = 10


class HandoverRequestFactory(BaseFactory):
    class Meta:
        model = HandoverRequest

    assignment = factory.SubFactory(AssignmentFactory)
    employer = factory.LazyAttribute(lambda o: o.assignment.employer)
    requested_by = factory.LazyAttribute(lambda o: o.assignment.adviser)
    reason = "Changement de portefeuille"


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


# --- Reminders (app/notifications) ---


class MonthlyReportFactory(BaseFactory):
    class Meta:
        model = MonthlyReport

    manager = factory.SubFactory(UserFactory, manager=True)
    month = factory.LazyFunction(lambda: today_paris().replace(day=1))
    basin_names = factory.LazyFunction(lambda: ["Saint-Nazaire"])
    figures = factory.LazyFunction(
        lambda: {
            "employers_created": 0,
            "employers_contacted": 0,
            "interactions": {},
            "interactions_total": 0,
            "follow_ups_done": 0,
            "needs_identified": 0,
            "positions_identified": 0,
            "needs_closed": {},
            "needs_filled": 0,
            "positions_filled": 0,
            "fill_rate": None,
            "days_to_fill": None,
            "employers_with_contact": 0,
            "events_held": 0,
            "event_candidates": 0,
            "event_hires": 0,
            "plans": [],
        }
    )


class OutboxEmailFactory(BaseFactory):
    class Meta:
        model = OutboxEmail

    to_address = factory.Sequence(lambda n: f"destinataire{n}@exemple.fr")
    subject = "Votre point du jour"
    body_text = "Bonjour"
