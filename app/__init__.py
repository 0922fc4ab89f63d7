"""Relais Entreprises: the application factory."""

import os
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app import converters, hostile_input, reference_cache, replica
from app.api.problems import is_api_request, problem_response
from app.conflicts import is_concurrent_change
from app.dialects import is_sqlite
from app.extensions import cache, configure_postgresql, configure_sqlite, csrf, db, limiter, login_manager, migrate
from app.monitoring import request_log
from app.monitoring.error_reports import record_unhandled_error
from app.monitoring.request_log import configure_logging, request_id
from app.monitoring.sentry import init_sentry
from app.transactions import RelaisFlask
from config import CONFIGS


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    config_name = config_name or os.environ.get("RELAIS_ENV", "development")
    config_class = CONFIGS[config_name]
    if hasattr(config_class, "check"):
        config_class.check()

    app = RelaisFlask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    # The client's address and scheme as the trusted proxies saw them (0 hops: headers ignored).
    hops = app.config["TRUSTED_PROXY_HOPS"]
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    os.makedirs(app.instance_path, exist_ok=True)
    configure_logging(app)
    init_sentry(app, config_name)

    # First, so that the request id and the clock exist before any other hook can answer.
    request_log.init_app(app)
    converters.init_app(app)
    hostile_input.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)
    _connect_receivers()
    _register_template_helpers(app)
    _register_error_handlers(app)
    _register_security_headers(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every model registered before use)
    from app.auth import sessions

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    sessions.init_app(app)
    replica.init_app(app)
    reference_cache.init_app(app)
    with app.app_context():
        if is_sqlite(db.engine):
            configure_sqlite(db.engine)
        else:
            configure_postgresql(db.engine)


def _register_blueprints(app: Flask) -> None:
    # Each package's __init__ holds its blueprint; importing views attaches the routes.
    from app.activity import views as activity_views
    from app.api import views as api_views
    from app.assignments import views as assignments_views
    from app.auth import proconnect_views  # noqa: F401  (adds the ProConnect sign-in to the blueprint)
    from app.auth import views as auth_views
    from app.committees import views as committees_views
    from app.dashboard import views as dashboard_views
    from app.employers import tag_views  # noqa: F401  (adds the tags admin to the blueprint)
    from app.employers import views as employers_views
    from app.events import views as events_views
    from app.leads import views as leads_views
    from app.main import views as main_views
    from app.monitoring import views as monitoring_views
    from app.needs import catalogue_views, mobilisation_views  # noqa: F401  (the services catalogue, solutions)
    from app.needs import views as needs_views
    from app.notifications import inbox_views  # noqa: F401  (adds the inbox's routes to the blueprint)
    from app.notifications import views as notifications_views
    from app.plans import views as plans_views
    from app.referential import views as referential_views
    from app.search import views as search_views

    for views in (
        main_views,
        auth_views,
        employers_views,
        activity_views,
        needs_views,
        dashboard_views,
        assignments_views,
        leads_views,
        notifications_views,
        plans_views,
        referential_views,
        events_views,
        monitoring_views,
        api_views,
        search_views,
        committees_views,
    ):
        app.register_blueprint(views.bp)
    # The API authenticates each request by its bearer token, never by the session's cookie.
    csrf.exempt(api_views.bp)
    # After the hire and the employer's voice: retention checks, the public survey page (app/aftercare).
    from app.aftercare import views as aftercare_views

    app.register_blueprint(aftercare_views.bp)
    # The admins' page for the API's clients: a page of the site, with its session and CSRF.
    from app.api.admin_views import admin_bp as api_admin_bp

    app.register_blueprint(api_admin_bp)
    from app.api import webhooks_views

    app.register_blueprint(webhooks_views.bp)


def _connect_receivers() -> None:
    # Cross-domain reactions: a lower domain sends a signal, a higher one reacts (docs/ARCHITECTURE.md).
    from app.assignments.receivers import connect_receivers as connect_assignments
    from app.employers.receivers import connect_receivers as connect_employers
    from app.notifications.receivers import connect_receivers as connect_notifications

    connect_employers()
    connect_assignments()
    connect_notifications()
    from app.aftercare.receivers import connect_receivers as connect_aftercare

    connect_aftercare()
    # The webhook outbox: the domains' changes, for the API clients that subscribed (app/api/webhooks.py).
    from app.api.webhooks_receivers import connect_receivers as connect_webhooks

    connect_webhooks()


# The main menu: (label, [(endpoint, label), …]). Each user sees the entries their role may
# open; an entry left with a single page is a plain link, otherwise a drop-down.
NAVIGATION = [
    ("Tableau de bord", [("dashboard.index", "Indicateurs"), ("notifications.monthly_reports", "Rapports mensuels")]),
    ("Comités", [("committees.index", "Comités locaux"), ("committees.escalations", "Besoins remontés")]),
    ("Entreprises", [("employers.index", "Entreprises")]),
    ("Besoins", [("needs.board", "Besoins")]),
    ("Signalements", [("leads.index", "Signalements")]),
    ("Affectations", [("assignments.queue", "File d'affectation"), ("assignments.task_forces", "Task forces")]),
    ("Plans", [("plans.index", "Plans")]),
    ("Événements", [("events.index", "Événements")]),
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
            ("main.administration", "Toutes les pages"),
            ("referential.admin_basins", "Bassins"),
            ("referential.admin_communes", "Communes"),
            ("auth.admin_users", "Utilisateurs"),
            ("referential.operators", "Opérateurs"),
            ("leads.organisations", "Organisations de repéreurs"),
            ("employers.tags", "Étiquettes"),
            ("leads.outside_basins", "Besoins hors bassin"),
            ("notifications.admin_jobs", "Tâches planifiées"),
            ("notifications.admin_outbox", "Courriels"),
            ("monitoring.error_reports", "Erreurs du service"),
        ],
    ),
]


def _register_template_helpers(app: Flask) -> None:
    from app.auth.access import is_allowed
    from app.formatting import FILTERS

    # The menu of a role, its addresses built: the same on every page of every user of that role
    # (about twenty url_for a page). Keyed by the script root too, where the addresses start.
    menus: dict[tuple, list] = {}

    @app.context_processor
    def navigation():
        def allowed(endpoint: str) -> bool:
            return current_user.is_authenticated and is_allowed(endpoint, current_user.role)

        def navigation_items():
            if not current_user.is_authenticated:
                return []
            key = (current_user.role, request.script_root)
            if key not in menus:
                menus[key] = [
                    (label, visible)
                    for label, pages in NAVIGATION
                    if (
                        visible := [
                            (endpoint, url_for(endpoint), page_label)
                            for endpoint, page_label in pages
                            if is_allowed(endpoint, current_user.role)
                        ]
                    )
                ]
            return menus[key]

        return {"navigation_items": navigation_items, "is_allowed": allowed}

    @app.template_global()
    def page_url(number: int) -> str:
        """This page at another page number, every filter of the query string kept."""
        args = request.args.copy()
        args["page"] = str(number)
        return url_for(request.endpoint, **(request.view_args or {})) + "?" + urlencode(list(args.items(multi=True)))

    for name, function in FILTERS.items():
        app.add_template_filter(function, name)


ERROR_PAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être traitée. Vérifiez les informations saisies."),
    403: ("Accès refusé", "Vous n'avez pas les droits pour accéder à cette page."),
    404: ("Page introuvable", "La page que vous cherchez n'existe pas ou vous n'y avez pas accès."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible de cette manière."),
    413: ("Fichier trop volumineux", "L'envoi dépasse 20 Mo. Découpez le fichier, ou enregistrez-le en CSV."),
    429: ("Trop de requêtes", "Vous avez fait trop de demandes en peu de temps. Patientez un instant."),
}
# What the 500 page says is what happened: the error was counted for the admins (who get an
# e-mail, tasks.send_error_alerts), or, the database failing too, only written to the log.
SERVER_ERROR_TITLE = "Erreur du service"
SERVER_ERROR_RECORDED = (
    "Une erreur inattendue s'est produite. Elle est enregistrée et les administrateurs en seront avertis "
    "par courriel. Réessayez plus tard ; si elle se reproduit, indiquez la référence {reference}."
)
SERVER_ERROR_LOGGED = (
    "Une erreur inattendue s'est produite. Elle est inscrite dans le journal du serveur, mais n'a pas pu être "
    "enregistrée pour les administrateurs. Réessayez plus tard, et signalez-la avec la référence {reference}."
)


def _register_error_handlers(app: Flask) -> None:
    def handler(code: int):
        title, message = ERROR_PAGES[code]

        def render(error):
            # A 405 names the methods the address accepts (RFC 9110 § 15.5.6).
            allowed = getattr(error, "valid_methods", None)
            headers = {"Allow": ", ".join(sorted(allowed))} if allowed else {}
            if is_api_request():
                return problem_response(code, headers=headers)
            return render_template("errors/error.html", code=code, title=title, message=message), code, headers

        return render

    for code in ERROR_PAGES:
        app.register_error_handler(code, handler(code))

    def server_error(error):
        # Flask hands an error raised outside the view (an after_request hook) to this handler
        # wrapped in an InternalServerError: the original is the cause to record.
        cause = getattr(error, "original_exception", None) or error
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001  (the database may be what failed; the page must still show)
            app.logger.warning("Rollback impossible après une erreur (référence %s)", request_id())
        recorded = record_unhandled_error(cause)
        message = (SERVER_ERROR_RECORDED if recorded else SERVER_ERROR_LOGGED).format(reference=request_id())
        if is_api_request():
            return problem_response(500, message)
        return render_template("errors/error.html", code=500, title=SERVER_ERROR_TITLE, message=message), 500

    def unhandled(error):
        # HTTP errors (404, 401…) are answers, not failures: Flask renders them as they are.
        return error if isinstance(error, HTTPException) else server_error(error)

    app.register_error_handler(500, server_error)
    app.register_error_handler(Exception, unhandled)

    def refused_by_database(error):
        # Two people changed one record at once (a stale version, or a known uniqueness rule:
        # app/conflicts.py): the second change is refused, nothing is half-saved. Any other
        # refusal is a bug in what the application wrote, recorded like any unhandled error.
        if not is_concurrent_change(error):
            return server_error(error)
        db.session.rollback()
        if is_api_request():
            return problem_response(409)
        return render_template(
            "errors/error.html",
            code=409,
            title="Modification simultanée",
            message="Quelqu'un d'autre vient de modifier ces informations. Rechargez la page et recommencez.",
        ), 409

    app.register_error_handler(StaleDataError, refused_by_database)
    app.register_error_handler(sa.exc.IntegrityError, refused_by_database)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["HSTS_ENABLED"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # The user as loaded by this request, from the identity map: after the commit,
        # current_user.is_authenticated would reload the expired row (a query per request).
        if request_log.user_id() is not None:
            headers.setdefault("Cache-Control", "no-store")
        return response
