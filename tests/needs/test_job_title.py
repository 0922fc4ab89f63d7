"""Recording a need by job title: the combobox's path (a picked title) and the plain form's."""

import sqlalchemy as sa

from app.extensions import db
from app.needs.models import RecruitmentNeed
from tests.factories import EmployerFactory, RecruitmentNeedFactory
from tests.needs.forms import MINIMAL_FORM


def _new_need(post, employer, **fields):
    return post(f"/entreprises/{employer.siret}/besoins/nouveau", {**MINIMAL_FORM, **fields})


def _need_of(employer) -> RecruitmentNeed | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))


def test_a_picked_title_sets_the_need_s_title_and_rome_code(post, adviser):
    # What the combobox sends: the title's label shown in the field, its code in the hidden field.
    employer = EmployerFactory()
    response = _new_need(post, employer, rome_code="Aide-soignant / Aide-soignante", job_title_code="10891")
    assert response.status_code == 302
    need = _need_of(employer)
    assert (need.job_title_code, need.rome_code) == ("10891", "J1501")


def test_a_title_typed_in_full_without_javascript_is_resolved(post, adviser):
    employer = EmployerFactory()
    assert _new_need(post, employer, rome_code="chaudronnier / chaudronniere").status_code == 302
    need = _need_of(employer)
    assert need.rome_code == "H2902"
    assert need.job_title.label == "Chaudronnier / Chaudronnière"


def test_an_ambiguous_title_offers_the_matches_then_records_the_chosen_one(post, adviser):
    employer = EmployerFactory()
    response = _new_need(post, employer, rome_code="serveur")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Plusieurs métiers correspondent" in page
    assert 'name="job_title_code"' in page and "Serveur / Serveuse en restauration" in page
    assert _need_of(employer) is None
    waiter = db.session.scalar(
        sa.text("SELECT code FROM job_titles WHERE label = 'Serveur / Serveuse en restauration'")
    )
    assert _new_need(post, employer, rome_code="serveur", job_title_code=waiter).status_code == 302
    assert _need_of(employer).rome_code == "G1803"


def test_a_rome_code_of_the_complete_rome_is_accepted(post, adviser):
    # M1601 (accueil) was missing from the hand-written list and refused as unknown.
    employer = EmployerFactory()
    assert _new_need(post, employer, rome_code="M1601").status_code == 302
    need = _need_of(employer)
    assert (need.rome_code, need.job_title_code) == ("M1601", None)


def test_an_unknown_text_is_refused_with_a_message_and_nothing_recorded(post, adviser):
    employer = EmployerFactory()
    response = _new_need(post, employer, rome_code="zzqxw")
    assert response.status_code == 400
    assert "Aucun métier ne correspond" in response.get_data(as_text=True)
    assert _need_of(employer) is None


def test_a_forged_job_title_code_falls_back_to_the_typed_text(post, adviser):
    employer = EmployerFactory()
    response = _new_need(post, employer, rome_code="M1601", job_title_code="<x>'")
    assert response.status_code == 302
    assert _need_of(employer).rome_code == "M1601"


def test_the_edit_form_shows_the_kept_title_and_keeps_it(client, post, adviser):
    need = RecruitmentNeedFactory(rome_code="J1501", job_title_code="10891")
    page = client.get(f"/besoins/{need.id}/modifier").get_data(as_text=True)
    assert 'value="Aide-soignant / Aide-soignante"' in page
    assert 'role="listbox"' in page and "js/job-combobox.js" in page
    form = {
        **MINIMAL_FORM,
        "rome_code": "Aide-soignant / Aide-soignante",
        "job_title_code": "10891",
        "version": need.version,
    }
    assert post(f"/besoins/{need.id}/modifier", form).status_code == 302
    db.session.expire_all()
    need = db.session.get(RecruitmentNeed, need.id)
    assert (need.job_title_code, need.rome_code) == ("10891", "J1501")
