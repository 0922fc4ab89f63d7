from app.enums import LabelledEnum


class OperatorKind(LabelledEnum):
    FRANCE_TRAVAIL = ("france_travail", "France Travail")
    MISSION_LOCALE = ("mission_locale", "Mission locale")
    CAP_EMPLOI = ("cap_emploi", "Cap emploi")
    APEC = ("apec", "APEC")


class NafLevel(LabelledEnum):
    SECTION = ("section", "Section")
    DIVISION = ("division", "Division")
    GROUP = ("group", "Groupe")
    CLASS = ("class", "Classe")
    SUBCLASS = ("subclass", "Sous-classe")


class HeadcountBand(LabelledEnum):
    """INSEE ``trancheEffectifs`` codes."""

    NN = ("NN", "Non employeur")
    B00 = ("00", "0 salarié")
    B01 = ("01", "1 ou 2 salariés")
    B02 = ("02", "3 à 5 salariés")
    B03 = ("03", "6 à 9 salariés")
    B11 = ("11", "10 à 19 salariés")
    B12 = ("12", "20 à 49 salariés")
    B21 = ("21", "50 à 99 salariés")
    B22 = ("22", "100 à 199 salariés")
    B31 = ("31", "200 à 249 salariés")
    B32 = ("32", "250 à 499 salariés")
    B41 = ("41", "500 à 999 salariés")
    B42 = ("42", "1 000 à 1 999 salariés")
    B51 = ("51", "2 000 à 4 999 salariés")
    B52 = ("52", "5 000 à 9 999 salariés")
    B53 = ("53", "10 000 salariés et plus")
