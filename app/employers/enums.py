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


class ShortageSector(LabelledEnum):
    """Sectors that struggle to hire, as NAF divisions (métiers en tension)."""

    CONSTRUCTION = ("btp", "BTP")
    HEALTH_SOCIAL = ("sante_social", "Santé et action sociale")
    HOSPITALITY = ("hotellerie_restauration", "Hôtellerie-restauration")
    TRANSPORT = ("transport_logistique", "Transport et logistique")
    INDUSTRY = ("industrie", "Industrie")

    @property
    def naf_divisions(self) -> tuple[str, ...]:
        return _SHORTAGE_DIVISIONS[self]


_SHORTAGE_DIVISIONS = {
    ShortageSector.CONSTRUCTION: ("41", "42", "43"),
    ShortageSector.HEALTH_SOCIAL: ("86", "87", "88"),
    ShortageSector.HOSPITALITY: ("55", "56"),
    ShortageSector.TRANSPORT: ("49", "50", "51", "52", "53"),
    ShortageSector.INDUSTRY: tuple(f"{division:02d}" for division in range(10, 34)),
}


class PrivilegedContactFilter(LabelledEnum):
    MINE = ("mine", "Moi")
    NONE = ("none", "Aucun")


class EmployerSort(LabelledEnum):
    NAME = ("name", "Nom (A → Z)")
    NAME_DESC = ("-name", "Nom (Z → A)")
    COMMUNE = ("commune", "Commune")
    NEWEST = ("-created", "Ajout le plus récent")
