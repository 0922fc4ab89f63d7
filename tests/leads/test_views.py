import sqlalchemy as sa

from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus
from app.leads.models import Lead, SpotterOrganisation
from app.needs.enums import NeedOrigin
from app.needs.models import RecruitmentNeed
from tests.factories import (
    EmployerFactory,
    LeadFactory,
    SpotterOrganisationFactory,
    UserFactory,
    make_siret,
    seeded_basin,
)

FORM = {
    "job_title": "Aide-soignant",
    "positions": "3",
    "contract": "cdi",
    "urgency": "high",
    "contact_name": "Anne Leroy",
    "contact_phone": "02 40 11 22 33",
    "contact_consent": "y",
}


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Lead))


def test_a_spotter_submits_a_lead_then_follows_it(client, login, post):
    employer = EmployerFactory()
    spotter = UserFactory(spotter=True)
    login(spotter)
    assert client.get("/signalements/nouveau").status_code == 200

    response = post("/signalements/nouveau", {**FORM, "siret": employer.siret})

    assert response.status_code == 302
    lead = db.session.scalar(sa.select(Lead))
    assert lead.spotter_id == spotter.id and lead.employer_id == employer.id
    listing = client.get("/signalements").get_data(as_text=True)
    assert "Aide-soignant" in listing and "À traiter" in listing
    assert client.get(f"/signalements/{lead.id}").status_code == 200


def test_a_lead_submitted_twice_is_a_409_and_kept_once(client, login, post):
    employer = EmployerFactory()
    login(UserFactory(spotter=True))
    assert post("/signalements/nouveau", {**FORM, "siret": employer.siret}).status_code == 302
    again = post("/signalements/nouveau", {**FORM, "siret": employer.siret})
    assert again.status_code == 409
    assert "déjà été signalé" in again.get_data(as_text=True)
    assert lead_count() == 1


def test_an_unknown_siret_or_another_basin_is_a_400(client, login, post):
    laval = EmployerFactory(basin=seeded_basin("5211"))
    login(UserFactory(spotter=True))
    unknown = post("/signalements/nouveau", {**FORM, "siret": make_siret()})
    assert unknown.status_code == 400 and "SIRET est inconnu" in unknown.get_data(as_text=True)
    elsewhere = post("/signalements/nouveau", {**FORM, "siret": laval.siret})
    assert elsewhere.status_code == 400 and "hors de votre périmètre" in elsewhere.get_data(as_text=True)
    missing = post("/signalements/nouveau", {"siret": laval.siret})
    assert missing.status_code == 400
    assert lead_count() == 0


def test_a_lead_accepts_a_lead_and_the_spotter_sees_the_outcome(client, login, post):
    spotter = UserFactory(spotter=True)
    lead = LeadFactory(spotter=spotter)
    login(UserFactory(lead=True))
    page = client.get(f"/signalements/{lead.id}").get_data(as_text=True)
    assert "Trier ce signalement" in page

    response = post(f"/signalements/{lead.id}/accepter", {"siret": lead.siret, "publics": "youth"})

    assert response.status_code == 302
    db.session.expire_all()
    assert lead.status is LeadStatus.ACCEPTED
    need = db.session.get(RecruitmentNeed, lead.need_id)
    assert need.origin is NeedOrigin.LEAD and need.employer.siret == lead.siret
    assert post(f"/signalements/{lead.id}/refuser", {"reason": "duplicate"}).status_code == 409

    post("/deconnexion")
    login(spotter)
    outcome = client.get(f"/signalements/{lead.id}").get_data(as_text=True)
    assert "Accepté le" in outcome and need.status.label in outcome


def test_a_duplicate_is_pointed_out_and_accepting_it_unconfirmed_is_a_409(client, login, post):
    first = LeadFactory(job_title="Cuisinier")
    second = LeadFactory(siret=first.siret, job_title="cuisinier ")
    login(UserFactory(lead=True))
    page = client.get(f"/signalements/{second.id}").get_data(as_text=True)
    assert 'data-testid="duplicate-warning"' in page
    response = post(f"/signalements/{second.id}/accepter", {})
    assert response.status_code == 409
    db.session.expire_all()
    assert second.status is LeadStatus.NEW


def test_rejecting_needs_a_known_reason(client, login, post):
    lead = LeadFactory()
    login(UserFactory(lead=True))
    assert post(f"/signalements/{lead.id}/refuser", {"reason": "n-importe"}).status_code == 400
    assert post(f"/signalements/{lead.id}/refuser", {"reason": "out_of_basin", "note": "Nantes"}).status_code == 302
    db.session.expire_all()
    assert lead.status is LeadStatus.REJECTED


def test_a_lead_of_another_basin_is_a_404_for_staff(client, login, post):
    lead = LeadFactory(basin=seeded_basin("5211"))
    login(UserFactory(lead=True))
    assert client.get(f"/signalements/{lead.id}").status_code == 404
    assert post(f"/signalements/{lead.id}/accepter", {}).status_code == 404


def test_the_public_form_creates_an_employer_lead_without_an_account(client, post):
    assert client.get("/deposer-un-besoin").status_code == 200
    data = {**FORM, "employer_name": "Hôtel de la Plage", "commune": "Saint-Nazaire", "contact_email": "rh@plage.fr"}

    response = post("/deposer-un-besoin", data)

    assert response.status_code == 302 and response.headers["Location"].endswith("/deposer-un-besoin/merci")
    lead = db.session.scalar(sa.select(Lead))
    assert lead.source is LeadSource.EMPLOYER and lead.spotter_id is None
    assert post("/deposer-un-besoin", data).status_code == 409
    assert lead_count() == 1


def test_the_public_form_trap_keeps_nothing_and_the_form_is_rate_limited(client, post):
    data = {**FORM, "employer_name": "Robot SA", "commune": "Saint-Nazaire", "contact_email": "bot@spam.fr"}
    trapped = post("/deposer-un-besoin", {**data, "website": "http://spam.example"})
    assert trapped.status_code == 302
    assert lead_count() == 0

    statuses = [post("/deposer-un-besoin", {"job_title": ""}).status_code for _ in range(6)]
    assert statuses[:4] == [400] * 4 and statuses[-1] == 429


def test_contributions_page(client, login):
    organisation = SpotterOrganisationFactory(name="CCI Nantes Saint-Nazaire")
    LeadFactory(spotter_organisation_id=organisation.id)
    login(UserFactory(manager=True))
    page = client.get("/signalements/contributions")
    assert page.status_code == 200 and "CCI Nantes Saint-Nazaire" in page.get_data(as_text=True)


def test_admin_creates_an_organisation_and_attaches_a_spotter(client, login, post):
    spotter = UserFactory(spotter=True)
    basin = seeded_basin()
    login(UserFactory(admin=True))
    assert post("/repereurs", {"name": "OPCO EP", "kind": "opco", "basin_id": basin.id}).status_code == 302
    organisation = db.session.scalar(sa.select(SpotterOrganisation).where(SpotterOrganisation.name == "OPCO EP"))
    assert post("/repereurs", {"name": "OPCO EP", "kind": "opco", "basin_id": basin.id}).status_code == 409
    assert post(f"/repereurs/{organisation.id}/membres", {"user_id": spotter.id}).status_code == 302
    db.session.expire_all()
    assert spotter.spotter_organisation_id == organisation.id
    adviser = UserFactory()
    assert post(f"/repereurs/{organisation.id}/membres", {"user_id": adviser.id}).status_code == 400


def test_lead_lists_run_the_same_number_of_queries_for_2_or_12_leads(client, login, post, count_queries):
    spotter, lead_user = UserFactory(spotter=True), UserFactory(lead=True)
    counts = {}
    for total in (2, 12):
        while lead_count() < total:
            LeadFactory(spotter=spotter, accepted=True)
        for user in (spotter, lead_user):
            login(user)
            with count_queries() as statements:
                assert client.get("/signalements?statut=tous").status_code == 200
            counts[(total, user.role)] = len(statements)
            post("/deconnexion")
    for user in (spotter, lead_user):
        assert 0 < counts[(2, user.role)] == counts[(12, user.role)]
