from app.enums import LabelledEnum


class ApiScope(LabelledEnum):
    """What a client may do: read what a manager of its basins reads, or also write as an adviser."""

    READ = ("read", "Lecture")
    WRITE = ("write", "Lecture et écriture")
