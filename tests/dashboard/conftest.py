"""A fixed dataset whose every figure is computed by hand in the tests (see test_figures.py).

Period: the third quarter of 2026 (1 July – 30 September); today is 22 November 2026.
Basin A is Saint-Nazaire (5 employers), basin B is Laval (3 employers).
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.activity.enums import Channel
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.services import reopen_need
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    InteractionFactory,
    OperatorFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

TODAY = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _need(employer, identified_on, status=NeedStatus.IDENTIFIED, closed_on=None, positions=1, filled=0, score=None):
    return RecruitmentNeedFactory(
        filled=status is NeedStatus.FILLED,
        employer=employer,
        identified_on=identified_on,
        status=status,
        closed_on=closed_on,
        positions=positions,
        positions_filled=filled,
        satisfaction_score=score,
        satisfaction_recorded_at=TODAY if score else None,
    )


@pytest.fixture
def dataset(travel):
    travel(TODAY)
    basin_a, basin_b = seeded_basin("5219"), seeded_basin("5211")
    operator_a = OperatorFactory(name="France Travail Saint-Nazaire test", basins=[basin_a])
    operator_b = OperatorFactory(name="Mission locale Laval test", basins=[basin_b])
    adviser_a = UserFactory(operator=operator_a, basins=[basin_a])
    adviser_b = UserFactory(operator=operator_b, basins=[basin_b])
    a1, a2, a3, a4, a5 = (EmployerFactory(basin=basin_a) for _ in range(5))
    b1, b2, b3 = (EmployerFactory(basin=basin_b) for _ in range(3))

    # Contacts: the period's first and last days count, the days around them do not.
    for employer, day, channel, author in [
        (a1, date(2026, 7, 1), Channel.PHONE, adviser_a),
        (a1, date(2026, 7, 15), Channel.PHONE, adviser_a),
        (a2, date(2026, 9, 30), Channel.VISIT, adviser_a),
        (a3, date(2026, 6, 30), Channel.EMAIL, adviser_a),
        (a4, date(2026, 10, 1), Channel.PHONE, adviser_a),
        (b1, date(2026, 8, 10), Channel.EMAIL, adviser_b),
    ]:
        InteractionFactory(employer=employer, occurred_on=day, channel=channel, author=author)

    AssignmentFactory(employer=a1, adviser=adviser_a)
    AssignmentFactory(employer=a2, adviser=adviser_a)
    AssignmentFactory(employer=a3, adviser=adviser_a, ended_at=TODAY - timedelta(hours=1))

    d = date
    needs = {
        "n1": _need(a1, d(2026, 6, 1), NeedStatus.FILLED, d(2026, 7, 11), positions=3, filled=2, score=4),
        "n2": _need(a1, d(2026, 7, 5), NeedStatus.NOT_FILLED, d(2026, 8, 4), positions=2, filled=1, score=2),
        "n3": _need(a2, d(2026, 8, 1), NeedStatus.FILLED, d(2026, 8, 21), filled=1),
        "n4": _need(a2, d(2026, 9, 1), NeedStatus.CANCELLED, d(2026, 9, 10)),
        "n5": _need(a3, d(2026, 5, 1), NeedStatus.SOURCING),
        "n6": _need(a4, d(2026, 8, 15)),
        "n7": _need(a5, d(2026, 3, 1), NeedStatus.FILLED, d(2026, 4, 1), filled=1),
        "n8": _need(a5, d(2026, 7, 20), NeedStatus.FILLED, d(2026, 10, 5), filled=1),
        "n9": _need(a3, d(2026, 1, 10), NeedStatus.FILLED, d(2026, 6, 30), filled=1),
        "n10": _need(a1, d(2026, 6, 20), NeedStatus.FILLED, d(2026, 9, 30), filled=1),
        "n13": _need(a4, d(2026, 7, 15), NeedStatus.CANDIDATES_PRESENTED),
        "n11": _need(b1, d(2026, 7, 1), NeedStatus.FILLED, d(2026, 7, 31), positions=4, filled=4, score=5),
        "n12": _need(b2, d(2026, 8, 1), NeedStatus.NOT_FILLED, d(2026, 9, 1)),
    }
    # n7 was filled in April and reopened: it is open again, out of the fill rate.
    reopen_need(needs["n7"], author=adviser_a, to_status=NeedStatus.QUALIFIED)
    db.session.flush()
    return {
        "basin_a": basin_a,
        "basin_b": basin_b,
        "operator_a": operator_a,
        "operator_b": operator_b,
        "adviser_a": adviser_a,
        "employers": {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "b1": b1, "b2": b2, "b3": b3},
        "needs": needs,
    }
