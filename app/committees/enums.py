from app.enums import LabelledEnum


class ActionStatus(LabelledEnum):
    """Where a decision of a committee stands; the next meeting reviews the open ones."""

    OPEN = ("open", "En cours")
    DONE = ("done", "Réalisée")
    DROPPED = ("dropped", "Abandonnée")
