from app.enums import LabelledEnum


class Channel(LabelledEnum):
    VISIT = ("visit", "Visite")
    PHONE = ("phone", "Téléphone")
    EMAIL = ("email", "E-mail")
    EVENT = ("event", "Événement")
    OTHER = ("other", "Autre")


class FollowUpStatus(LabelledEnum):
    OPEN = ("open", "À faire")
    DONE = ("done", "Faite")
    CANCELLED = ("cancelled", "Annulée")
