from datetime import UTC, datetime

import pytest

from tests.factories import UserFactory, seeded_basin

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def adviser(login, travel):
    """An adviser of Saint-Nazaire, logged in, on 22 November 2026."""
    travel(NOW)
    user = UserFactory(basins=[seeded_basin("5219")])
    login(user)
    return user
