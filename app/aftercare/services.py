"""The adviser's own details, as the introduction e-mail gives them to employers."""

from app.auth.models import User


def set_phone(user: User, phone: str | None) -> None:
    user.phone = phone.strip() if phone else None
