from app.enums import LabelledEnum


class QueuedJobStatus(LabelledEnum):
    QUEUED = ("queued", "En attente")
    RUNNING = ("running", "En cours")
    DONE = ("done", "Terminée")
    FAILED = ("failed", "En échec")
