from app.enums import LabelledEnum


class HandoverStatus(LabelledEnum):
    PENDING = ("pending", "En attente")
    APPROVED = ("approved", "Acceptée")
    REFUSED = ("refused", "Refusée")


class QueueReason(LabelledEnum):
    """Why an employer waits for a privileged contact."""

    OPEN_NEED = ("open_need", "Besoin de recrutement ouvert")
    ACCEPTED_LEAD = ("accepted_lead", "Signalement accepté")
    PLAN_TARGET = ("plan_target", "Ciblée par un plan de prospection")
    CONTACT_LEFT = ("contact_left", "Ancien interlocuteur parti")
