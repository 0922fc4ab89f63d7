from app.enums import LabelledEnum


class EmployerSource(LabelledEnum):
    MANUAL = ("manual", "Saisie")
    SIRENE = ("sirene", "Répertoire SIRENE")
    SPREADSHEET = ("spreadsheet", "Import tableur")
    LEAD = ("lead", "Signalement")
