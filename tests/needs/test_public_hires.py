"""Hires by public of a closed need: each at most the positions filled, gone when the need reopens."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.needs.enums import Public
from app.needs.inclusion import NeedPublicHire, public_hires_of, record_public_hires
from app.needs.services import NeedError, reopen_need
from tests.factories import EmployerFactory, RecruitmentNeedFactory, UserFactory, seeded_basin


@pytest.fixture
def closed(travel):
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    return RecruitmentNeedFactory(
        filled=True,
        employer=EmployerFactory(basin=seeded_basin("5219")),
        identified_on=date(2026, 10, 1),
        closed_on=date(2026, 11, 2),
        positions=3,
    )


def test_a_person_may_count_in_several_publics(closed):
    # 3 hires: 2 young people, 2 RSA beneficiaries (one young person is both), none RQTH.
    record_public_hires(closed, {Public.YOUTH: 2, Public.RSA: 2, Public.DISABLED: 0})
    assert public_hires_of(closed) == {Public.YOUTH: 2, Public.RSA: 2}
    record_public_hires(closed, {Public.YOUTH: 0, Public.RSA: 3})
    assert public_hires_of(closed) == {Public.RSA: 3}


@pytest.mark.parametrize("count", [4, -1])
def test_each_public_fits_in_the_positions_filled(closed, count):
    with pytest.raises(NeedError, match="entre 0 et 3 embauches"):
        record_public_hires(closed, {Public.RSA: count})
    assert public_hires_of(closed) == {}


def test_an_open_need_has_no_hires_by_public_yet(travel):
    need = RecruitmentNeedFactory(positions=2)
    with pytest.raises(NeedError, match="une fois le besoin clôturé"):
        record_public_hires(need, {Public.RSA: 1})


def test_reopening_forgets_them(closed):
    record_public_hires(closed, {Public.QPV: 1})
    reopen_need(closed, author=None)
    db.session.flush()
    assert public_hires_of(closed) == {}


def test_the_database_refuses_zero_or_a_public_it_does_not_know(closed):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(NeedPublicHire(need_id=closed.id, public=Public.RSA, hires=0))
        db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.text("INSERT INTO need_public_hires (need_id, public, hires) VALUES (:id, 'martians', 1)"),
            {"id": closed.id},
        )


def test_entered_on_the_closed_need_page(client, post, login, closed):
    login(UserFactory(basins=[closed.employer.basin]))
    page = client.get(f"/besoins/{closed.id}").get_data(as_text=True)
    assert "Embauches par public" in page and 'data-testid="public-hires-form"' in page
    response = post(f"/besoins/{closed.id}/embauches-par-public", {"public-hires-rsa": "2", "public-hires-youth": "1"})
    assert response.status_code == 302
    assert public_hires_of(closed) == {Public.RSA: 2, Public.YOUTH: 1}
    refused = post(f"/besoins/{closed.id}/embauches-par-public", {"public-hires-rsa": "9"})
    assert refused.status_code == 400 and "entre 0 et 3 embauches" in refused.get_data(as_text=True)
    bad = post(f"/besoins/{closed.id}/embauches-par-public", {"public-hires-rsa": "beaucoup"})
    assert bad.status_code == 400
    assert public_hires_of(closed) == {Public.RSA: 2, Public.YOUTH: 1}


def test_a_manager_reads_them_without_a_form(client, post, login, closed):
    record_public_hires(closed, {Public.SENIORS: 1})
    login(UserFactory(manager=True, basins=[closed.employer.basin]))
    page = client.get(f"/besoins/{closed.id}").get_data(as_text=True)
    assert "Seniors de 50 ans et plus : 1" in page and "public-hires-form" not in page
    assert post(f"/besoins/{closed.id}/embauches-par-public", {"public-hires-rsa": "1"}).status_code == 403
    assert public_hires_of(closed) == {Public.SENIORS: 1}
