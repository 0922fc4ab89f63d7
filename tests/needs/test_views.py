import csv
import html
import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.needs.enums import MobilisationStatus, NeedStatus
from app.needs.models import RecruitmentNeed, ServiceMobilisation
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
    seeded_service_type,
)


@pytest.fixture
def need():
    return RecruitmentNeedFactory(
        employer=EmployerFactory(name="Chantiers du Port"), title="Soudeur", identified_on=date(2026, 11, 1)
    )


def test_create_a_need_from_the_employer_page(client, post, adviser):
    employer = EmployerFactory(name="Boulangerie Martin")
    page = client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)
    assert f"/entreprises/{employer.siret}/besoins/nouveau" in page and "Aucun besoin enregistré" in page
    form = client.get(f"/entreprises/{employer.siret}/besoins/nouveau").get_data(as_text=True)
    # The job field, searchable by code or title: the ROME datalist gave way to the job-title combobox.
    assert 'data-source="/referentiel/metiers"' in form
    response = post(
        f"/entreprises/{employer.siret}/besoins/nouveau",
        {
            "rome_code": "G1602 — Personnel de cuisine",
            "title": "Commis de cuisine",
            "positions": "2",
            "contract": "cdd",
            "working_time": "",
            "publics": "youth",
            "qualification_level": "cap_bep",
            "origin": "contact",
            "start_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    need = db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))
    assert (need.rome_code, need.positions, need.start_on, need.status) == (
        "G1602",
        2,
        date(2026, 12, 1),
        NeedStatus.IDENTIFIED,
    )
    assert "Commis de cuisine" in client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "positions": "1"}, "Ce champ est obligatoire."),
        ({"title": "Cariste", "positions": "0"}, "Entre 1 et 999 postes."),
        ({"title": "Cariste", "positions": "1", "rome_code": "Z9999"}, "Code ROME inconnu"),
        ({"title": "Cariste", "positions": "1", "contract": "stage"}, "Choix non valide"),
    ],
)
def test_create_need_bad_input_is_a_400_in_french(client, post, adviser, data, message):
    employer = EmployerFactory()
    form = {"contract": "cdi", "origin": "contact", **data}
    response = post(f"/entreprises/{employer.siret}/besoins/nouveau", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecruitmentNeed)) == 0


def test_edit_with_a_stale_version_is_a_409(client, post, adviser, need):
    form = {"title": "Soudeur TIG", "positions": "1", "contract": "cdi", "origin": "contact"}
    response = post(f"/besoins/{need.id}/modifier", {**form, "version": str(need.version + 1)})
    assert response.status_code == 409
    response = post(f"/besoins/{need.id}/modifier", {**form, "version": str(need.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RecruitmentNeed, need.id).title == "Soudeur TIG"


def test_board_shows_one_column_per_stage_with_cards(client, adviser, need):
    AssignmentFactory(employer=need.employer, adviser=adviser)
    page = client.get("/besoins").get_data(as_text=True)
    for status in NeedStatus:
        assert f'data-status="{status.value}"' in page
    assert "Soudeur" in page and "Chantiers du Port" in page
    assert "Identifié il y a 21 j" in page and adviser.full_name in page
    assert 'draggable="true"' in page and "js/needs-board.js" in page


def test_plain_form_moves_a_card_and_returns_to_the_board(client, post, adviser, need):
    response = post(
        f"/besoins/{need.id}/etape", {"status": "sourcing", "version": str(need.version), "next": "/besoins?bassin=1"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/besoins?bassin=1")
    db.session.expire_all()
    need = db.session.get(RecruitmentNeed, need.id)
    assert need.status is NeedStatus.SOURCING
    assert [change.to_status for change in need.status_changes] == [NeedStatus.SOURCING]


def test_drag_and_drop_move_answers_json_and_refuses_stale_versions(client, post, adviser, need):
    headers = {"Accept": "application/json"}
    response = post(f"/besoins/{need.id}/etape", {"status": "qualified", "version": str(need.version)}, headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "qualified" and response.json["version"] == need.version + 1
    stale = post(f"/besoins/{need.id}/etape", {"status": "sourcing", "version": str(need.version)}, headers=headers)
    assert stale.status_code == 409 and "modifié entre-temps" in stale.json["error"]
    closing = post(f"/besoins/{need.id}/etape", {"status": "filled"}, headers=headers)
    assert closing.status_code == 400


def test_close_reopen_and_satisfaction_from_the_need_page(client, post, adviser, need):
    AssignmentFactory(employer=need.employer, adviser=adviser)
    response = post(f"/besoins/{need.id}/cloture", {"outcome": "filled", "positions_filled": "0"})
    assert response.status_code == 400 and "Indiquez le nombre de postes pourvus" in response.get_data(as_text=True)
    assert post(f"/besoins/{need.id}/cloture", {"outcome": "filled", "positions_filled": "1"}).status_code == 302
    assert post(f"/besoins/{need.id}/satisfaction", {"score": "5", "comment": "Parfait"}).status_code == 302
    db.session.expire_all()
    closed = db.session.get(RecruitmentNeed, need.id)
    assert (closed.status, closed.closed_on, closed.satisfaction_score) == (NeedStatus.FILLED, date(2026, 11, 22), 5)
    page = client.get(f"/besoins/{need.id}").get_data(as_text=True)
    assert "délai de pourvoi : 21 jours" in page and "5 / 5" in page
    assert post(f"/besoins/{need.id}/reouverture", {"status": "sourcing"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RecruitmentNeed, need.id).status is NeedStatus.SOURCING


def test_satisfaction_by_someone_else_than_the_privileged_contact_is_refused(client, post, adviser):
    need = RecruitmentNeedFactory(filled=True, identified_on=date(2026, 11, 1), closed_on=date(2026, 11, 20))
    AssignmentFactory(employer=need.employer)
    response = post(f"/besoins/{need.id}/satisfaction", {"score": "4"})
    assert response.status_code == 400
    assert "Seul l'interlocuteur privilégié" in html.unescape(response.get_data(as_text=True))


def test_services_on_a_need(client, post, adviser, need):
    mrs = seeded_service_type("mrs")
    assert post(f"/besoins/{need.id}/services", {"service_type": mrs.id, "status": "proposed"}).status_code == 302
    mobilisation = db.session.scalar(sa.select(ServiceMobilisation).where(ServiceMobilisation.need_id == need.id))
    assert (mobilisation.service_type, mobilisation.employer_id, mobilisation.status) == (
        mrs,
        need.employer_id,
        MobilisationStatus.PROPOSED,
    )
    assert "Méthode de recrutement par simulation" in client.get(f"/besoins/{need.id}").get_data(as_text=True)


def test_list_filters_and_exports_share_one_selection(client, adviser, need):
    RecruitmentNeedFactory(employer=EmployerFactory(name="Hôtel de la Plage"), title="Réceptionniste", contract="cdd")
    page = client.get("/besoins/liste?contract=cdi").get_data(as_text=True)
    assert "Soudeur" in page and "Réceptionniste" not in page
    rows = list(
        csv.reader(io.StringIO(client.get("/besoins/export.csv?contract=cdi").get_data(as_text=True)), delimiter=";")
    )
    assert rows[0][0] == "\ufeffIdentifiant" and [row[5] for row in rows[1:]] == ["Soudeur"]
    workbook = load_workbook(io.BytesIO(client.get("/besoins/export.xlsx?q=plage").data))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert [row[5] for row in values[1:]] == ["Réceptionniste"]
    assert client.get("/besoins/export.pdf").status_code == 404


def test_needs_of_another_basin_are_404(client, post, adviser):
    laval_need = RecruitmentNeedFactory(employer=EmployerFactory(basin=seeded_basin("5211")), title="Fromager")
    assert client.get(f"/besoins/{laval_need.id}").status_code == 404
    assert post(f"/besoins/{laval_need.id}/etape", {"status": "qualified"}).status_code == 404
    assert "Fromager" not in client.get("/besoins/liste").get_data(as_text=True)
    assert "Fromager" not in client.get("/besoins/export.csv").get_data(as_text=True)


def test_manager_reads_needs_but_does_not_change_them(client, post, login, need):
    login(UserFactory(manager=True, basins=[seeded_basin("5219")]))
    assert client.get(f"/besoins/{need.id}").status_code == 200
    assert post(f"/besoins/{need.id}/etape", {"status": "qualified"}).status_code == 403


def test_spotter_sees_no_need(client, login, need):
    login(UserFactory(spotter=True))
    assert client.get("/besoins").status_code == 403
    assert client.get(f"/besoins/{need.id}").status_code == 403


def test_invalid_service_status_is_a_400(client, post, adviser, need):
    response = post(f"/besoins/{need.id}/services", {"service_type": seeded_service_type("mrs").id, "status": "lost"})
    assert response.status_code == 400 and "Choix non valide" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceMobilisation)) == 0


def test_exports_neutralise_spreadsheet_formulas(client, adviser):
    RecruitmentNeedFactory(employer=EmployerFactory(name="=HYPERLINK(1)"), title="@SUM(A1)")
    text = client.get("/besoins/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text and "'@SUM(A1)" in text
