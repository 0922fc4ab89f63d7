"""The ONE list of periodic jobs: when each runs, and which domain's tasks function it runs.

Each function takes ``now`` and returns counts for the job-runs page; the runner wraps it in
one transaction. Times are Europe/Paris; a missed run may be caught up within ``grace_hours``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from app.aftercare.tasks import remind_unanswered_surveys
from app.api.webhooks import deliver_webhooks
from app.dashboard.tasks import keep_averages
from app.formatting import plural
from app.monitoring.tasks import send_error_alerts
from app.notifications.basin_reports import send_basin_reports
from app.notifications.mail import deliver_outbox
from app.notifications.reports import send_monthly_reports
from app.notifications.tasks import (
    enforce_retention,
    escalate_overdue_follow_ups,
    flag_stale_needs,
    send_morning_digests,
)
from app.timeutils import PARIS

LOOKBACK = timedelta(days=35)  # longer than the longest period (a month)


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    label: str
    schedule_label: str
    func: Callable[[datetime], dict]
    trigger: BaseTrigger
    # How late a missed run may still be caught up; None: frequent job, just wait for the next one.
    grace_hours: int | None
    # Frequent jobs only leave a job run when they did something (or failed).
    records_idle_runs: bool = True

    @property
    def misfire_grace_seconds(self) -> int:
        return self.grace_hours * 3600 if self.grace_hours else 60


def _cron(**fields) -> CronTrigger:
    return CronTrigger(timezone=PARIS, **fields)


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "morning_digest",
        "Point du matin des conseillers",
        "Jours ouvrés à 7 h 30",
        send_morning_digests,
        _cron(day_of_week="mon-fri", hour=7, minute=30),
        grace_hours=4,
    ),
    PeriodicJob(
        "escalation",
        "Escalade des relances en retard et des interlocuteurs désactivés",
        "Tous les jours à 8 h",
        escalate_overdue_follow_ups,
        _cron(hour=8, minute=0),
        grace_hours=12,
    ),
    PeriodicJob(
        "stale_needs",
        "Besoins sans activité depuis 30 et 60 jours",
        "Le lundi à 8 h 30",
        flag_stale_needs,
        _cron(day_of_week="mon", hour=8, minute=30),
        grace_hours=48,
    ),
    PeriodicJob(
        "monthly_report",
        "Point d'avancement mensuel des managers",
        "Le 1er du mois à 6 h",
        send_monthly_reports,
        _cron(day=1, hour=6, minute=0),
        grace_hours=72,
    ),
    PeriodicJob(
        "basin_reports",
        "Point d'avancement mensuel des coprésidents de comité (sans compte)",
        "Le 1er du mois à 6 h 15",
        send_basin_reports,
        _cron(day=1, hour=6, minute=15),
        grace_hours=72,
    ),
    PeriodicJob(
        "retention",
        "Anonymisation des interlocuteurs sans contact depuis 3 ans",
        "Le 1er du mois à 3 h",
        enforce_retention,
        _cron(day=1, hour=3, minute=0),
        grace_hours=72,
    ),
    PeriodicJob(
        "outbox",
        "Envoi des courriels en attente",
        "Toutes les minutes",
        deliver_outbox,
        IntervalTrigger(minutes=1, timezone=PARIS),
        grace_hours=None,
        records_idle_runs=False,
    ),
    PeriodicJob(
        "error_alerts",
        "Courriel aux administrateurs sur les erreurs du service (une fois par heure et par cause au plus)",
        "Toutes les minutes",
        send_error_alerts,
        IntervalTrigger(minutes=1, timezone=PARIS),
        grace_hours=None,
        records_idle_runs=False,
    ),
    PeriodicJob(
        "webhooks",
        "Envoi des webhooks aux clients de l'API",
        "Toutes les minutes",
        deliver_webhooks,
        IntervalTrigger(minutes=1, timezone=PARIS),
        grace_hours=None,
        records_idle_runs=False,
    ),
)
# The employers' satisfaction surveys: one reminder each, a week after the first e-mail (app/aftercare).
JOBS += (
    PeriodicJob(
        "survey_reminders",
        "Relance unique des enquêtes de satisfaction sans réponse",
        "Jours ouvrés à 10 h",
        remind_unanswered_surveys,
        _cron(day_of_week="mon-fri", hour=10, minute=0),
        # A reminder later than the same day waits for the next working day's run.
        grace_hours=12,
    ),
)
# The départements' and régions' averages beside a basin's figures (app/dashboard/averages.py).
JOBS += (
    PeriodicJob(
        "territory_averages",
        "Moyennes des départements et des régions du tableau de bord",
        "Toutes les heures",
        keep_averages,
        # An interval, not a cron "every hour": at the autumn's DST change, APScheduler gives an hourly
        # cron schedule's 02:05 (winter time) as its own next fire time, and the scheduler would run it
        # again and again. A missed run waits for the next one; meanwhile pages compute the averages.
        IntervalTrigger(hours=1, timezone=PARIS),
        grace_hours=None,
    ),
)
JOBS_BY_ID = {job.id: job for job in JOBS}

# What the jobs' counts mean, in words, for the job-runs page: (singular, plural) after the number.
COUNT_WORDS = {
    "destinataires": ("destinataire prévenu", "destinataires prévenus"),
    "courriels": ("courriel préparé", "courriels préparés"),
    "deja_envoyes": ("déjà envoyé plus tôt", "déjà envoyés plus tôt"),
    "sans_objet": ("personne sans rien à signaler", "personnes sans rien à signaler"),
    "sent": ("courriel envoyé", "courriels envoyés"),
    "failed": ("envoi en échec", "envois en échec"),
    "entreprises_reattribuees": (
        "entreprise remise en file d'affectation",
        "entreprises remises en file d'affectation",
    ),
    "relances_en_retard": ("relance en retard", "relances en retard"),
    "pilotes_prevenus": ("pilote prévenu", "pilotes prévenus"),
    "besoins_sans_activite": ("besoin sans activité", "besoins sans activité"),
    "rapports": ("rapport établi", "rapports établis"),
    "interlocuteurs_anonymises": ("interlocuteur anonymisé", "interlocuteurs anonymisés"),
    "signalements_anonymises": ("signalement anonymisé", "signalements anonymisés"),
    "courriels_supprimes": ("ancien courriel supprimé", "anciens courriels supprimés"),
    "destinataires_anonymises": (
        "destinataire du point mensuel anonymisé",
        "destinataires du point mensuel anonymisés",
    ),
    "causes": ("erreur signalée", "erreurs signalées"),
    "webhooks_livres": ("webhook livré", "webhooks livrés"),
    "webhooks_en_echec": ("webhook en échec", "webhooks en échec"),
    "webhooks_supprimes": ("ancienne livraison de webhook supprimée", "anciennes livraisons de webhooks supprimées"),
}
COUNT_WORDS["moyennes"] = ("moyenne de territoire calculée", "moyennes de territoire calculées")
COUNT_WORDS["relances_enquete"] = ("enquête relancée", "enquêtes relancées")
# Counts that are a yes, not a number.
COUNT_FLAGS = {"jour_non_ouvre": "jour non ouvré, rien n'est envoyé"}


def describe_counts(counts: dict[str, int]) -> list[str]:
    """A run's counts in plain French: {"sent": 3, "failed": 0} → ["3 courriels envoyés", "0 envoi en échec"]."""
    described = []
    for key, value in counts.items():
        if key in COUNT_FLAGS:
            if value:
                described.append(COUNT_FLAGS[key])
        elif key in COUNT_WORDS:
            described.append(plural(value, *COUNT_WORDS[key]))
        else:
            described.append(f"{key.replace('_', ' ')} : {value}")
    return described


def previous_fire_time(job: PeriodicJob, now: datetime) -> datetime | None:
    """The last time the job's schedule fired at or before ``now`` (cron jobs only)."""
    if not isinstance(job.trigger, CronTrigger):
        return None
    previous = None
    fire = job.trigger.get_next_fire_time(None, now - LOOKBACK)
    while fire is not None and fire <= now:
        previous = fire
        fire = job.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if fire is not None and fire <= previous:
            # A schedule that fires more than once a day may not move past the hour repeated when
            # summer time ends (APScheduler gives it as its own next fire time): skip that hour.
            fire = job.trigger.get_next_fire_time(previous, previous + timedelta(hours=1))
    return previous


def next_fire_time(job: PeriodicJob, now: datetime) -> datetime | None:
    return job.trigger.get_next_fire_time(None, now)
