"""What the API reads and writes, as marshmallow schemas: they validate the input and make the OpenAPI document."""

from marshmallow import Schema, fields, validate

from app.activity.enums import Channel

# The few messages the API's fields may give, in French (marshmallow's are English).
REQUIRED = {"required": "Ce champ est obligatoire.", "null": "Ce champ ne peut pas être vide."}
NOT_TEXT = {"invalid": "Texte attendu.", **REQUIRED}
NOT_DATE = {"invalid": "Date attendue au format AAAA-MM-JJ.", **REQUIRED}
NOT_INSTANT = {"invalid": "Instant attendu au format ISO 8601 (2026-01-31T08:00:00Z).", **REQUIRED}
NOT_INTEGER = {"invalid": "Nombre entier attendu.", "too_large": "Nombre trop grand.", **REQUIRED}
TOO_LONG = "{max} caractères au plus."


class StrictSchema(Schema):
    class Meta:
        ordered = True


class ProblemSchema(StrictSchema):
    type = fields.String()
    title = fields.String(metadata={"description": "Le titre du problème, en français."})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "Ce qui s'est passé, en français."})
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "Les erreurs par champ, en français."})


class OAuthProblemSchema(ProblemSchema):
    """The token endpoint's refusals: a Problem Details document with OAuth 2's fields (RFC 6749 § 5.2)."""

    error = fields.String(metadata={"enum": ["invalid_client", "unsupported_grant_type"]})
    error_description = fields.String()


class TokenRequestSchema(StrictSchema):
    grant_type = fields.String(required=True, metadata={"enum": ["client_credentials"]})
    client_id = fields.String(metadata={"description": "Ou en HTTP Basic."})
    client_secret = fields.String(metadata={"description": "Ou en HTTP Basic."})


class TokenSchema(StrictSchema):
    access_token = fields.String()
    token_type = fields.String(metadata={"enum": ["Bearer"]})
    expires_in = fields.Integer(metadata={"description": "Durée de validité en secondes (3600)."})


class EmployerListQuerySchema(StrictSchema):
    siret = fields.String(validate=validate.Length(max=14, error=TOO_LONG), error_messages=NOT_TEXT)
    q = fields.String(
        validate=validate.Length(max=200, error=TOO_LONG),
        error_messages=NOT_TEXT,
        metadata={"description": "Nom ou enseigne (mots du début des noms)."},
    )
    commune = fields.String(
        validate=validate.Length(max=5, error=TOO_LONG),
        error_messages=NOT_TEXT,
        metadata={"description": "Code INSEE de la commune."},
    )
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        error_messages={**NOT_INSTANT, "naive": "Précisez le fuseau (Z ou +01:00)."},
        metadata={"description": "Les entreprises modifiées à partir de cet instant (UTC, ISO 8601)."},
    )
    cursor = fields.String(
        validate=validate.Length(max=200, error=TOO_LONG),
        error_messages=NOT_TEXT,
        metadata={"description": "Le curseur `next_cursor` de la page précédente."},
    )


class BasinSchema(StrictSchema):
    code = fields.String()
    name = fields.String()


class EmployerSchema(StrictSchema):
    # What the URLs take: the SIRET, or "n<id>" for an employer entered without one.
    reference = fields.String(attribute="url_key", dump_only=True)
    siret = fields.String(allow_none=True)
    siren = fields.String(allow_none=True)
    name = fields.String()
    enseigne = fields.String(allow_none=True)
    naf_code = fields.String(allow_none=True)
    street = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    commune_insee = fields.String(allow_none=True)
    commune_name = fields.String(allow_none=True)
    basin = fields.Nested(BasinSchema)
    version = fields.Integer()
    updated_at = fields.DateTime(format="iso")


class EmployerPageSchema(StrictSchema):
    items = fields.List(fields.Nested(EmployerSchema))
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "À passer en `cursor` pour la page suivante ; null à la fin."}
    )


class PrivilegedContactSchema(StrictSchema):
    siret = fields.String(allow_none=True)
    has_privileged_contact = fields.Boolean()
    adviser_name = fields.String(allow_none=True)
    operator = fields.String(allow_none=True)
    since = fields.DateTime(format="iso", allow_none=True)


class InteractionInputSchema(StrictSchema):
    occurred_on = fields.Date(required=True, error_messages=NOT_DATE)
    channel = fields.String(
        required=True,
        validate=validate.OneOf([channel.value for channel in Channel], error="Canal inconnu : {choices}."),
        error_messages=NOT_TEXT,
    )
    subject = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200, error="Entre 1 et 200 caractères."),
        error_messages=NOT_TEXT,
    )
    summary = fields.String(validate=validate.Length(max=5000, error=TOO_LONG), error_messages=NOT_TEXT)
    outcome = fields.String(validate=validate.Length(max=500, error=TOO_LONG), error_messages=NOT_TEXT)
    contact_id = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1, error="Identifiant invalide."),
        strict=True,
        error_messages=NOT_INTEGER,
    )
    next_follow_up_on = fields.Date(error_messages=NOT_DATE)
    next_follow_up_title = fields.String(validate=validate.Length(max=200, error=TOO_LONG), error_messages=NOT_TEXT)


class InteractionSchema(StrictSchema):
    id = fields.Integer()
    siret = fields.String(allow_none=True)
    occurred_on = fields.Date()
    channel = fields.String()
    subject = fields.String()
    author = fields.String()
