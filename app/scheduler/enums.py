from app.enums import LabelledEnum


class JobRunStatus(LabelledEnum):
    REQUESTED = ("requested", "Demandée")
    RUNNING = ("running", "En cours")
    SUCCEEDED = ("succeeded", "Réussie")
    FAILED = ("failed", "En échec")


class JobRunTrigger(LabelledEnum):
    SCHEDULE = ("schedule", "Planifiée")
    CATCH_UP = ("catch_up", "Rattrapage")
    MANUAL = ("manual", "Manuelle")
