from app.enums import LabelledEnum


class EmailStatus(LabelledEnum):
    PENDING = ("pending", "À envoyer")
    SENT = ("sent", "Envoyé")
    FAILED = ("failed", "Abandonné après plusieurs échecs")
