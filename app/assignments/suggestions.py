"""Which operator, then which adviser, should become an employer's privileged contact (docs/RULES.md, rule 3).

A suggestion, never a decision: the lead sees why and may choose someone else.
"""

from dataclasses import dataclass
from datetime import date

from app.auth.models import User
from app.needs.enums import QualificationLevel, TargetPublic
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

    def is_available_on(self, day: date) -> bool:
        absent = self.absent_until is not None and self.absent_until >= day
        return self.user.is_active and not absent and self.load < self.capacity

    @property
    def ratio(self) -> float:
        return self.load / self.capacity if self.capacity else float("inf")


def operator_kind_for(need: RecruitmentNeed | None) -> tuple[OperatorKind, str]:
    """Rule 3: executives → APEC, under 26 → mission locale, disability → Cap emploi, else France Travail."""
    if need is None:
        return OperatorKind.FRANCE_TRAVAIL, "Pas de besoin précisé : France Travail, qui sert tous les publics."
    public = need.target_public
    if public is TargetPublic.EXECUTIVES:
        return OperatorKind.APEC, f"Le besoin « {need.title} » vise des cadres : l'APEC."
    if public is TargetPublic.YOUTH:
        return (
            OperatorKind.MISSION_LOCALE,
            f"Le besoin « {need.title} » vise des jeunes de moins de 26 ans : la mission locale.",
        )
    if public is TargetPublic.DISABLED:
        return (
            OperatorKind.CAP_EMPLOI,
            f"Le besoin « {need.title} » vise des personnes en situation de handicap : Cap emploi.",
        )
    if need.qualification_level is QualificationLevel.BAC_3_PLUS:
        return (
            OperatorKind.APEC,
            f"Le besoin « {need.title} » demande un niveau bac +3 et plus (profil cadre) : l'APEC.",
        )
    return OperatorKind.FRANCE_TRAVAIL, f"Le besoin « {need.title} » s'adresse à tout public : France Travail."


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
