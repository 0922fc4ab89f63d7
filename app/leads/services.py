"""Business rules of leads: submission by spotters or employers, triage by the task force."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.auth.enums import Role
from app.auth.models import User
from app.employers.enums import EmployerSource
from app.employers.models import Employer
from app.employers.services import (
    EmployerData,
    EmployerError,
    PossibleDuplicates,
    clean_siret,
    create_employer,
    possible_duplicates,
)
from app.errors import DomainError
from app.extensions import db
from app.formatting import of
from app.leads.enums import LeadSource, LeadStatus, RejectionReason, SpotterKind, Urgency
from app.leads.models import Lead, SpotterOrganisation
from app.leads.signals import lead_accepted, lead_merged, lead_rejected, lead_routed, lead_submitted
from app.needs.enums import OPEN_STATUSES, ContractType, NeedOrigin, Public, QualificationLevel
from app.needs.models import RecruitmentNeed
from app.needs.services import create_need
from app.referential.models import Basin, Commune
from app.text import normalize_for_search
from app.timeutils import utcnow


class LeadError(DomainError):
    """A refusal with a French message for the user."""


class LeadConflict(LeadError):
    """The same lead already exists, or someone triaged it meanwhile: HTTP 409."""


@dataclass
class LeadData:
    """What a lead says, as typed in the spotter's or the employer's form."""

    siret: str
    employer_name: str
    commune: str
    job_title: str
    positions: int
    contract: ContractType
    start_on: date | None
    urgency: Urgency
    details: str
    contact_name: str
    contact_phone: str
    contact_email: str
    contact_consent: bool


def likeliest_commune(text: str) -> Commune | None:
    """A commune of France by INSEE code, postcode or name; when several match (Changé, Mayenne and
    Sarthe), one of a basin first, then the most populated."""
    text = (text or "").strip()
    if not text:
        return None
    query = sa.select(Commune).order_by(
        Commune.basin_id.is_(None), Commune.population.desc().nulls_last(), Commune.insee_code
    )
    if text.isdigit() and len(text) == 5:
        by_code = db.session.scalar(query.where(Commune.insee_code == text))
        return by_code or db.session.scalar(query.where(Commune.postcodes.like(f"%{text}%")))
    return db.session.scalar(query.where(Commune.search_name == normalize_for_search(text)))


def _dedup_key(siret: str | None, employer_name: str, commune_insee: str | None, job_title: str) -> str:
    who = siret or f"{normalize_for_search(employer_name)}@{commune_insee or ''}"
    return f"{who}|{normalize_for_search(job_title)}"[:500]


def _check_contents(data: LeadData) -> None:
    if not data.job_title.strip():
        raise LeadError("Indiquez le poste à pourvoir.")
    if data.positions < 1 or data.positions > 500:
        raise LeadError("Le nombre de postes doit être compris entre 1 et 500.")
    if not data.contact_name.strip():
        raise LeadError("Indiquez la personne à contacter chez l'employeur.")
    if not (data.contact_phone.strip() or data.contact_email.strip()):
        raise LeadError("Indiquez un téléphone ou une adresse e-mail pour joindre l'employeur.")
    if not data.contact_consent:
        raise LeadError("L'employeur doit avoir accepté d'être recontacté par le réseau pour l'emploi.")


def _locate(data: LeadData) -> tuple[str | None, Employer | None, Commune | None]:
    """The lead's SIRET, the known employer it names, and its commune (in a basin or not);
    refuses what cannot be placed."""
    siret = None
    if data.siret.strip():
        try:
            siret = clean_siret(data.siret)
        except EmployerError as error:
            raise LeadError(str(error)) from None
    employer = db.session.scalar(sa.select(Employer).where(Employer.siret == siret)) if siret else None
    commune = likeliest_commune(data.commune) if data.commune.strip() else None
    if data.commune.strip() and commune is None:
        raise LeadError(
            f"La commune « {data.commune.strip()} » est introuvable : "
            "vérifiez l'orthographe ou indiquez son code postal."
        )
    if employer is None:
        if siret and not (data.employer_name.strip() and commune):
            raise LeadError(
                "Ce SIRET est inconnu de nos fichiers : indiquez aussi le nom et la commune de l'entreprise."
            )
        if not siret and not (data.employer_name.strip() and commune):
            raise LeadError("Indiquez le SIRET de l'entreprise, ou à défaut son nom et sa commune.")
    return siret, employer, commune


def _open_basin_of(employer: Employer | None, commune: Commune | None) -> Basin | None:
    """The basin a lead goes to: its known employer's, else its commune's; None when that is no
    basin or a closed one (a closed basin takes no new lead): the lead is then « hors bassin »."""
    basin = employer.basin if employer is not None else commune.basin
    return basin if basin is not None and basin.is_open else None


def _save(lead: Lead) -> Lead:
    duplicate = db.session.scalar(
        sa.select(Lead).where(
            Lead.submitter_key == lead.submitter_key, Lead.dedup_key == lead.dedup_key, Lead.status == LeadStatus.NEW
        )
    )
    message = (
        "Ce besoin a déjà été signalé (même entreprise, même poste) et attend d'être traité : "
        "inutile de le signaler à nouveau."
    )
    if duplicate is not None:
        raise LeadConflict(message)
    try:
        with db.session.begin_nested():
            db.session.add(lead)
    except IntegrityError as error:
        raise LeadConflict(message) from error
    return lead


def _new_lead(data: LeadData, siret, employer, commune, basin_id: int | None, **origin) -> Lead:
    name = employer.name if employer else data.employer_name.strip()
    return Lead(
        basin_id=basin_id,
        siret=siret,
        employer=employer,
        employer_name=name[:255],
        commune_insee=employer.commune_insee if employer else commune.insee_code,
        commune_name=employer.commune_name if employer else commune.name,
        dedup_key=_dedup_key(siret, name, commune.insee_code if commune else None, data.job_title),
        job_title=data.job_title.strip()[:200],
        positions=data.positions,
        contract=data.contract,
        start_on=data.start_on,
        urgency=data.urgency,
        details=data.details.strip(),
        contact_name=data.contact_name.strip()[:160],
        contact_phone=data.contact_phone.strip()[:30] or None,
        contact_email=data.contact_email.strip().lower()[:254] or None,
        contact_consent=True,
        status=LeadStatus.NEW,
        **origin,
    )


def submit_lead(spotter: User, data: LeadData) -> Lead:
    """A spotter reports a hiring need of an employer of their basin."""
    if spotter.role is not Role.SPOTTER:
        raise LeadError("Seuls les repéreurs d'offres déposent des signalements ici.")
    _check_contents(data)
    siret, employer, commune = _locate(data)
    basin = _open_basin_of(employer, commune)
    if basin is None:
        where = "Cette entreprise" if employer is not None else f"La commune « {commune.name} »"
        raise LeadError(
            f"{where} ne fait partie d'aucun bassin couvert par le service : "
            "l'employeur peut déposer son besoin sur le formulaire public."
        )
    basin_id = basin.id
    if basin_id not in spotter.basin_ids:
        raise LeadError(
            f"Cette entreprise relève du bassin {of(basin.name)}, hors de votre périmètre : "
            "transmettez ce besoin au repéreur de ce bassin."
        )
    lead = _new_lead(
        data,
        siret,
        employer,
        commune,
        basin_id,
        source=LeadSource.SPOTTER,
        spotter_id=spotter.id,
        spotter_organisation_id=spotter.spotter_organisation_id,
        submitter_key=f"user:{spotter.id}",
    )
    _save(lead)
    lead_submitted.send(lead, by_employer=False)
    return lead


def submit_public_lead(data: LeadData) -> Lead:
    """An employer reports its own need through the public form (no account)."""
    _check_contents(data)
    if not data.contact_email.strip():
        raise LeadError("Indiquez votre adresse e-mail : nous vous recontactons par ce biais.")
    siret, employer, commune = _locate(data)
    # Outside every open basin, the need is kept with no basin, for an admin to route (route_lead).
    basin = _open_basin_of(employer, commune)
    lead = _new_lead(
        data,
        siret,
        employer,
        commune,
        basin.id if basin is not None else None,
        source=LeadSource.EMPLOYER,
        submitter_key=f"public:{data.contact_email.strip().lower()}"[:300],
    )
    _save(lead)
    lead_submitted.send(lead, by_employer=True)
    return lead


def route_lead(lead: Lead, basin: Basin | None, *, routed_by: User) -> None:
    """An admin sends a need of no basin to an open basin: it joins that basin's triage list."""
    if not routed_by.sees_all_basins:
        raise LeadError("Seuls les administrateurs routent les besoins hors bassin.")
    if lead.basin_id is not None:
        raise LeadConflict(f"Ce besoin a déjà été routé vers le bassin {lead.basin.name}.")
    _check_open(lead)
    if basin is None:
        raise LeadError("Choisissez un bassin existant.")
    if not basin.is_open:
        raise LeadError(f"Le bassin {basin.name} est fermé : choisissez un bassin ouvert.")
    lead.basin = basin
    db.session.flush()
    lead_routed.send(lead, routed_by=routed_by)


def duplicates_of(lead: Lead) -> list[Lead]:
    """Other open leads for the same employer and job: pointed out before accepting."""
    job = normalize_for_search(lead.job_title)
    same_employer = Lead.siret == lead.siret if lead.siret else Lead.dedup_key == lead.dedup_key
    candidates = db.session.scalars(
        sa.select(Lead)
        .outerjoin(RecruitmentNeed, RecruitmentNeed.id == Lead.need_id)
        .where(
            Lead.id != lead.id,
            same_employer,
            sa.or_(
                Lead.status == LeadStatus.NEW,
                sa.and_(
                    Lead.status.in_([LeadStatus.ACCEPTED, LeadStatus.MERGED]), RecruitmentNeed.status.in_(OPEN_STATUSES)
                ),
            ),
        )
        .order_by(Lead.created_at)
        .limit(20)
    )
    return [other for other in candidates if normalize_for_search(other.job_title) == job]


def _lead_employer(lead: Lead) -> Employer | None:
    if lead.employer is not None:
        return lead.employer
    if lead.siret:
        return db.session.scalar(sa.select(Employer).where(Employer.siret == lead.siret))
    return None


def look_alike_employers(lead: Lead) -> list[Employer]:
    """Known employers of the lead's commune with a close name: the lead may be about one of them."""
    if lead.employer_id is not None or not lead.commune_insee:
        return []
    return possible_duplicates(lead.employer_name, lead.commune_insee)


def mergeable_needs(lead: Lead) -> list[RecruitmentNeed]:
    employer = _lead_employer(lead)
    if employer is None:
        return []
    return list(
        db.session.scalars(
            sa.select(RecruitmentNeed)
            .where(RecruitmentNeed.employer_id == employer.id, RecruitmentNeed.status.in_(OPEN_STATUSES))
            .order_by(RecruitmentNeed.identified_on.desc())
        )
    )


def _check_open(lead: Lead) -> None:
    if lead.status is not LeadStatus.NEW:
        raise LeadConflict(f"Ce signalement a déjà été traité ({lead.status.label.lower()}).")


def _decide(lead: Lead, status: LeadStatus, decided_by: User, note: str | None) -> None:
    lead.status = status
    lead.decided_by = decided_by
    lead.decided_at = utcnow()
    lead.decision_note = (note or "").strip()[:500] or None


def accept_lead(
    lead: Lead,
    *,
    decided_by: User,
    siret: str = "",
    publics: Iterable[Public] = (),
    qualification_level: QualificationLevel | None = None,
    rome_code: str | None = None,
    duplicates_confirmed: bool = False,
    note: str = "",
) -> RecruitmentNeed:
    """Link or create the employer, create the need; the employer then reaches the queue or its contact."""
    _check_open(lead)
    if duplicates_of(lead) and not duplicates_confirmed:
        raise LeadConflict(
            "D'autres signalements ouverts portent sur la même entreprise et le même poste : "
            "rattachez celui-ci au besoin existant, refusez-le comme doublon, ou confirmez qu'il est distinct."
        )
    employer = _employer_for_acceptance(lead, siret, decided_by, duplicates_confirmed)
    need = create_need(
        employer=employer,
        title=lead.job_title,
        contract=lead.contract,
        author=decided_by,
        positions=lead.positions,
        rome_code=rome_code or None,
        publics=publics,
        origin=NeedOrigin.LEAD,
        start_on=lead.start_on,
        qualification_level=qualification_level,
    )
    lead.employer = employer
    lead.need = need
    _decide(lead, LeadStatus.ACCEPTED, decided_by, note)
    db.session.flush()
    lead_accepted.send(lead, need=need)
    return need


def _employer_for_acceptance(lead: Lead, siret_text: str, decided_by: User, confirmed: bool) -> Employer:
    """The known employer of the lead, or a new one: one employer = one SIRET (docs/RULES.md, rule 1)."""
    siret = lead.siret
    if siret_text.strip():
        try:
            siret = clean_siret(siret_text)
        except EmployerError as error:
            raise LeadError(str(error)) from None
    if lead.employer is not None and (not siret or lead.employer.siret == siret):
        return lead.employer
    if siret:
        known = db.session.scalar(sa.select(Employer).where(Employer.siret == siret))
        if known is not None:
            if known.basin_id != lead.basin_id:
                raise LeadError(f"L'entreprise de SIRET {siret} relève d'un autre bassin ({known.basin.name}).")
            return known
    data = EmployerData(name=lead.employer_name, commune_insee=lead.commune_insee or "", siret=siret)
    try:
        # A SIRET of its own makes it a distinct establishment, whatever its name looks like;
        # without one, a look-alike name in the commune must be confirmed (rule 1).
        return create_employer(
            decided_by, data, duplicates_confirmed=bool(siret) or confirmed, source=EmployerSource.LEAD
        )
    except PossibleDuplicates as error:
        names = ", ".join(employer.display_name for employer in error.employers)
        raise LeadConflict(
            f"Une entreprise au nom proche est déjà connue dans cette commune ({names}) : "
            "reprenez son SIRET, ou confirmez qu'il s'agit d'une autre entreprise."
        ) from None
    except EmployerError as error:
        raise LeadError(str(error)) from None


def reject_lead(lead: Lead, *, decided_by: User, reason: RejectionReason, note: str = "") -> None:
    _check_open(lead)
    _decide(lead, LeadStatus.REJECTED, decided_by, note)
    lead.rejection_reason = reason
    lead_rejected.send(lead)


def merge_lead(lead: Lead, *, decided_by: User, need: RecruitmentNeed | None, note: str = "") -> None:
    """The lead describes a need the network already follows: attach it there."""
    _check_open(lead)
    if need is None or need not in mergeable_needs(lead):
        raise LeadError("Choisissez un besoin ouvert de cette entreprise.")
    lead.employer = need.employer
    lead.need = need
    _decide(lead, LeadStatus.MERGED, decided_by, note)
    lead_merged.send(lead)


def create_organisation(*, basin: Basin | None, name: str, kind: SpotterKind) -> SpotterOrganisation:
    name = (name or "").strip()
    if basin is None or not name:
        raise LeadError("Indiquez le nom et le bassin de l'organisation.")
    exists = db.session.scalar(
        sa.select(SpotterOrganisation.id).where(
            SpotterOrganisation.basin_id == basin.id, SpotterOrganisation.name == name
        )
    )
    if exists is not None:
        raise LeadConflict(f"L'organisation « {name} » existe déjà sur ce bassin.")
    organisation = SpotterOrganisation(basin=basin, name=name[:160], kind=kind)
    db.session.add(organisation)
    return organisation


def update_organisation(organisation: SpotterOrganisation, *, name: str, kind: SpotterKind, is_active: bool) -> None:
    """Rename, reclassify or (de)activate an organisation. An inactive one keeps its spotters and
    their leads; it is shown greyed and no spotter can be attached to it any more."""
    name = " ".join((name or "").split())
    if not name:
        raise LeadError("Indiquez le nom de l'organisation.")
    if len(name) > 160:
        raise LeadError("Le nom de l'organisation ne dépasse pas 160 caractères.")
    exists = db.session.scalar(
        sa.select(SpotterOrganisation.id).where(
            SpotterOrganisation.basin_id == organisation.basin_id,
            SpotterOrganisation.name == name,
            SpotterOrganisation.id != organisation.id,
        )
    )
    if exists is not None:
        raise LeadConflict(f"L'organisation « {name} » existe déjà sur ce bassin.")
    organisation.name = name
    organisation.kind = kind
    organisation.is_active = is_active


def attach_spotter(organisation: SpotterOrganisation, user: User | None) -> None:
    if user is None or user.role is not Role.SPOTTER:
        raise LeadError("Seul un compte de repéreur d'offres peut être rattaché à une organisation.")
    if not organisation.is_active:
        raise LeadError(f"L'organisation « {organisation.name} » est désactivée : réactivez-la d'abord.")
    if organisation.basin_id not in user.basin_ids:
        raise LeadError(f"{user.full_name} n'intervient pas sur le bassin {organisation.basin.name}.")
    user.spotter_organisation_id = organisation.id
