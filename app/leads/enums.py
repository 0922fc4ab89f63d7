from app.enums import LabelledEnum


class SpotterKind(LabelledEnum):
    CCI = ("cci", "CCI")
    CMA = ("cma", "CMA")
    CHAMBER_OF_AGRICULTURE = ("chambre_agriculture", "Chambre d'agriculture")
    OPCO = ("opco", "OPCO")
    TEMPORARY_AGENCY = ("ett", "Agence d'intérim (ETT)")
    URSSAF = ("urssaf", "URSSAF")
    EMPLOYER_ORGANISATION = ("organisation_professionnelle", "Organisation professionnelle")
    LOCAL_AUTHORITY = ("collectivite", "Collectivité / EPCI")
    REGION = ("region", "Région (développement économique)")


class LeadSource(LabelledEnum):
    SPOTTER = ("spotter", "Repéreur d'offres")
    EMPLOYER = ("employeur", "Employeur (formulaire public)")


class LeadStatus(LabelledEnum):
    NEW = ("new", "À traiter")
    ACCEPTED = ("accepted", "Accepté")
    MERGED = ("merged", "Rattaché à un besoin existant")
    REJECTED = ("rejected", "Refusé")


class Urgency(LabelledEnum):
    LOW = ("low", "Dans les prochains mois")
    NORMAL = ("normal", "Dans le mois")
    HIGH = ("high", "Urgent (sous 15 jours)")


class RejectionReason(LabelledEnum):
    DUPLICATE = ("duplicate", "Doublon")
    OUT_OF_BASIN = ("out_of_basin", "Hors du bassin")
    NOT_A_HIRING_NEED = ("not_a_hiring_need", "Pas un besoin de recrutement")
    UNREACHABLE = ("unreachable", "Employeur injoignable")
