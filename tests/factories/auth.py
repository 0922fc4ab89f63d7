"""Users of every role, all with the same known password (TEST_PASSWORD)."""

import factory

from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import UNUSABLE_PASSWORD_HASH, hash_password
from app.timeutils import utcnow
from tests.conftest import TEST_PASSWORD
from tests.factories.base import BaseFactory
from tests.factories.referential import OperatorFactory, seeded_basin

_password_hashes: dict[str, str] = {}


def known_password_hash() -> str:
    """The hash of TEST_PASSWORD, computed once: hashing is deliberately slow."""
    if TEST_PASSWORD not in _password_hashes:
        _password_hashes[TEST_PASSWORD] = hash_password(TEST_PASSWORD)
    return _password_hashes[TEST_PASSWORD]


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    full_name = factory.Sequence(lambda n: f"Utilisateur {n}")
    password_hash = factory.LazyFunction(known_password_hash)
    role = Role.ADVISER
    operator = factory.SubFactory(OperatorFactory)
    is_active = True
    # A factory account has its password: it is its owner's already.
    activated_at = factory.LazyFunction(utcnow)

    class Params:
        # Invited, its password not chosen yet; the link, to be issued by the test
        # (app.auth.password_links.issue_password_link), is what sends the e-mail's token.
        invited = factory.Trait(
            password_hash=UNUSABLE_PASSWORD_HASH, activated_at=None, invited_at=factory.LazyFunction(utcnow)
        )
        lead = factory.Trait(role=Role.TASKFORCE_LEAD)
        manager = factory.Trait(role=Role.MANAGER, operator=None)
        admin = factory.Trait(role=Role.ADMIN, operator=None)
        spotter = factory.Trait(role=Role.SPOTTER, operator=None)
        # Pilotage territorial of Loire-Atlantique (Saint-Nazaire's département); no basins of its own.
        steering = factory.Trait(role=Role.STEERING, operator=None, steering_departement_code="44")

    @factory.post_generation
    def basins(self, create, extracted, **kwargs):
        if extracted is not None:
            self.basins = list(extracted)
        elif self.role not in (Role.ADMIN, Role.STEERING):
            self.basins = [seeded_basin()]
