from datetime import date

from flask import current_app, render_template
from flask_login import current_user

from app.auth.access import is_allowed
from app.main import bp
from app.main.home import home_page
from app.main.queries import database_is_reachable
from app.main.sitemap import sitemap_sections
from app.monitoring.health import is_redis_url, redis_is_reachable, scheduler_heartbeat
from app.timeutils import today_paris


@bp.route("/")
def home():
    """What the user has to do now: each role its own blocks (app/main/home.py)."""
    page = home_page(current_user._get_current_object(), today_paris())
    return render_template(page.template, **page.context)


# The pages that set up and keep the network, each with what it is for; each role sees those it may open.
ADMINISTRATION_PAGES = [
    (
        "auth.admin_users",
        "Utilisateurs",
        "Les comptes : inviter, modifier le rôle, l'opérateur et les bassins, désactiver.",
    ),
    (
        "auth.admin_user_new",
        "Inviter une personne",
        "Un conseiller de vos bassins reçoit un lien pour choisir son mot de passe.",
    ),
    (
        "referential.admin_basins",
        "Bassins d'emploi",
        "Créer, renommer, fermer un bassin ; ses communes par EPCI, département ou une à une ; import « commune → bassin ».",
    ),
    (
        "referential.admin_communes",
        "Communes",
        "Trouver une commune de France et voir son bassin, son EPCI, son département.",
    ),
    (
        "referential.operators",
        "Opérateurs et agences",
        "Agences France Travail, missions locales, Cap emploi, centres APEC : bassins servis, activation.",
    ),
    ("assignments.task_forces", "Task forces", "La task force de chaque bassin : création, nom, membres et capacités."),
    (
        "leads.outside_basins",
        "Besoins hors bassin",
        "Les besoins déposés sur le formulaire public pour une commune d'aucun bassin : les router vers un bassin.",
    ),
    (
        "employers.tags",
        "Étiquettes",
        "Les signaux posés sur les entreprises (en développement, difficultés de recrutement…) : création, archivage.",
    ),
    (
        "needs.catalogue",
        "Catalogue des services",
        "Les services mobilisés pour les entreprises (POE, MRS, PCRH…), par famille : ajout, renommage, désactivation.",
    ),
    (
        "leads.organisations",
        "Organisations de repéreurs",
        "Les partenaires qui signalent des besoins : nom, type, activation, repéreurs rattachés.",
    ),
    ("notifications.admin_jobs", "Tâches planifiées", "Les traitements périodiques, leurs dernières exécutions."),
    ("notifications.admin_outbox", "Courriels", "Les courriels en attente, envoyés ou en échec."),
    ("monitoring.error_reports", "Erreurs du service", "Les erreurs inattendues, regroupées par cause."),
    (
        "api_admin.clients",
        "Clients de l'API",
        "Les systèmes des opérateurs et partenaires qui appellent l'API : création, secret, révocation.",
    ),
]


@bp.route("/administration")
def administration():
    pages = [page for page in ADMINISTRATION_PAGES if is_allowed(page[0], current_user.role)]
    return render_template("main/administration.html", pages=pages)


# The day the accessibility statement was last reviewed: change it with the statement.
ACCESSIBILITY_STATEMENT_ON = date(2026, 11, 30)


# The pages every State service owes its users, linked from the footer; public.
@bp.route("/accessibilite")
def accessibility():
    return render_template("main/accessibility.html", statement_on=ACCESSIBILITY_STATEMENT_ON)


@bp.route("/mentions-legales")
def legal_notice():
    return render_template("main/legal_notice.html")


@bp.route("/donnees-personnelles")
def personal_data():
    return render_template("main/personal_data.html")


@bp.route("/plan-du-site")
def sitemap():
    role = current_user.role if current_user.is_authenticated else None
    return render_template("main/sitemap.html", sections=sitemap_sections(role))


@bp.route("/sante")
def health():
    if not database_is_reachable():
        return {"status": "erreur", "database": "injoignable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.route("/sante/pret")
def readiness():
    """Readiness, for the load balancer and the monitoring: /sante says the process answers,
    this says it can work. 503, with the failed checks named, when one of them fails."""
    checks = {"database": "ok" if database_is_reachable() else "injoignable"}
    storage = current_app.config["RATELIMIT_STORAGE_URI"]
    if is_redis_url(storage):
        checks["redis"] = "ok" if redis_is_reachable(storage) else "injoignable"
    checks["scheduler"] = scheduler_heartbeat() if checks["database"] == "ok" else "inconnu (base injoignable)"
    failed = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "erreur" if failed else "ok", "checks": checks, "failed": failed}
    return body, 503 if failed else 200
