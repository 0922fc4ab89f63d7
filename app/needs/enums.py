from app.enums import LabelledEnum


class NeedStatus(LabelledEnum):
    IDENTIFIED = ("identified", "Identifié")
    QUALIFIED = ("qualified", "Qualifié")
    SOURCING = ("sourcing", "En recherche de candidats")
    CANDIDATES_PRESENTED = ("candidates_presented", "Candidats présentés")
    FILLED = ("filled", "Pourvu")
    NOT_FILLED = ("not_filled", "Non pourvu")
    CANCELLED = ("cancelled", "Annulé")

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATUSES


CLOSED_STATUSES = frozenset({NeedStatus.FILLED, NeedStatus.NOT_FILLED, NeedStatus.CANCELLED})
OPEN_STATUSES = frozenset(NeedStatus) - CLOSED_STATUSES


class ContractType(LabelledEnum):
    CDI = ("cdi", "CDI")
    CDD = ("cdd", "CDD")
    TEMPORARY = ("interim", "Intérim")
    APPRENTICESHIP = ("alternance", "Alternance")
    SEASONAL = ("saisonnier", "Saisonnier")


class WorkingTime(LabelledEnum):
    FULL_TIME = ("full_time", "Temps plein")
    PART_TIME = ("part_time", "Temps partiel")


class TargetPublic(LabelledEnum):
    YOUTH = ("youth", "Jeunes (moins de 26 ans)")
    DISABLED = ("disabled", "Personnes en situation de handicap")
    RSA = ("rsa", "Allocataires du RSA")
    SENIORS = ("seniors", "Seniors")
    EXECUTIVES = ("executives", "Cadres")
    ALL = ("all", "Tout public")


class Public(LabelledEnum):
    """A public a need targets; a need may target several, or none ("tout public").

    The values of TargetPublic (an event's single public) for the publics both know."""

    RSA = ("rsa", "Allocataires du RSA")
    DISABLED = ("disabled", "Personnes en situation de handicap (RQTH)")
    YOUTH = ("youth", "Jeunes de moins de 26 ans")
    SENIORS = ("seniors", "Seniors de 50 ans et plus")
    QPV = ("qpv", "Résidents des quartiers prioritaires (QPV)")
    LONG_TERM_UNEMPLOYED = ("long_term_unemployed", "Demandeurs d'emploi de longue durée")
    EXECUTIVES = ("executives", "Cadres")


class QualificationLevel(LabelledEnum):
    NONE = ("none", "Sans qualification")
    CAP_BEP = ("cap_bep", "CAP, BEP")
    BAC = ("bac", "Bac")
    BAC_2 = ("bac_2", "Bac +2")
    BAC_3_PLUS = ("bac_3_plus", "Bac +3 et plus")


class NeedOrigin(LabelledEnum):
    CONTACT = ("contact", "Échange avec l'employeur")
    LEAD = ("lead", "Signalement")
    EVENT = ("event", "Événement")
    PLAN = ("plan", "Plan de prospection")


class ServiceFamily(LabelledEnum):
    """The families of the services catalogue (``ServiceType``), kept by admins."""

    TRAINING = ("training", "Formation")
    RECRUITMENT = ("recruitment", "Recrutement")
    HR_ADVICE = ("hr_advice", "Conseil RH")
    OTHER = ("other", "Autre accompagnement")


class MobilisationStatus(LabelledEnum):
    PROPOSED = ("proposed", "Proposée")
    ACCEPTED = ("accepted", "Acceptée")
    DELIVERED = ("delivered", "Réalisée")
    REFUSED = ("refused", "Refusée")


class Funder(LabelledEnum):
    FRANCE_TRAVAIL = ("france_travail", "France Travail")
    REGION = ("region", "Région")
    OPCO = ("opco", "OPCO")
    AGEFIPH = ("agefiph", "Agefiph")
    STATE = ("etat", "État")
    EMPLOYER = ("employer", "Employeur")
    OTHER = ("other", "Autre")


# The catalogue's codes of the préparations opérationnelles à l'emploi: the plan indicator
# « POE présentées aux TPE » counts them (a code never changes: app/needs/catalogue.py).
POE_CODES = ("poei", "poec")
# A TPE (très petite entreprise) has fewer than 10 employees: INSEE headcount bands 00 to 03.
# NN (not an employer) and an unknown band are left out.
TPE_HEADCOUNT_BANDS = ("00", "01", "02", "03")
