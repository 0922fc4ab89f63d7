from app.enums import LabelledEnum


class EventKind(LabelledEnum):
    JOB_DATING = ("job_dating", "Job dating")
    REVERSE_JOB_DATING = ("reverse_job_dating", "Job dating inversé")
    JOB_FAIR = ("job_fair", "Forum emploi")
    INFO_SESSION = ("info_session", "Information collective")
    COMPANY_VISIT = ("company_visit", "Visite d'entreprise")
    THEMATIC = ("thematic", "Opération thématique")


class EventStatus(LabelledEnum):
    PLANNED = ("planned", "Prévu")
    HELD = ("held", "Réalisé")
    CANCELLED = ("cancelled", "Annulé")
