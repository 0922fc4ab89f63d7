import pytest
import sqlalchemy as sa

from app.assignments.queries import queue_query
from app.employers.enums import EmployerSource
from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus, RejectionReason, Urgency
from app.leads.models import Lead
from app.leads.queries import contributions
from app.leads.services import (
    LeadConflict,
    LeadData,
    LeadError,
    accept_lead,
    duplicates_of,
    look_alike_employers,
    merge_lead,
    reject_lead,
    submit_lead,
    submit_public_lead,
)
from app.needs.enums import ContractType, NeedOrigin, NeedStatus, Public
from app.notifications.models import Notification
from app.timeutils import today_paris
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    LeadFactory,
    RecruitmentNeedFactory,
    SpotterOrganisationFactory,
    UserFactory,
    make_siret,
    seeded_basin,
)


def lead_data(**overrides) -> LeadData:
    values = dict(
        siret="",
        employer_name="",
        commune="",
        job_title="Serveur en salle",
        positions=2,
        contract=ContractType.CDD,
        start_on=None,
        urgency=Urgency.HIGH,
        details="Saison estivale",
        contact_name="Jeanne Martin",
        contact_phone="02 40 00 00 00",
        contact_email="",
        contact_consent=True,
    )
    values.update(overrides)
    return LeadData(**values)


def messages_of(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.message).where(Notification.recipient_id == user.id)))


@pytest.fixture
def spotter():
    organisation = SpotterOrganisationFactory()
    user = UserFactory(spotter=True)
    user.spotter_organisation_id = organisation.id
    return user


def test_a_spotter_reports_a_known_employer_by_siret(spotter):
    employer = EmployerFactory()
    lead = submit_lead(spotter, lead_data(siret=employer.siret))
    assert lead.employer == employer and lead.employer_name == employer.name
    assert lead.basin_id == employer.basin_id and lead.source is LeadSource.SPOTTER
    assert lead.spotter_organisation_id == spotter.spotter_organisation_id


def test_a_spotter_reports_an_unknown_employer_by_name_and_commune(spotter):
    lead = submit_lead(spotter, lead_data(employer_name="Crêperie du Port", commune="Saint-Nazaire"))
    assert lead.employer is None and lead.commune_insee == "44184" and lead.basin == seeded_basin("5219")


def test_an_unknown_siret_alone_is_refused(spotter):
    with pytest.raises(LeadError, match="SIRET est inconnu"):
        submit_lead(spotter, lead_data(siret=make_siret()))


def test_a_siret_with_a_bad_checksum_is_refused(spotter):
    with pytest.raises(LeadError, match="clé de contrôle"):
        submit_lead(spotter, lead_data(siret="12345678901234"))


def test_a_lead_for_another_basin_is_refused(spotter):
    laval_employer = EmployerFactory(basin=seeded_basin("5211"), commune_insee="53130", commune_name="Laval")
    with pytest.raises(LeadError, match="hors de votre périmètre"):
        submit_lead(spotter, lead_data(siret=laval_employer.siret))
    with pytest.raises(LeadError, match="hors de votre périmètre"):
        submit_lead(spotter, lead_data(employer_name="Garage Dupont", commune="Laval"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


def test_a_commune_outside_every_basin_is_refused(spotter):
    with pytest.raises(LeadError, match="aucun bassin"):
        submit_lead(spotter, lead_data(employer_name="Bistrot", commune="Marseille"))


def test_the_same_lead_submitted_twice_is_refused(spotter):
    employer = EmployerFactory()
    submit_lead(spotter, lead_data(siret=employer.siret))
    with pytest.raises(LeadConflict, match="déjà été signalé"):
        submit_lead(spotter, lead_data(siret=employer.siret, job_title="  SERVEUR en salle "))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1


def test_the_database_refuses_a_duplicate_even_without_the_check(spotter):
    lead = LeadFactory(spotter=spotter)
    twin = LeadFactory.build(spotter=spotter, dedup_key=lead.dedup_key, submitter_key=lead.submitter_key)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(twin)


def test_consent_and_a_way_to_call_are_required(spotter):
    employer = EmployerFactory()
    with pytest.raises(LeadError, match="accepté d'être recontacté"):
        submit_lead(spotter, lead_data(siret=employer.siret, contact_consent=False))
    with pytest.raises(LeadError, match="téléphone ou une adresse"):
        submit_lead(spotter, lead_data(siret=employer.siret, contact_phone=""))


def test_public_lead_comes_from_the_employer_and_needs_an_email():
    with pytest.raises(LeadError, match="e-mail"):
        submit_public_lead(lead_data(employer_name="Hôtel de la Plage", commune="44600"))
    lead = submit_public_lead(
        lead_data(employer_name="Hôtel de la Plage", commune="44600", contact_email="rh@plage.fr")
    )
    assert lead.source is LeadSource.EMPLOYER and lead.spotter is None and lead.basin == seeded_basin("5219")


def test_accepting_creates_the_employer_and_the_need_and_puts_it_in_the_queue(spotter):
    lead = submit_lead(spotter, lead_data(employer_name="Crêperie du Port", commune="Saint-Nazaire"))
    lead_user = UserFactory(lead=True)
    siret = make_siret()

    need = accept_lead(lead, decided_by=lead_user, siret=siret, publics=[Public.YOUTH])
    db.session.flush()

    assert need.origin is NeedOrigin.LEAD and need.status is NeedStatus.IDENTIFIED
    assert need.employer.siret == siret and need.employer.source is EmployerSource.LEAD
    assert need.publics == [Public.YOUTH] and need.positions == 2
    assert lead.status is LeadStatus.ACCEPTED and lead.need == need
    queued = [employer.id for employer, _ in db.session.execute(queue_query(lead_user, today_paris()))]
    assert need.employer_id in queued
    assert any("accepté" in m for m in messages_of(spotter))


def test_accepting_for_an_employer_with_a_contact_notifies_that_contact(spotter):
    assignment = AssignmentFactory()
    lead = submit_lead(spotter, lead_data(siret=assignment.employer.siret))
    accept_lead(lead, decided_by=UserFactory(lead=True))
    assert any("Nouveau besoin signalé" in m for m in messages_of(assignment.adviser))


def test_a_duplicate_is_pointed_out_and_must_be_confirmed_before_accepting(spotter):
    employer = EmployerFactory()
    first = submit_lead(spotter, lead_data(siret=employer.siret))
    second = submit_lead(UserFactory(spotter=True), lead_data(siret=employer.siret, job_title="Serveur en salle"))

    assert duplicates_of(second) == [first]
    with pytest.raises(LeadConflict, match="même entreprise et le même poste"):
        accept_lead(second, decided_by=UserFactory(lead=True))
    assert second.status is LeadStatus.NEW
    accept_lead(second, decided_by=UserFactory(lead=True), duplicates_confirmed=True)
    assert second.status is LeadStatus.ACCEPTED


def test_rejecting_tells_the_spotter_why(spotter):
    lead = LeadFactory(spotter=spotter)
    reject_lead(lead, decided_by=UserFactory(lead=True), reason=RejectionReason.UNREACHABLE, note="Trois appels")
    assert lead.status is LeadStatus.REJECTED and lead.rejection_reason is RejectionReason.UNREACHABLE
    assert any("injoignable" in m and "Trois appels" in m for m in messages_of(spotter))
    with pytest.raises(LeadConflict, match="déjà été traité"):
        accept_lead(lead, decided_by=UserFactory(lead=True))


def test_merging_attaches_the_lead_to_an_open_need_of_the_same_employer(spotter):
    need = RecruitmentNeedFactory()
    lead = LeadFactory(spotter=spotter, siret=need.employer.siret, employer=need.employer)
    with pytest.raises(LeadError, match="besoin ouvert"):
        merge_lead(lead, decided_by=UserFactory(lead=True), need=RecruitmentNeedFactory())
    merge_lead(lead, decided_by=UserFactory(lead=True), need=need)
    assert lead.status is LeadStatus.MERGED and lead.need == need


def test_contributions_count_sent_accepted_and_filled_per_organisation(spotter):
    organisation_id = spotter.spotter_organisation_id
    LeadFactory(spotter=spotter, accepted=True, need=RecruitmentNeedFactory(filled=True))
    LeadFactory(spotter=spotter, status=LeadStatus.MERGED, need=RecruitmentNeedFactory())
    LeadFactory(spotter=spotter, status=LeadStatus.REJECTED, rejection_reason=RejectionReason.DUPLICATE)
    LeadFactory(spotter=spotter)
    LeadFactory(spotter=None, source=LeadSource.EMPLOYER)

    rows = {row.label: row for row in contributions(UserFactory(lead=True))}

    organisation_row = next(row for row in rows.values() if row.sent == 4)
    assert (organisation_row.accepted, organisation_row.filled, organisation_row.acceptance_rate) == (2, 1, 50)
    assert rows["Employeurs (formulaire public)"].sent == 1
    assert organisation_id is not None


def test_a_siret_of_another_basin_is_refused_when_accepting(spotter):
    lead = submit_lead(spotter, lead_data(employer_name="Crêperie du Port", commune="Saint-Nazaire"))
    laval = EmployerFactory(basin=seeded_basin("5211"))
    with pytest.raises(LeadError, match="autre bassin"):
        accept_lead(lead, decided_by=UserFactory(lead=True), siret=laval.siret)
    assert lead.status is LeadStatus.NEW and lead.need is None


def test_a_lead_without_siret_creates_an_employer_without_one(spotter):
    lead = submit_lead(spotter, lead_data(employer_name="Crêperie des Dunes", commune="Saint-Nazaire"))
    need = accept_lead(lead, decided_by=UserFactory(lead=True))
    assert need.employer.siret is None and need.employer.url_key == f"n{need.employer.id}"


def test_a_lead_naming_a_known_employer_points_to_it_before_creating_a_twin(spotter):
    known = EmployerFactory(name="Crêperie du Port", commune_insee="44184")
    lead = submit_lead(spotter, lead_data(employer_name="Creperie du port", commune="Saint-Nazaire"))
    assert look_alike_employers(lead) == [known]
    with pytest.raises(LeadConflict, match="nom proche"):
        accept_lead(lead, decided_by=UserFactory(lead=True))
    need = accept_lead(lead, decided_by=UserFactory(lead=True), siret=known.siret)
    assert need.employer == known
