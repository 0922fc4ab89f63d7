"""Shared helpers for enums whose members carry a French label."""

import enum

import sqlalchemy as sa


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a French label: ``Role.ADVISER.label``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def enum_column_type(enum_cls: type[LabelledEnum], name: str) -> sa.Enum:
    """A VARCHAR with a CHECK constraint on both databases (no native PG enum to migrate)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
