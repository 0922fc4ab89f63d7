"""Business rules on employers: identity checks, duplicates, edits without lost updates, merges."""

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from rapidfuzz import fuzz, process
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siret as siret_number

from app.audit.models import AuditEvent
from app.auth.models import User
from app.employers.enums import EmployerSource
from app.employers.models import Employer, EmployerContact, Tag, employer_tags, move_rows_to_employer_basin
from app.employers.signals import employers_merging
from app.errors import DomainError
from app.extensions import db
from app.formatting import of
from app.referential.enums import HeadcountBand
from app.referential.models import Commune, NafCode
from app.text import normalize_for_search
from app.timeutils import utcnow

# Two names in one commune at least this close (difflib ratio on normalised names) are
# shown as a possible duplicate: catches "Boulangerie Martin" / "Boulangerie Martin SARL".
DUPLICATE_NAME_RATIO = 0.85
LEGAL_FORM_WORDS = frozenset({"sarl", "sas", "sasu", "sa", "eurl", "sci", "sca", "snc", "ets", "etablissements", "et"})


class EmployerError(DomainError):
    """A refusal whose message can be shown to the user as it is."""


class ExistingEmployer(EmployerError):
    def __init__(self, employer: Employer, visible: bool):
        self.employer = employer
        self.visible = visible
        where = "" if visible else " (dans un bassin auquel vous n'avez pas accès)"
        super().__init__(f"Cet établissement existe déjà{where} : {employer.display_name}.")


class PossibleDuplicates(EmployerError):
    def __init__(self, employers: list[Employer]):
        self.employers = employers
        super().__init__(
            "Une entreprise au nom très proche existe déjà dans cette commune. "
            "Vérifiez qu'il ne s'agit pas de la même, puis confirmez la création."
        )


@dataclass
class FieldChange:
    label: str
    stored: str
    submitted: str


class EditConflict(EmployerError):
    def __init__(self, changes: list[FieldChange], last_change: AuditEvent | None):
        self.changes = changes
        self.last_change = last_change
        super().__init__(
            "Quelqu'un a modifié cette entreprise pendant que vous la modifiiez : rien n'a été enregistré. "
            "Comparez les valeurs ci-dessous, puis enregistrez à nouveau si vous voulez les remplacer."
        )


def clean_siret(raw: str) -> str:
    """The SIRET's 14 digits, or a French explanation of what is wrong with it."""
    # Every whitespace goes, not only the spaces stdnum removes: a SIRET copied from a
    # spreadsheet comes split by tabs or non-breaking spaces (U+00A0, U+202F).
    compact = siret_number.compact("".join((raw or "").split()))
    try:
        return siret_number.validate(compact)
    except InvalidLength:
        raise EmployerError("Le SIRET doit compter 14 chiffres.") from None
    except InvalidFormat:
        raise EmployerError("Le SIRET ne doit contenir que des chiffres.") from None
    except InvalidChecksum:
        raise EmployerError("Ce SIRET n'existe pas : sa clé de contrôle est fausse (faute de frappe ?).") from None


@dataclass
class EmployerData:
    """What a person types about an establishment."""

    name: str
    commune_insee: str
    siret: str | None = None
    enseigne: str | None = None
    naf_code: str | None = None
    headcount_band: HeadcountBand | None = None
    street: str | None = None
    postcode: str | None = None
    tag_ids: list[int] = field(default_factory=list)


EDITABLE_FIELDS = {
    "siret": "SIRET",
    "name": "Raison sociale",
    "enseigne": "Enseigne",
    "naf_code": "Code NAF",
    "headcount_band": "Tranche d'effectif",
    "street": "Adresse",
    "postcode": "Code postal",
    "commune_insee": "Commune",
}


def _commune(user: User, insee_code: str) -> Commune:
    commune = db.session.get(Commune, insee_code or "")
    if commune is None:
        raise EmployerError("Commune inconnue : indiquez le code INSEE d'une commune de France.")
    if commune.basin is None:
        raise EmployerError(f"La commune {commune.name} n'appartient à aucun bassin d'emploi suivi.")
    if not commune.basin.is_open:
        raise EmployerError(f"Le bassin {of(commune.basin.name)} est fermé : il ne prend plus de nouvelle entreprise.")
    if not user.sees_all_basins and commune.basin_id not in user.basin_ids:
        raise EmployerError("Cette commune est hors de vos bassins d'emploi.")
    return commune


def _check_naf(naf_code: str | None) -> None:
    if naf_code and db.session.get(NafCode, naf_code) is None:
        raise EmployerError(f"Le code NAF {naf_code} est inconnu (format attendu : 56.10A).")


def _tags(tag_ids: list[int], carried: set[int]) -> list[Tag]:
    tags = list(db.session.scalars(sa.select(Tag).where(Tag.id.in_(tag_ids)))) if tag_ids else []
    if len(tags) != len(set(tag_ids)):
        raise EmployerError("Une des étiquettes choisies n'existe pas.")
    for tag in tags:
        if not tag.is_active and tag.id not in carried:
            raise EmployerError(f"L'étiquette « {tag.label} » est archivée : elle ne peut plus être posée.")
    return tags


def comparable_name(name: str) -> str:
    return " ".join(word for word in normalize_for_search(name).split() if word not in LEGAL_FORM_WORDS)


def names_look_alike(first: str, second: str) -> bool:
    a, b = comparable_name(first), comparable_name(second)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= DUPLICATE_NAME_RATIO


def possible_duplicates(name: str, commune_insee: str, exclude_id: int | None = None) -> list[Employer]:
    """Employers of the same commune whose name is very close; the commune index bounds the scan."""
    words = [w for w in comparable_name(name).split() if len(w) >= 3] or comparable_name(name).split()[:1]
    if not words:
        return []
    longest = max(words, key=len)
    query = sa.select(Employer).where(
        Employer.commune_insee == commune_insee, Employer.search_name.like(f"%{longest[:4]}%")
    )
    if exclude_id is not None:
        query = query.where(Employer.id != exclude_id)
    return [e for e in db.session.scalars(query.limit(200)) if names_look_alike(name, e.name)][:10]


def _existing_by_siret(user: User, siret: str, exclude_id: int | None = None) -> None:
    existing = db.session.scalar(sa.select(Employer).where(Employer.siret == siret))
    if existing is not None and existing.id != exclude_id:
        raise ExistingEmployer(existing, visible=user.sees_all_basins or existing.basin_id in user.basin_ids)


def _apply(employer: Employer, data: EmployerData, commune: Commune) -> None:
    employer.siret = data.siret or None
    employer.siren = data.siret[:9] if data.siret else None
    employer.name = data.name.strip()
    employer.enseigne = (data.enseigne or "").strip() or None
    employer.naf_code = data.naf_code or None
    employer.headcount_band = data.headcount_band
    employer.street = (data.street or "").strip() or None
    employer.postcode = (data.postcode or "").strip() or None
    employer.commune_insee = commune.insee_code
    employer.commune_name = commune.name
    employer.basin_id = commune.basin_id
    with db.session.no_autoflush:  # the save is flushed in one place, where conflicts are caught
        employer.tags = _tags(data.tag_ids, {tag.id for tag in employer.tags})
    employer.edited_by_hand_at = utcnow()


def create_employer(
    user: User,
    data: EmployerData,
    duplicates_confirmed: bool = False,
    source: EmployerSource = EmployerSource.MANUAL,
) -> Employer:
    """A new establishment; refuses a known SIRET and, unless confirmed, a look-alike name."""
    if not data.name.strip():
        raise EmployerError("La raison sociale est obligatoire.")
    siret = clean_siret(data.siret) if data.siret else None
    data.siret = siret
    commune = _commune(user, data.commune_insee)
    _check_naf(data.naf_code)
    if siret:
        _existing_by_siret(user, siret)
    if not duplicates_confirmed:
        look_alikes = possible_duplicates(data.name, commune.insee_code)
        if look_alikes:
            raise PossibleDuplicates(look_alikes)
    employer = Employer(source=source)
    _apply(employer, data, commune)
    db.session.add(employer)
    db.session.flush()
    return employer


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return getattr(value, "label", None) or str(value)


def _conflict(employer_id: int, data: EmployerData) -> EditConflict:
    stored = db.session.execute(
        sa.select(*[getattr(Employer, name) for name in EDITABLE_FIELDS]).where(Employer.id == employer_id)
    ).one()
    submitted = {**data.__dict__, "siret": data.siret or None}
    changes = [
        FieldChange(label, _shown(current), _shown(submitted.get(name)))
        for (name, label), current in zip(EDITABLE_FIELDS.items(), stored, strict=True)
        if _shown(current) != _shown(submitted.get(name))
    ]
    last_change = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "Employer", AuditEvent.entity_id == str(employer_id))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return EditConflict(changes, last_change)


def update_employer(user: User, employer: Employer, data: EmployerData, expected_version: int) -> Employer:
    """Save an edit made on ``expected_version``; a newer stored version means someone else saved first."""
    if not data.name.strip():
        raise EmployerError("La raison sociale est obligatoire.")
    siret = clean_siret(data.siret) if data.siret else None
    data.siret = siret
    if employer.siret and not siret:
        raise EmployerError("Le SIRET d'un établissement ne peut pas être effacé.")
    commune = _commune(user, data.commune_insee)
    _check_naf(data.naf_code)
    if siret:
        _existing_by_siret(user, siret, exclude_id=employer.id)
    employer_id = employer.id
    # Read the stored version, not the one in the identity map: another process may
    # have saved since this request loaded the employer.
    stored_version = db.session.scalar(
        sa.select(Employer.__table__.c.version).where(Employer.__table__.c.id == employer_id)
    )
    if expected_version != stored_version or employer.version != stored_version:
        db.session.expire(employer)
        raise _conflict(employer_id, data)
    _apply(employer, data, commune)
    # The UPDATE also carries "WHERE version = <read version>" (version_id_col): a save
    # slipping in between the check above and this flush raises StaleDataError, which
    # the caller turns into the same refusal after rolling back.
    db.session.flush()
    return employer


# --- Duplicates already in the base -------------------------------------------------


@dataclass
class DuplicatePair:
    first: Employer
    second: Employer
    reason: str


DUPLICATE_PAGE_LIMIT = 100


def probable_duplicates(user: User, limit: int = DUPLICATE_PAGE_LIMIT) -> list[DuplicatePair]:
    """Same SIREN and address, or look-alike names in one commune for employers without SIRET."""
    from app.employers.queries import visible_employers

    visible_ids = visible_employers(user).with_only_columns(Employer.id).scalar_subquery()
    first, second = sa.orm.aliased(Employer), sa.orm.aliased(Employer)
    # Read from the SIREN index alone: the few companies with several establishments, instead
    # of probing the index once per employer of the register.
    shared_sirens = (
        sa.select(Employer.siren)
        .where(Employer.siren.is_not(None))
        .group_by(Employer.siren)
        .having(sa.func.count() > 1)
    )
    same_address = db.session.execute(
        sa.select(first, second)
        .join(
            second,
            sa.and_(
                first.siren == second.siren,
                first.id < second.id,
                sa.func.coalesce(first.street, "") == sa.func.coalesce(second.street, ""),
                first.commune_insee == second.commune_insee,
            ),
        )
        .where(first.siren.in_(shared_sirens), first.id.in_(visible_ids), second.id.in_(visible_ids))
        .order_by(first.search_name)
        .limit(limit)
    ).all()
    pairs = [DuplicatePair(a, b, "Même SIREN et même adresse") for a, b in same_address]
    if len(pairs) < limit:
        pairs += _look_alike_pairs(user, limit - len(pairs))
    return pairs


@dataclass(frozen=True)
class _NamedEmployer:
    id: int
    has_siret: bool
    name: str
    search_name: str
    comparable: str


# Python's floats may put a ratio of exactly 0.85 a hair below 85: the pre-filter must keep it.
_PRE_FILTER_CUTOFF = DUPLICATE_NAME_RATIO * 100 - 0.01


def _look_alike_pairs(user: User, limit: int) -> list[DuplicatePair]:
    """Look-alike names in one commune, one of them without SIRET: the first ``limit`` pairs by name.

    Comparing every employer without SIRET with every employer of its commune took 31 s for a
    commune of 1,500. Names are compared only within blocks (``_name_keys``), first with
    RapidFuzz's ratio, computed in C on the longest common subsequence and so never below
    difflib's, which then decides (``names_look_alike``), in name order, until the page is full.
    """
    from app.employers.queries import visible_employers

    visible = visible_employers(user)
    communes_without_siret = visible.with_only_columns(Employer.commune_insee).where(Employer.siret.is_(None))
    rows = db.session.execute(
        visible.with_only_columns(
            Employer.id, Employer.siret.is_not(None), Employer.name, Employer.search_name, Employer.commune_insee
        ).where(Employer.commune_insee.in_(communes_without_siret))
    )
    communes: dict[str, list[_NamedEmployer]] = defaultdict(list)
    for employer_id, has_siret, name, search_name, commune_insee in rows:
        comparable = comparable_name(name)
        if comparable:
            communes[commune_insee].append(_NamedEmployer(employer_id, has_siret, name, search_name, comparable))
    candidates = {pair for employers in communes.values() for pair in _candidate_pairs(employers)}
    found = []
    for pair in sorted(candidates, key=lambda p: (p[0].search_name, p[0].id, p[1].search_name, p[1].id)):
        if names_look_alike(pair[0].name, pair[1].name):
            found.append(pair)
            if len(found) == limit:
                break
    loaded = {
        e.id: e
        for e in db.session.scalars(sa.select(Employer).where(Employer.id.in_({e.id for p in found for e in p})))
    }
    reason = "Nom presque identique dans la même commune (saisie sans SIRET)"
    return [DuplicatePair(loaded[a.id], loaded[b.id], reason) for a, b in found]


def _name_keys(comparable: str) -> set[str]:
    """The blocks a name is compared within: the first and the last four letters of each word.

    Two names close enough to look alike share a word's beginning or its end (a letter
    missing, swapped or added, a legal form or a word more), unless every word of one
    differs from every word of the other at both ends. Words of one or two letters ("la",
    "du") would put most names in one block, unless the name has nothing else.
    """
    words = comparable.split()
    long_words = [word for word in words if len(word) >= 3] or words
    return {word[:4] for word in long_words} | {word[-4:] for word in long_words}


def _candidate_pairs(employers: list[_NamedEmployer]) -> set[tuple[_NamedEmployer, _NamedEmployer]]:
    """Pairs of one commune that may look alike: the one without SIRET first (the older if both lack one)."""
    blocks: dict[str, list[_NamedEmployer]] = defaultdict(list)
    for employer in employers:
        for key in _name_keys(employer.comparable):
            blocks[key].append(employer)
    pairs = set()
    for block in blocks.values():
        if len(block) < 2:
            continue
        choices = [employer.comparable for employer in block]
        for employer in block:
            if employer.has_siret:
                continue
            close = process.extract(
                employer.comparable, choices, scorer=fuzz.ratio, score_cutoff=_PRE_FILTER_CUTOFF, limit=None
            )
            for _, _, index in close:
                other = block[index]
                if other.has_siret or other.id > employer.id:
                    pairs.add((employer, other))
    return pairs


def _referencing_columns() -> list[sa.Column]:
    """Every column of the schema that points at employers.id (other domains' tables included)."""
    columns = []
    for table in db.Model.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == "employers" and foreign_key.column.name == "id":
                columns.append(foreign_key.parent)
    return columns


def merge_employers(user: User, kept: Employer, merged: Employer, reason: str) -> Employer:
    """Move everything of ``merged`` onto ``kept`` (history, contacts, needs…), then delete ``merged``."""
    if kept.id == merged.id:
        raise EmployerError("Choisissez deux entreprises différentes.")
    if merged.siret and kept.siret and merged.siren != kept.siren:
        raise EmployerError("Ces deux établissements n'appartiennent pas à la même entreprise (SIREN différents).")
    if not reason.strip():
        raise EmployerError("Indiquez pourquoi ces deux fiches sont la même entreprise.")
    now = utcnow()
    employers_merging.send(kept, merged=merged, reason=reason.strip())
    for tag in merged.tags:
        if tag not in kept.tags:
            kept.tags.append(tag)
    moved_siret = merged.siret if kept.siret is None else None
    if moved_siret:
        merged.siret = None  # freed first: the SIRET is unique
        db.session.flush()
        kept.siret, kept.siren = moved_siret, moved_siret[:9]
    for name in ("enseigne", "naf_code", "naf25_code", "headcount_band", "street", "postcode", "created_on"):
        if getattr(kept, name) is None and getattr(merged, name) is not None:
            setattr(kept, name, getattr(merged, name))
    kept.edited_by_hand_at = now
    db.session.flush()
    kept_id, merged_id = kept.id, merged.id
    for column in _referencing_columns():
        if column.table is employer_tags:
            continue  # the tags were united above; the merged record's rows go with it
        try:
            with db.session.begin_nested():
                db.session.execute(sa.update(column.table).where(column == merged_id).values({column.name: kept_id}))
        except sa.exc.IntegrityError:
            raise EmployerError(
                f"Fusion impossible : les deux fiches ont des données incompatibles ({column.table.name})."
            ) from None
    # The moved contacts, needs and privileged contacts take the kept record's basin (their
    # denormalised copy for the dashboard).
    move_rows_to_employer_basin(db.session.connection(), kept_id)
    # The rows moved under the ORM's feet: reload before deleting, so nothing cascades by mistake.
    db.session.expire_all()
    db.session.delete(db.session.get(Employer, merged_id))
    db.session.flush()
    return db.session.get(Employer, kept_id)


# --- Contact persons -------------------------------------------------------------------


@dataclass
class ContactData:
    last_name: str
    first_name: str | None = None
    job_title: str | None = None
    phone: str | None = None
    email: str | None = None
    is_opposed_to_contact: bool = False


def _apply_contact(contact: EmployerContact, data: ContactData) -> None:
    if not data.last_name.strip():
        raise EmployerError("Le nom de l'interlocuteur est obligatoire.")
    contact.last_name = data.last_name.strip()
    contact.first_name = (data.first_name or "").strip() or None
    contact.job_title = (data.job_title or "").strip() or None
    contact.phone = (data.phone or "").strip() or None
    contact.email = (data.email or "").strip().lower() or None
    contact.is_opposed_to_contact = data.is_opposed_to_contact


def add_contact(employer: Employer, data: ContactData) -> EmployerContact:
    contact = EmployerContact(employer=employer)
    _apply_contact(contact, data)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(contact: EmployerContact, data: ContactData) -> EmployerContact:
    if contact.anonymised_at is not None:
        raise EmployerError("Cet interlocuteur a été anonymisé (règle de conservation) : il ne peut plus être modifié.")
    _apply_contact(contact, data)
    db.session.flush()
    return contact


def set_contact_opposition(contact: EmployerContact, opposed: bool) -> EmployerContact:
    contact.is_opposed_to_contact = opposed
    db.session.flush()
    return contact


def record_contact_with(contact: EmployerContact, on: date) -> None:
    """Keep the date of the last contact: the 3-year retention rule counts from it."""
    if contact.last_contacted_on is None or contact.last_contacted_on < on:
        contact.last_contacted_on = on
