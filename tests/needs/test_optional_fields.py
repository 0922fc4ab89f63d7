"""Needs as real users fill them in: optional fields left empty, invalid edits."""

import sqlalchemy as sa

from app.extensions import db
from app.needs.models import RecruitmentNeed
from tests.factories import EmployerFactory, RecruitmentNeedFactory
from tests.needs.forms import MINIMAL_FORM


def _optional_fields(need: RecruitmentNeed) -> tuple:
    return need.rome_code, need.place, need.working_time, need.qualification_level, need.start_on


def test_a_need_without_rome_code_is_created_with_its_empty_fields_null(post, adviser):
    employer = EmployerFactory()
    response = post(f"/entreprises/{employer.siret}/besoins/nouveau", MINIMAL_FORM)
    assert response.status_code == 302
    db.session.expire_all()
    need = db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))
    assert _optional_fields(need) == (None, None, None, None, None)


def test_a_need_without_rome_code_can_be_edited(post, adviser):
    # The demo's needs without ROME code: their edit form sends the code back empty.
    need = RecruitmentNeedFactory(rome_code=None, title="Agent de quai")
    response = post(f"/besoins/{need.id}/modifier", {**MINIMAL_FORM, "title": "Cariste", "version": need.version})
    assert response.status_code == 302
    db.session.expire_all()
    need = db.session.get(RecruitmentNeed, need.id)
    assert need.title == "Cariste"
    assert _optional_fields(need) == (None, None, None, None, None)


def test_blanks_are_null_too(post, adviser):
    employer = EmployerFactory()
    response = post(f"/entreprises/{employer.siret}/besoins/nouveau", {**MINIMAL_FORM, "rome_code": "  ", "place": " "})
    assert response.status_code == 302
    need = db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))
    assert (need.rome_code, need.place) == (None, None)


def test_an_invalid_edit_is_a_400_that_shows_what_the_user_typed(client, post, adviser):
    need = RecruitmentNeedFactory(title="Soudeur", positions=1, place="Chantier naval")
    typed = {**MINIMAL_FORM, "title": "", "positions": "3", "place": "Quai des Marées", "version": need.version}
    response = post(f"/besoins/{need.id}/modifier", typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Ce champ est obligatoire." in page
    assert 'value="Quai des Marées"' in page and 'value="3"' in page
    db.session.expire_all()
    need = db.session.get(RecruitmentNeed, need.id)
    assert (need.title, need.positions, need.place) == ("Soudeur", 1, "Chantier naval")
