"""The OpenAPI 3.1 document, built from the schemas of app/api/schemas.py with apispec.

apiflask would generate it from decorators, but only when the application itself is an APIFlask;
the product's application is a Flask subclass of its own (one commit per request,
app/transactions.py), so the paths are declared here, next to each other, and the schemas
(the same ones the views validate with) are converted by apispec's marshmallow plugin.
"""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from app.api import (
    assignments,
    docs,  # noqa: F401  (the documentation page's route)
    employers,
    events,
    figures,
    leads,
    needs,
    reference,
    schemas,
    services_views,
)
from app.api.openapi_parts import OAUTH_PROBLEM, SIRET, json_content, problems, with_every_refusal

# The resources described by their own module (SCHEMAS and PATHS), beside the first ones below.
# Importing them here also attaches their routes to the blueprint (views.py imports this module).
# The services mobilised for an employer come first, after the employers' own paths above.
RESOURCES = (services_views, employers, assignments, needs, events, leads, reference, figures)


@cache
def openapi_document() -> dict:
    spec = APISpec(
        title="Relais Entreprises",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "L'API du réseau pour les systèmes des opérateurs et des partenaires. Chaque client agit pour "
                "un opérateur et ses bassins, comme une personne de cet opérateur. Erreurs au format "
                "Problem Details (RFC 9457), instants en UTC (ISO 8601)."
            )
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme(
        "client_credentials",
        {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/api/v1/token", "scopes": {}}}},
    )
    for name in (
        "Problem",
        "OAuthProblem",
        "Token",
        "Basin",
        "Employer",
        "EmployerPage",
        "PrivilegedContact",
        "InteractionInput",
        "Interaction",
    ):
        spec.components.schema(name, schema=getattr(schemas, f"{name}Schema"))
    for module in RESOURCES:
        for name, schema in module.SCHEMAS.items():
            spec.components.schema(name, schema=schema)
    secured = [{"client_credentials": []}]
    spec.path(
        "/token",
        operations={
            "post": {
                "summary": "Obtenir un jeton (OAuth 2, client credentials), valable une heure",
                "security": [],
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": schemas.TokenRequestSchema}},
                },
                "responses": {
                    "200": json_content("Token", "Le jeton"),
                    **problems(429),
                    "400": {"description": "Requête de jeton invalide", "content": OAUTH_PROBLEM},
                    "401": {"description": "Client inconnu, révoqué ou secret incorrect", "content": OAUTH_PROBLEM},
                },
            }
        },
    )
    spec.path(
        "/employers",
        operations={
            "get": {
                "summary": "Chercher les entreprises des bassins du client (100 par page)",
                "security": secured,
                "parameters": [{"in": "query", "schema": schemas.EmployerListQuerySchema}],
                "responses": {"200": json_content("EmployerPage", "Une page d'entreprises"), **problems(400, 401, 429)},
            }
        },
    )
    spec.path(
        "/employers/{siret}",
        operations={
            "get": {
                "summary": "Lire une entreprise par son SIRET",
                "security": secured,
                "parameters": [SIRET, {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        **json_content("Employer", "L'entreprise"),
                        "headers": {"ETag": {"schema": {"type": "string"}}},
                    },
                    "304": {"description": "Inchangée depuis l'ETag envoyé"},
                    **problems(400, 401, 404, 429),
                },
            }
        },
    )
    spec.path(
        "/employers/{siret}/privileged-contact",
        operations={
            "get": {
                "summary": "L'interlocuteur privilégié de l'entreprise",
                "security": secured,
                "parameters": [SIRET],
                "responses": {
                    "200": json_content("PrivilegedContact", "L'interlocuteur"),
                    **problems(400, 401, 404, 429),
                },
            }
        },
    )
    spec.path(
        "/employers/{siret}/interactions",
        operations={
            "post": {
                "summary": "Enregistrer un échange avec l'entreprise (client en écriture)",
                "security": secured,
                "parameters": [
                    SIRET,
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "\\S"},
                        "description": "Une requête renvoyée avec la même clé rend la première réponse et ne crée rien.",
                    },
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": "InteractionInput"}}},
                "responses": {
                    "201": json_content("Interaction", "L'échange enregistré"),
                    **problems(400, 401, 403, 404, 409, 429),
                },
            }
        },
    )
    spec.path(
        "/openapi.json",
        operations={
            "get": {"summary": "Ce document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}
        },
    )
    for module in RESOURCES:
        for path, operations in module.PATHS.items():
            spec.path(path, operations=operations)
    return with_every_refusal(spec.to_dict())
