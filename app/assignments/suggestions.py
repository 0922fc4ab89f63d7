"""Which operator, then which adviser, should become an employer's privileged contact (docs/RULES.md, rule 3).

A suggestion, never a decision: the lead sees why and may choose someone else.
"""

from dataclasses import dataclass
from datetime import date

from app.auth.models import User
from app.needs.enums import Public, QualificationLevel
from app.needs.models import RecruitmentNeed
from app.referential.enums import OperatorKind
from app.referential.models import Operator


@dataclass(frozen=True)
class OperatorSuggestion:
    kind: OperatorKind
    operator: Operator | None
    why: str


@dataclass(frozen=True)
class MemberLoad:
    """A task-force member as the queue sees them: who, how loaded, and whether they can take more."""

    user: User
    load: int
    capacity: int
    absent_until: date | None

    @property
    def takes_employers(self) -> bool:
        """Whether the member may be offered employers at all: a member with no capacity (a lead who
        coordinates) or no operator is no adviser."""
        return self.user.is_active and self.capacity > 0 and self.user.operator_id is not None

    def is_available_on(self, day: date) -> bool:
        absent = self.absent_until is not None and self.absent_until >= day
        return self.takes_employers and not absent and self.load < self.capacity

    def label_on(self, day: date) -> str:
        """How the lead's lists name the member: who, which operator, how loaded, and why not suggested."""
        operator = f" — {self.user.operator.name}" if self.user.operator else ""
        state = ""
        if self.absent_until is not None and self.absent_until >= day:
            state = ", absent"
        elif self.load >= self.capacity:
            state = ", complet"
        return f"{self.user.full_name}{operator} ({self.load}/{self.capacity}{state})"

    @property
    def ratio(self) -> float:
        return self.load / self.capacity if self.capacity else float("inf")


# Rule 3, as data: the publics a need targets, then its qualification, point at a specialised operator;
# every other need goes to France Travail. A need may target several publics: the first of
# OPERATOR_FOR_PUBLIC's order that it targets decides (cadres, then jeunes, then handicap), and the
# reason names the others. The queue's operator filter reads the same tables
# (queries.suggested_kind_is), so the filter and the suggestion shown agree.
OPERATOR_FOR_PUBLIC = {
    Public.EXECUTIVES: OperatorKind.APEC,
    Public.YOUTH: OperatorKind.MISSION_LOCALE,
    Public.DISABLED: OperatorKind.CAP_EMPLOI,
}
OPERATOR_FOR_QUALIFICATION = {QualificationLevel.BAC_3_PLUS: OperatorKind.APEC}

# Whom each public is, in a sentence: "Le besoin « … » vise <these people>".
PUBLIC_PHRASES = {
    Public.EXECUTIVES: "des cadres",
    Public.YOUTH: "des jeunes de moins de 26 ans",
    Public.DISABLED: "des personnes en situation de handicap",
    Public.RSA: "des allocataires du RSA",
    Public.SENIORS: "des seniors de 50 ans et plus",
    Public.QPV: "des résidents des quartiers prioritaires",
    Public.LONG_TERM_UNEMPLOYED: "des demandeurs d'emploi de longue durée",
}
OPERATOR_NAMES = {
    OperatorKind.APEC: "l'APEC",
    OperatorKind.MISSION_LOCALE: "la mission locale",
    OperatorKind.CAP_EMPLOI: "Cap emploi",
    OperatorKind.FRANCE_TRAVAIL: "France Travail",
}


def _listed(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} et {phrases[-1]}"


def deciding_public(publics: list[Public]) -> Public | None:
    """The public that decides the operator: the first of rule 3's order the need targets."""
    return next((public for public in OPERATOR_FOR_PUBLIC if public in publics), None)


def operator_kind_for(need: RecruitmentNeed | None) -> tuple[OperatorKind, str]:
    """Rule 3: executives → APEC, under 26 → mission locale, disability → Cap emploi, else France Travail.

    The reason says which public (or the qualification) decided, when the need targets several."""
    if need is None:
        return OperatorKind.FRANCE_TRAVAIL, "Pas de besoin précisé : France Travail, qui sert tous les publics."
    publics = need.publics
    aimed_at = _listed([PUBLIC_PHRASES[public] for public in publics]) if publics else None
    about = f"Le besoin « {need.title} »"
    decisive = deciding_public(publics)
    if decisive is not None:
        kind = OPERATOR_FOR_PUBLIC[decisive]
        which = f" (règle appliquée : {PUBLIC_PHRASES[decisive]})" if len(publics) > 1 else ""
        return kind, f"{about} vise {aimed_at} : {OPERATOR_NAMES[kind]}{which}."
    if need.qualification_level in OPERATOR_FOR_QUALIFICATION:
        kind = OPERATOR_FOR_QUALIFICATION[need.qualification_level]
        level = need.qualification_level.label.lower()
        who = f"vise {aimed_at} et demande" if aimed_at else "demande"
        return kind, f"{about} {who} un niveau {level} (profil cadre) : {OPERATOR_NAMES[kind]}."
    if aimed_at:
        # No specialised operator for these publics (seniors, RSA…): France Travail accompanies them.
        them = "ces publics" if len(publics) > 1 else "ce public"
        return OperatorKind.FRANCE_TRAVAIL, f"{about} vise {aimed_at} : France Travail, qui accompagne {them}."
    return OperatorKind.FRANCE_TRAVAIL, f"{about} s'adresse à tout public : France Travail."


def suggest_operator(need: RecruitmentNeed | None, basin_operators: list[Operator]) -> OperatorSuggestion:
    """The kind of operator rule 3 points at, and one of that kind serving the basin (France Travail otherwise)."""
    kind, why = operator_kind_for(need)
    of_kind = sorted((op for op in basin_operators if op.is_active and op.kind is kind), key=lambda op: op.name)
    if not of_kind and kind is not OperatorKind.FRANCE_TRAVAIL:
        why += f" Aucun opérateur {kind.label} sur ce bassin : France Travail à défaut."
        kind = OperatorKind.FRANCE_TRAVAIL
        of_kind = sorted((op for op in basin_operators if op.is_active and op.kind is kind), key=lambda op: op.name)
    return OperatorSuggestion(kind, of_kind[0] if of_kind else None, why)


def suggest_adviser(kind: OperatorKind, members: list[MemberLoad], today: date) -> MemberLoad | None:
    """The least loaded available member of an operator of that kind, relative to their capacity."""
    candidates = [
        m for m in members if m.user.operator is not None and m.user.operator.kind is kind and m.is_available_on(today)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (m.ratio, m.load, m.user.full_name, m.user.id))
