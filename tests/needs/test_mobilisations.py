"""Services mobilised for an employer, on a need or not: the rules, the database's checks, the pages,
and the catalogue kept by admins."""

import html
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.employers.services import merge_employers
from app.extensions import db
from app.needs.catalogue import CatalogueError, create_service_type, update_service_type
from app.needs.enums import Funder, MobilisationStatus, ServiceFamily
from app.needs.mobilisations import MobilisationData, create_mobilisation, update_mobilisation
from app.needs.models import ServiceMobilisation, ServiceType
from app.needs.services import NeedConflict, NeedError
from tests.factories import (
    EmployerFactory,
    RecruitmentNeedFactory,
    ServiceMobilisationFactory,
    ServiceTypeFactory,
    UserFactory,
    seeded_basin,
    seeded_service_type,
)

TODAY = date(2026, 11, 22)  # the adviser fixture's day (conftest.py)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ServiceMobilisation))


def _data(code="poei", **fields) -> MobilisationData:
    return MobilisationData(service_type=seeded_service_type(code), **fields)


# --- The rules --------------------------------------------------------------------------------


def test_a_service_is_mobilised_for_an_employer_alone_or_on_one_of_its_needs(adviser):
    need = RecruitmentNeedFactory(title="Soudeur")
    pcrh = create_mobilisation(need.employer, _data("pcrh", funder=Funder.OPCO), author=adviser)
    poei = create_mobilisation(
        need.employer, _data(status=MobilisationStatus.ACCEPTED, people=4, hires=2), need=need, author=adviser
    )
    db.session.flush()
    assert (pcrh.need_id, pcrh.basin_id, pcrh.proposed_on, pcrh.created_by_id) == (
        None,
        need.employer.basin_id,
        TODAY,
        adviser.id,
    )
    assert need.services == [poei]
    assert poei.employer_id == need.employer_id
    other = EmployerFactory()
    with pytest.raises(NeedError, match="n'est pas celui de cette entreprise"):
        create_mobilisation(other, _data(), need=need, author=adviser)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": MobilisationStatus.DELIVERED}, "date de réalisation"),
        ({"status": MobilisationStatus.PROPOSED, "delivered_on": TODAY}, "ne s'indique que pour une solution réalisée"),
        (
            {"status": MobilisationStatus.DELIVERED, "proposed_on": TODAY, "delivered_on": date(2026, 11, 1)},
            "ne peut pas précéder la date de proposition",
        ),
        ({"status": MobilisationStatus.DELIVERED, "delivered_on": date(2026, 11, 23)}, "dans le futur"),
        ({"proposed_on": date(2026, 11, 23)}, "dans le futur"),
        ({"starts_on": date(2026, 12, 5), "ends_on": date(2026, 12, 1)}, "fin ne peut pas précéder"),
        ({"people": 3, "hires": 4}, "ne peuvent pas dépasser"),
        ({"hires": -1}, "négatif"),
        ({"status": None}, "statut"),
    ],
)
def test_bad_mobilisations_are_refused_in_french(adviser, fields, message):
    employer = EmployerFactory()
    with pytest.raises(NeedError, match=message):
        create_mobilisation(employer, _data(**fields), author=adviser)
    with pytest.raises(NeedError, match="Choisissez le service"):
        create_mobilisation(employer, MobilisationData(service_type=None), author=adviser)


def test_a_deactivated_service_is_no_longer_offered_but_stays_on_its_mobilisations(adviser):
    service_type = ServiceTypeFactory(label="Atelier de recrutement")
    mobilisation = ServiceMobilisationFactory(service_type=service_type)
    service_type.is_active = False
    with pytest.raises(NeedError, match="n'est plus proposé"):
        create_mobilisation(EmployerFactory(), MobilisationData(service_type=service_type), author=adviser)
    update_mobilisation(
        mobilisation,
        MobilisationData(
            service_type=service_type, status=MobilisationStatus.DELIVERED, proposed_on=TODAY, delivered_on=TODAY
        ),
        expected_version=mobilisation.version,
    )
    assert mobilisation.status is MobilisationStatus.DELIVERED


def test_a_stale_version_is_refused(adviser):
    mobilisation = ServiceMobilisationFactory()
    with pytest.raises(NeedConflict):
        update_mobilisation(mobilisation, _data(), expected_version=mobilisation.version + 1)


@pytest.mark.parametrize(
    "values",
    [
        {"people": 2, "hires": 3},
        {"people": -1},
        {"status": "delivered"},  # without its date
        {"delivered_on": date(2026, 1, 1)},  # not delivered
        {"starts_on": date(2026, 2, 1), "ends_on": date(2026, 1, 1)},
    ],
)
def test_the_database_holds_the_shape_of_a_mobilisation(values):
    employer = EmployerFactory()
    row = {
        "employer_id": employer.id,
        "basin_id": employer.basin_id,
        "service_type_id": seeded_service_type("mrs").id,
        "status": "proposed",
        "proposed_on": date(2026, 1, 1),
        "note": "",
        "version": 1,
        "created_at": sa.func.current_timestamp(),
        "updated_at": sa.func.current_timestamp(),
    }
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.insert(ServiceMobilisation).values({**row, **values}))
    db.session.execute(sa.insert(ServiceMobilisation).values(row))  # the same row, well formed


def test_the_database_refuses_a_need_of_another_employer():
    need, other = RecruitmentNeedFactory(), EmployerFactory()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.insert(ServiceMobilisation).values(
                employer_id=other.id,
                basin_id=other.basin_id,
                need_id=need.id,
                service_type_id=seeded_service_type("mrs").id,
                status="proposed",
                proposed_on=date(2026, 1, 1),
                note="",
                version=1,
                created_at=sa.func.current_timestamp(),
                updated_at=sa.func.current_timestamp(),
            )
        )


def test_a_merge_moves_the_mobilisations_with_the_needs():
    kept = EmployerFactory(basin=seeded_basin("5211"))
    merged = EmployerFactory(siret=None, siren=None)
    need = RecruitmentNeedFactory(employer=merged)
    on_need = ServiceMobilisationFactory(need=need)
    alone = ServiceMobilisationFactory(employer=merged)
    on_need_id, alone_id = on_need.id, alone.id
    merge_employers(UserFactory(admin=True), kept, merged, "Même entreprise")
    db.session.expire_all()
    for mobilisation_id in (on_need_id, alone_id):
        moved = db.session.get(ServiceMobilisation, mobilisation_id)
        assert (moved.employer_id, moved.basin_id) == (kept.id, kept.basin_id)
    assert db.session.get(ServiceMobilisation, on_need_id).need_id == need.id


def test_a_used_service_type_cannot_be_deleted():
    mobilisation = ServiceMobilisationFactory()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.delete(ServiceType).where(ServiceType.id == mobilisation.service_type_id))


# --- The pages ----------------------------------------------------------------------------------


def _form(service_type, **fields) -> dict:
    return {"service_type": str(service_type.id), "status": "proposed", "proposed_on": "2026-11-20", **fields}


def test_an_adviser_mobilises_a_service_from_the_employer_page(client, post, adviser):
    employer = EmployerFactory(basin=seeded_basin("5219"))
    need = RecruitmentNeedFactory(employer=employer, title="Soudeur")
    page = client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)
    assert "Solutions mobilisées" in page and f"/entreprises/{employer.siret}/solutions/nouvelle" in page
    form_page = client.get(f"/entreprises/{employer.siret}/solutions/nouvelle?besoin={need.id}")
    assert form_page.status_code == 200 and f'<option selected value="{need.id}">' in form_page.get_data(as_text=True)
    pcrh = seeded_service_type("pcrh")
    response = post(
        f"/entreprises/{employer.siret}/solutions/nouvelle", _form(pcrh, funder="opco", note="Diagnostic RH")
    )
    assert response.status_code == 302
    mobilisation = db.session.scalar(
        sa.select(ServiceMobilisation).where(ServiceMobilisation.employer_id == employer.id)
    )
    assert (mobilisation.need_id, mobilisation.funder, mobilisation.note) == (None, Funder.OPCO, "Diagnostic RH")
    page = client.get(response.location).get_data(as_text=True)
    assert f"Solution « {pcrh.label} » enregistrée pour l&#39;entreprise." in page and "Diagnostic RH" in page
    assert db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEvent.entity_type == "ServiceMobilisation", AuditEvent.entity_id == str(mobilisation.id)
        )
    )


def test_a_bad_submission_says_why_and_writes_nothing(client, post, adviser):
    employer = EmployerFactory(basin=seeded_basin("5219"))
    url = f"/entreprises/{employer.siret}/solutions/nouvelle"
    response = post(url, _form(seeded_service_type("poec"), people="3", hires="5"))
    assert response.status_code == 400
    assert "Les embauches ne peuvent pas dépasser" in html.unescape(response.get_data(as_text=True))
    assert post(url, _form(seeded_service_type("poec"), status="delivered")).status_code == 400
    assert post(url, {"service_type": "99999999999", "status": "proposed"}).status_code == 400
    assert post(url, _form(seeded_service_type("poec"), need=str(RecruitmentNeedFactory().id))).status_code == 400
    assert _count() == 0


def test_editing_a_mobilisation_records_its_delivery_and_hires(client, post, adviser):
    need = RecruitmentNeedFactory(employer=EmployerFactory(basin=seeded_basin("5219")))
    mobilisation = ServiceMobilisationFactory(need=need, service_type=seeded_service_type("poec"), proposed_on=TODAY)
    url = f"/solutions/{mobilisation.id}/modifier"
    assert client.get(url).status_code == 200
    form = _form(
        mobilisation.service_type,
        status="delivered",
        proposed_on="2026-11-22",
        delivered_on="2026-11-22",
        people="10",
        hires="7",
        version=str(mobilisation.version),
    )
    response = post(url, form)
    assert response.status_code == 302 and response.location.endswith(f"/besoins/{need.id}")
    db.session.expire_all()
    assert (mobilisation.status, mobilisation.people, mobilisation.hires) == (MobilisationStatus.DELIVERED, 10, 7)
    # The same form again: its version is now stale.
    stale = post(url, {**form, "hires": "8"})
    assert stale.status_code == 409
    db.session.expire_all()
    assert mobilisation.hires == 7


def test_another_basin_s_employer_and_mobilisation_are_404(client, post, adviser):
    laval = EmployerFactory(basin=seeded_basin("5211"))
    mobilisation = ServiceMobilisationFactory(employer=laval)
    assert client.get(f"/entreprises/{laval.siret}/solutions/nouvelle").status_code == 404
    assert post(f"/entreprises/{laval.siret}/solutions/nouvelle", _form(seeded_service_type("mrs"))).status_code == 404
    assert client.get(f"/solutions/{mobilisation.id}/modifier").status_code == 404
    assert _count() == 1


def test_a_manager_reads_solutions_but_does_not_mobilise(client, post, login):
    employer = EmployerFactory(basin=seeded_basin("5219"))
    ServiceMobilisationFactory(employer=employer, service_type=seeded_service_type("afest"))
    login(UserFactory(manager=True, basins=[seeded_basin("5219")]))
    assert "Action de formation en situation de travail" in client.get(f"/entreprises/{employer.siret}").get_data(
        as_text=True
    )
    assert (
        post(f"/entreprises/{employer.siret}/solutions/nouvelle", _form(seeded_service_type("mrs"))).status_code == 403
    )
    assert _count() == 1


# --- The catalogue ------------------------------------------------------------------------------


def test_the_catalogue_holds_the_reference_services_by_family():
    families = dict(db.session.execute(sa.select(ServiceType.code, ServiceType.family)).all())
    assert families["poei"] is families["prf"] is families["pass_emploi"] is ServiceFamily.TRAINING
    assert families["mrs"] is families["pmsmp"] is families["job_dating"] is ServiceFamily.RECRUITMENT
    assert families["pcrh"] is families["afest"] is ServiceFamily.HR_ADVICE
    assert families["emploi_tutorat"] is ServiceFamily.OTHER


def test_catalogue_rules():
    created = create_service_type("  Atelier   CV ", ServiceFamily.OTHER)
    assert (created.code, created.label, created.is_active) == ("atelier_cv", "Atelier CV", True)
    with pytest.raises(CatalogueError, match="existe déjà"):
        create_service_type("atelier cv", ServiceFamily.TRAINING)
    with pytest.raises(CatalogueError, match="obligatoire"):
        create_service_type("   ", ServiceFamily.OTHER)
    with pytest.raises(CatalogueError, match="famille"):
        create_service_type("Tutorat", None)
    update_service_type(created, "Atelier CV et lettre", ServiceFamily.RECRUITMENT)
    assert (created.code, created.family) == ("atelier_cv", ServiceFamily.RECRUITMENT)


def test_an_admin_keeps_the_catalogue_from_the_browser(client, post, login):
    login(UserFactory(admin=True))
    assert "Méthode de recrutement par simulation" in client.get("/administration/services").get_data(as_text=True)
    response = post("/administration/services", {"label": "Job dating inversé", "family": "recruitment"})
    assert response.status_code == 302
    service_type = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == "job_dating_inverse"))
    assert (
        post(
            f"/administration/services/{service_type.id}", {"label": "Job dating à l'envers", "family": "recruitment"}
        ).status_code
        == 302
    )
    assert post(f"/administration/services/{service_type.id}/etat", {"active": "0"}).status_code == 302
    db.session.expire_all()
    assert (service_type.label, service_type.is_active) == ("Job dating à l'envers", False)
    duplicate = post("/administration/services", {"label": "job dating a l'envers", "family": "other"})
    assert duplicate.status_code == 400 and "existe déjà" in html.unescape(duplicate.get_data(as_text=True))
    assert post("/administration/services", {"label": "Tutorat", "family": "colour"}).status_code == 400


def test_a_deactivated_service_is_not_offered_on_the_forms(client, adviser):
    seeded_service_type("frap").is_active = False
    db.session.flush()
    page = client.get(f"/entreprises/{EmployerFactory(basin=seeded_basin('5219')).siret}/solutions/nouvelle")
    text = page.get_data(as_text=True)
    assert "FRAP" not in text and "POE collective (POEC)" in text


@pytest.mark.parametrize("role", ["adviser", "lead", "manager"])
def test_only_admins_keep_the_catalogue(client, post, login, role):
    login(UserFactory(**({role: True} if role != "adviser" else {})))
    mrs = seeded_service_type("mrs")
    assert client.get("/administration/services").status_code == 403
    assert post("/administration/services", {"label": "Atelier", "family": "other"}).status_code == 403
    assert post(f"/administration/services/{mrs.id}", {"label": "Autre", "family": "other"}).status_code == 403
    assert post(f"/administration/services/{mrs.id}/etat", {"active": "0"}).status_code == 403
    db.session.expire_all()
    assert (mrs.label, mrs.is_active) == ("Méthode de recrutement par simulation (MRS)", True)
