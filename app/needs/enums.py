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


class ServiceKind(LabelledEnum):
    """What the network can mobilise for a need."""

    IMMERSION = ("pmsmp", "Immersion (PMSMP)")
    POE_INDIVIDUAL = ("poei", "POE individuelle (POEI)")
    POE_COLLECTIVE = ("poec", "POE collective (POEC)")
    AFPR = ("afpr", "AFPR")
    MRS = ("mrs", "Méthode de recrutement par simulation (MRS)")
    AFEST = ("afest", "AFEST")
    PCRH = ("pcrh", "Prestation de conseil RH (PCRH)")
    JOB_TRAINING_PATH = ("parcours_emploi_formation", "Parcours emploi formation")
    TUTORING = ("emploi_tutorat", "Emploi tutorat")
    JOB_DATING = ("job_dating", "Job dating")


class ServiceStatus(LabelledEnum):
    PROPOSED = ("proposed", "Proposé")
    IN_PROGRESS = ("in_progress", "En cours")
    DONE = ("done", "Réalisé")
    DECLINED = ("declined", "Abandonné")
