"""factory_boy factories for every core model, flushed into the test's transaction."""

import itertools
from datetime import timedelta

import factory
import sqlalchemy as sa
from stdnum import luhn

from app.activity.enums import Channel, FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.assignments.models import Assignment
from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import hash_password
from app.employers.models import Employer, EmployerContact
from app.extensions import db
from app.needs.enums import ContractType, NeedStatus
from app.needs.models import RecruitmentNeed
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
