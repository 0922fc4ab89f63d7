"""Employers, with valid and unique SIRETs, and their contact persons."""

import itertools

import factory
from stdnum import luhn

from app.employers.models import Employer, EmployerContact, Tag
from app.referential.enums import HeadcountBand
from tests.factories.base import BaseFactory
from tests.factories.referential import seeded_basin

_siren_counter = itertools.count(100_000)


def make_siret(nic: int = 1) -> str:
    body = f"{next(_siren_counter):08d}"
    siren = body + luhn.calc_check_digit(body)
    nic_body = f"{nic:04d}"
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


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


class TagFactory(BaseFactory):
    class Meta:
        model = Tag

    code = factory.Sequence(lambda n: f"test_tag_{n}")
    label = factory.Sequence(lambda n: f"Étiquette de test {n}")
    is_active = True

    class Params:
        archived = factory.Trait(is_active=False)


class EmployerContactFactory(BaseFactory):
    class Meta:
        model = EmployerContact

    employer = factory.SubFactory(EmployerFactory)
    first_name = "Jeanne"
    last_name = factory.Sequence(lambda n: f"Contact{n}")
    job_title = "Gérante"
    email = factory.Sequence(lambda n: f"contact{n}@employeur.fr")
