"""Pieces of the OpenAPI document that every resource's description uses (app/api/openapi.py)."""

PROBLEM = {"application/problem+json": {"schema": "Problem"}}
OAUTH_PROBLEM = {"application/problem+json": {"schema": "OAuthProblem"}}
SECURED = [{"client_credentials": []}]

PROBLEM_DESCRIPTIONS = {
    400: "Requête invalide",
    401: "Jeton absent, invalide ou expiré",
    403: "Client en lecture seule, ou dont le rôle ne permet pas cette opération",
    404: "Introuvable ou hors des bassins du client",
    409: "Clé d'idempotence déjà servie pour une autre requête, ou modification simultanée",
    412: "ETag périmé : la ressource a changé depuis votre lecture",
    428: "En-tête If-Match absent",
    429: "Trop de requêtes",
}


def problems(*codes: int) -> dict:
    return {str(code): {"description": PROBLEM_DESCRIPTIONS[code], "content": PROBLEM} for code in codes}


def json_content(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def etagged(schema: str, description: str) -> dict:
    return {**json_content(schema, description), "headers": {"ETag": {"schema": {"type": "string"}}}}


def json_body(schema: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


SIRET = {
    "name": "siret",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{14}$"},
    "example": "35600000000048",
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "L'ETag de votre dernière lecture : 412 s'il est périmé, 428 s'il manque.",
}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "\\S"},
    "description": "Une requête renvoyée avec la même clé rend la première réponse et ne crée rien.",
}


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
