"""Which database refusals are shown as "modification simultanée" (409), and which are bugs (500)."""

import logging
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.auth.enums import Role
from app.conflicts import CONCURRENT_CHANGE_RULES
from app.extensions import db
from app.needs import catalogue, catalogue_views
from app.needs import services as need_services
from app.needs import views as need_views
from app.needs.models import RecruitmentNeed, ServiceType
from tests.factories import RecruitmentNeedFactory, UserFactory, seeded_basin

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
EDIT_FORM = {"title": "Soudeur TIG", "positions": "1", "contract": "cdi", "origin": "contact"}


@pytest.fixture
def adviser(login, travel):
    travel(NOW)
    user = UserFactory(basins=[seeded_basin("5219")])
    login(user)
    return user


@pytest.fixture
def need():
    return RecruitmentNeedFactory(title="Soudeur")


def test_every_listed_rule_is_a_uniqueness_rule_of_the_schema():
    unique_rules = set()
    for table in db.metadata.tables.values():
        unique_rules |= {c.name for c in table.constraints if isinstance(c, sa.UniqueConstraint)}
        unique_rules |= {index.name for index in table.indexes if index.unique}
    assert unique_rules >= CONCURRENT_CHANGE_RULES


def test_a_stale_version_is_a_409(post, adviser, need, monkeypatch):
    def edited_meanwhile(need, **fields):
        # Someone else saved the need between our read and our write.
        with db.session.no_autoflush:
            db.session.execute(
                sa.update(RecruitmentNeed).where(RecruitmentNeed.id == need.id).values(version=need.version + 1),
                execution_options={"synchronize_session": False},
            )
        return need_services.update_need(need, **fields)

    monkeypatch.setattr(need_views, "update_need", edited_meanwhile)
    response = post(f"/besoins/{need.id}/modifier", {**EDIT_FORM, "version": need.version})
    assert response.status_code == 409
    assert "Modification simultanée" in response.get_data(as_text=True)


def test_a_known_uniqueness_rule_hit_by_a_simultaneous_change_is_a_409(post, login, travel, monkeypatch):
    travel(NOW)
    login(UserFactory(role=Role.ADMIN))

    def added_meanwhile(label, family):
        service_type = catalogue.create_service_type(label, family)
        # Another admin added the same service after our check and before our write.
        with db.session.no_autoflush:
            db.session.execute(
                sa.insert(ServiceType).values(code="x", label=label, family=family, is_active=True, created_at=NOW)
            )
        return service_type

    monkeypatch.setattr(catalogue_views, "create_service_type", added_meanwhile)
    response = post("/administration/services", {"label": "Atelier CV", "family": "other"})
    assert response.status_code == 409
    assert "Modification simultanée" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(ServiceType.label == "Atelier CV")) == 0


def test_any_other_refusal_of_the_database_is_a_logged_500(post, adviser, need, monkeypatch, caplog):
    def data_bug(need, **fields):
        need.rome_code = "Z9999"  # no such ROME code: the foreign key refuses it
        return need

    monkeypatch.setattr(need_views, "update_need", data_bug)
    with caplog.at_level(logging.ERROR):
        response = post(f"/besoins/{need.id}/modifier", {**EDIT_FORM, "version": need.version})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Modification simultanée" not in page and "Erreur du service" in page
    assert any(record.exc_info and "IntegrityError" in repr(record.exc_info[1]) for record in caplog.records)
    db.session.expire_all()
    assert db.session.get(RecruitmentNeed, need.id).rome_code == "G1602"
