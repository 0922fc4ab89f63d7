from app.enums import LabelledEnum


class CheckKind(LabelledEnum):
    TRIAL = ("trial", "Fin de la période d'essai")
    SIX_MONTHS = ("six_months", "Six mois après l'embauche")


class RetentionAnswer(LabelledEnum):
    HELD = ("held", "Oui, toutes les personnes recrutées sont en poste")
    PARTLY = ("partly", "En partie")
    NOT_HELD = ("not_held", "Non, plus aucune n'est en poste")
