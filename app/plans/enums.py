from app.enums import LabelledEnum


class PlanIndicator(LabelledEnum):
    EMPLOYERS_CONTACTED = ("employers_contacted", "Employeurs contactés")
    VISITS = ("visits", "Visites en entreprise")
    NEEDS_IDENTIFIED = ("needs_identified", "Besoins identifiés")
    POSITIONS_FILLED = ("positions_filled", "Postes pourvus")
    EVENTS_HELD = ("events_held", "Événements organisés")
    EVENT_HIRES = ("event_hires", "Recrutements lors d'événements")
    EMPLOYERS_WITH_CONTACT = ("employers_with_contact", "Entreprises ciblées avec un interlocuteur privilégié")
    # Solutions delivered (app/needs/queries.py defines them, like the dashboard's).
    SOLUTIONS_DELIVERED = ("solutions_delivered", "Solutions apportées aux entreprises")
    POE_SMALL_EMPLOYERS = ("poe_small_employers", "POE présentées aux TPE (moins de 10 salariés)")
    EMPLOYERS_ENGAGED = ("employers_engaged", "Entreprises engagées pour l'inclusion")


# Indicators that have a value at a date, hence a baseline (the value on the plan's first day) that a
# relative target multiplies: "doubler en 3 ans".
BASELINE_INDICATORS = (PlanIndicator.EMPLOYERS_ENGAGED,)


class SegmentKind(LabelledEnum):
    SHORTAGE_JOB = ("shortage_job", "Métier en tension (ROME)")
    NAF_DIVISION = ("naf_division", "Division d'activité (NAF)")
    HEADCOUNT_BAND = ("headcount_band", "Tranche d'effectif")
    TAG = ("tag", "Signal")
