from app.enums import LabelledEnum


class Role(LabelledEnum):
    ADVISER = ("adviser", "Conseiller entreprise")
    TASKFORCE_LEAD = ("taskforce_lead", "Pilote de task force")
    MANAGER = ("manager", "Manager")
    ADMIN = ("admin", "Administrateur")
    SPOTTER = ("spotter", "Repéreur d'offres")
