"""The site map: every page of the app that the current user may open, read from the URL map
and the access table (app/auth/access.py), so that it follows the routes and the roles.

A page is a GET route without URL variables, labelled in PAGES. Routes that are not pages a person opens (probes,
exports, callbacks) are listed in NOT_PAGES; tests/main/test_public_pages.py checks that every
route is one or the other."""

from dataclasses import dataclass

from flask import current_app, url_for

from app.auth.access import is_allowed
from app.auth.enums import Role

# Each page's label, by section, in the order of the main menu. A page that the menu also shows
# keeps the menu's words.
PAGES = [
    ("Accueil", [("main.home", "Accueil"), ("search.results", "Recherche")]),
    (
        "Tableau de bord",
        [("dashboard.index", "Indicateurs"), ("notifications.monthly_reports", "Rapports mensuels")],
    ),
    (
        "Entreprises",
        [
            ("employers.index", "Entreprises"),
            ("employers.new", "Nouvelle entreprise"),
            ("employers.import_file", "Importer des entreprises"),
            ("employers.duplicates", "Doublons possibles"),
        ],
    ),
    (
        "Comités",
        [("committees.index", "Comités locaux"), ("committees.escalations", "Besoins remontés au département")],
    ),
    ("Besoins", [("needs.board", "Besoins"), ("needs.index", "Liste des besoins")]),
    (
        "Signalements",
        [
            ("leads.index", "Signalements"),
            ("leads.new", "Nouveau signalement"),
            ("leads.contributions_page", "Contributions des repéreurs"),
            ("leads.organisations", "Organisations repéreuses"),
        ],
    ),
    (
        "Affectations",
        [
            ("assignments.queue", "File d'affectation"),
            ("assignments.handovers", "Passations"),
            ("assignments.task_forces", "Task forces"),
        ],
    ),
    ("Plans", [("plans.index", "Plans"), ("plans.new", "Nouveau plan")]),
    (
        "Événements",
        [
            ("events.index", "Événements"),
            ("events.new", "Nouvel événement"),
            ("events.subscriptions", "Abonnement au calendrier"),
        ],
    ),
    (
        "Relances",
        [
            ("notifications.digest", "Point du jour"),
            ("activity.follow_ups", "Mes relances"),
            ("activity.portfolio", "Mon portefeuille"),
            ("notifications.index", "Notifications"),
        ],
    ),
    (
        "Administration",
        [
            ("main.administration", "Toutes les pages d'administration"),
            ("referential.admin_basins", "Bassins"),
            ("referential.admin_communes", "Communes"),
            ("auth.admin_users", "Utilisateurs"),
            ("auth.admin_user_new", "Inviter un utilisateur"),
            ("auth.admin_users_invite_file", "Inviter par fichier"),
            ("auth.pending_invitations", "Invitations en cours"),
            ("referential.operators", "Opérateurs"),
            ("referential.operator_new", "Nouvel opérateur"),
            ("employers.tags", "Étiquettes"),
            ("needs.catalogue", "Catalogue des services"),
            ("leads.outside_basins", "Besoins hors bassin"),
            ("notifications.admin_jobs", "Tâches planifiées"),
            ("notifications.admin_outbox", "Courriels"),
            ("monitoring.error_reports", "Erreurs du service"),
            ("webhooks_admin.index", "Webhooks de l'API"),
        ],
    ),
    (
        "Mon compte",
        [
            ("auth.login", "Connexion"),
            ("auth.forgot_password", "Mot de passe oublié"),
            ("auth.change_password", "Mot de passe"),
            ("notifications.preferences", "Préférences de notification"),
            ("aftercare.contact_details", "Mes coordonnées pour les entreprises"),
        ],
    ),
    ("Employeurs", [("leads.public_form", "Déposer un besoin")]),
    ("API", [("api.docs", "Documentation de l'API"), ("api_admin.clients", "Clients de l'API")]),
    (
        "Informations",
        [
            ("main.accessibility", "Accessibilité"),
            ("main.legal_notice", "Mentions légales"),
            ("main.personal_data", "Données personnelles"),
            ("main.sitemap", "Plan du site"),
        ],
    ),
]
# Pages for a visitor who has not logged in.
ANONYMOUS_ONLY = {"auth.login", "auth.forgot_password"}
NOT_PAGES = {
    "main.health": "liveness probe (JSON)",
    "main.readiness": "readiness probe (JSON)",
    "monitoring.metrics": "Prometheus metrics",
    "auth.proconnect_login": "a redirection to ProConnect",
    "auth.proconnect_callback": "ProConnect's return",
    "auth.proconnect_logged_out": "ProConnect's return after logout",
    "referential.job_titles": "the need form's job-title search (JSON)",
    "dashboard.drilldown": "opened from a dashboard figure",
    "employers.export": "a file download",
    "leads.public_thanks": "shown after the public form",
    "api.openapi": "the API's description (JSON)",
    "api.employers": "the API, for a client's token",
    "api.needs_list": "the API, for a client's token",
    "api.rome_codes": "the API, for a client's token",
    "api.naf_codes": "the API, for a client's token",
    "api.basins": "the API, for a client's token",
    "api.operators": "the API, for a client's token",
    "api.figures": "the API, for a client's token",
    "api.events_list": "the API, for a client's token",
    "api.leads_list": "the API, for a client's token",
}
NOT_PAGES["aftercare.survey_thanks"] = "shown after the employer's survey"


@dataclass(frozen=True)
class SitemapSection:
    label: str
    pages: list[tuple[str, str]]  # (url, label)


def page_labels() -> dict[str, tuple[str, str]]:
    """Each labelled page's (section, label)."""
    return {endpoint: (section, label) for section, pages in PAGES for endpoint, label in pages}


def page_endpoints() -> set[str]:
    """The endpoints of the app's GET routes without URL variables."""
    return {
        rule.endpoint
        for rule in current_app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    }


def sitemap_sections(role: Role | None) -> list[SitemapSection]:
    """The pages this role (None: a visitor not logged in) may open, by section."""
    existing = page_endpoints() - NOT_PAGES.keys()

    def opens(endpoint: str) -> bool:
        anonymous_only = role is not None and endpoint in ANONYMOUS_ONLY
        return endpoint in existing and is_allowed(endpoint, role) and not anonymous_only

    # A page nobody labelled yet still shows, under its endpoint; a test asks for its label.
    unlabelled = sorted(existing - page_labels().keys())
    sections = [*PAGES, ("Autres pages", [(endpoint, endpoint) for endpoint in unlabelled])]
    listed = [
        SitemapSection(section, [(url_for(endpoint), label) for endpoint, label in pages if opens(endpoint)])
        for section, pages in sections
    ]
    return [section for section in listed if section.pages]
