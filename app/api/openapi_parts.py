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
    405: "Méthode non acceptée à cette adresse",
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
    # The app's int converter stops at 2^31 - 1 (app/converters.py): a larger number is no address.
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


def with_every_refusal(document: dict) -> dict:
    """Every operation may answer 400 (a hostile value anywhere in the request: app/hostile_input.py)
    and 405 (an address of another resource, a number beyond the app's int converter), and every operation that takes If-Match 412 and 428: said once here rather than in each path."""
    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = [400, 405]
            parameters = [parameter for parameter in operation.get("parameters", []) if isinstance(parameter, dict)]
            if any(parameter.get("name") == "If-Match" for parameter in parameters):
                codes += [412, 428]
            for code in codes:
                responses.setdefault(
                    str(code),
                    {
                        "description": PROBLEM_DESCRIPTIONS[code],
                        # After apispec: the reference written out, as apispec writes its own.
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return document


def list_path(summary: str, query_schema, page_schema: str, description: str) -> dict:
    """A list's GET: its filters in the query, a page of 100 with `next_cursor`."""
    return {
        "get": {
            "summary": summary,
            "security": SECURED,
            "parameters": [{"in": "query", "schema": query_schema}],
            "responses": {"200": json_content(page_schema, description), **problems(400, 401, 403, 429)},
        }
    }


def read_path(summary: str, id_parameter: dict, schema: str, description: str) -> dict:
    """A resource's GET by id: its ETag, and 304 when If-None-Match names it."""
    return {
        "get": {
            "summary": summary,
            "security": SECURED,
            "parameters": [id_parameter, IF_NONE_MATCH],
            "responses": {
                "200": etagged(schema, description),
                "304": {"description": "Inchangé depuis l'ETag envoyé"},
                **problems(401, 403, 404, 429),
            },
        }
    }
