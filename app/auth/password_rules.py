"""What a new password must be, wherever it is set (invitation, forgotten password, change)."""

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 passwords most often found in public leaks, all lower case:
    # an attacker tries these first, whatever the site's length rule.
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """Why this password is refused, in French, or None when it follows the rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Le mot de passe ne peut pas dépasser {MAX_PASSWORD_LENGTH} caractères."
    if password.lower() in _common_passwords():
        return "Ce mot de passe est trop courant : il figure parmi les plus utilisés. Choisissez-en un autre."
    return None
