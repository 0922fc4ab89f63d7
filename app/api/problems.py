"""Errors as Problem Details (RFC 9457), in French: every refusal of the API, never an HTML page."""

from flask import Response, json, request

PROBLEM_TYPE = "application/problem+json"

# The title of each status, and what it means to the calling system.
TITLES = {
    400: ("Requête invalide", "La requête n'a pas pu être traitée : vérifiez ses paramètres."),
    401: ("Authentification requise", "Envoyez un jeton valide dans l'en-tête Authorization: Bearer."),
    403: ("Accès refusé", "Ce client n'a pas le droit de faire cette opération."),
    404: ("Ressource introuvable", "Cette ressource n'existe pas ou ce client n'y a pas accès."),
    405: ("Méthode non autorisée", "Cette méthode n'est pas acceptée sur cette adresse."),
    409: ("Conflit", "Quelqu'un d'autre vient de modifier ces informations : relisez-les et recommencez."),
    412: ("Version périmée", "La ressource a changé depuis votre lecture : relisez-la et recommencez."),
    413: ("Requête trop volumineuse", "Le corps de la requête est trop volumineux."),
    415: ("Format non accepté", "Envoyez le corps de la requête en JSON (Content-Type: application/json)."),
    428: ("Condition requise", "Envoyez l'en-tête If-Match avec l'ETag lu."),
    429: ("Trop de requêtes", "Ce client a fait trop de demandes en peu de temps : patientez avant de réessayer."),
    500: ("Erreur du service", "Une erreur inattendue s'est produite. Réessayez plus tard."),
}


class ApiProblem(Exception):
    """Raised by the API's views: answered as a Problem Details document."""

    def __init__(self, status: int, detail: str | None = None, errors: dict | None = None, headers=None):
        super().__init__(detail or TITLES[status][1])
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(status: int, detail: str | None = None, errors: dict | None = None, headers=None) -> Response:
    title, default_detail = TITLES.get(status, TITLES[400] if status < 500 else TITLES[500])
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or default_detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    response.headers.update(headers or {})
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="relais"')
    return response


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")
