from app.enums import LabelledEnum


class EmployerSource(LabelledEnum):
    MANUAL = ("manual", "Saisie")
    SIRENE = ("sirene", "Répertoire SIRENE")
    SPREADSHEET = ("spreadsheet", "Import tableur")
    LEAD = ("lead", "Signalement")


class ImportRunStatus(LabelledEnum):
    QUEUED = ("queued", "En attente")
    RUNNING = ("running", "En cours")
    DONE = ("done", "Terminé")
    FAILED = ("failed", "En échec")


class PrivilegedContactFilter(LabelledEnum):
    MINE = ("mine", "Moi")
    NONE = ("none", "Aucun")


class EmployerSort(LabelledEnum):
    NAME = ("name", "Nom (A → Z)")
    NAME_DESC = ("-name", "Nom (Z → A)")
    COMMUNE = ("commune", "Commune")
    NEWEST = ("-created", "Ajout le plus récent")
