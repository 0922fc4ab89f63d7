"""Marshmallow fields that refuse in French, shared by the resources' input schemas."""

from datetime import date

from marshmallow import fields, validate

from app.api.schemas import NOT_DATE, NOT_INTEGER, NOT_TEXT

MAX_INT = 2**31 - 1


def text(max_length: int, required: bool = False, **kwargs) -> fields.String:
    minimum = 1 if required else 0
    return fields.String(
        required=required,
        validate=validate.Length(min=minimum, max=max_length, error=f"Entre {minimum} et {max_length} caractères."),
        error_messages=NOT_TEXT,
        **kwargs,
    )


def choice(enum_cls, required: bool = False, **kwargs) -> fields.String:
    values = [member.value for member in enum_cls]
    return fields.String(
        required=required,
        validate=validate.OneOf(values, error="Valeur inconnue : {choices}."),
        error_messages=NOT_TEXT,
        metadata={"enum": values, **kwargs.pop("metadata", {})},
        **kwargs,
    )


def integer(minimum: int = 1, maximum: int = MAX_INT, **kwargs) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=minimum, max=maximum, error=f"Entre {minimum} et {maximum}."),
        strict=True,
        error_messages=NOT_INTEGER,
        **kwargs,
    )


def day(**kwargs) -> fields.Date:
    # The years the forms accept (app/fields.py).
    bounds = validate.Range(min=date(1900, 1, 1), max=date(2100, 12, 31), error="Date entre 1900 et 2100 attendue.")
    return fields.Date(error_messages=NOT_DATE, validate=bounds, **kwargs)
