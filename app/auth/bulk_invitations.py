"""Inviting a whole team from one file: name, e-mail, operator, role, basins; a report per line.

The view reads the file (app/employers/readers.py) and sends the e-mails; each line here is
invited in a savepoint of its own, so one refused line never stops the others.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import AuthError, invite_user
from app.extensions import db
from app.referential.models import Basin, Operator

# A team, not a directory: larger rollouts go in several files.
MAX_INVITATIONS = 500


@dataclass
class LineResult:
    line: int
    email: str
    message: str
    user: User | None = None
    token: str | None = None


def _key(text: str) -> str:
    """Case, accents and spacing do not matter when naming a role, an operator or a basin."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class _Lookup:
    def __init__(self) -> None:
        self.roles = {}
        for role in Role:
            self.roles[_key(role.value)] = role
            self.roles[_key(role.label)] = role
            self.roles[_key(role.label.split()[0])] = role  # "conseiller", "pilote", "administrateur"…
        self.operators = {_key(o.name): o for o in db.session.scalars(sa.select(Operator))}
        self.basins = {}
        for basin in db.session.scalars(sa.select(Basin)):
            self.basins[_key(basin.code)] = basin
            self.basins[_key(basin.name)] = basin

    def role(self, text: str) -> Role:
        role = self.roles.get(_key(text))
        if role is None:
            raise AuthError(f"Rôle inconnu : {text or '(vide)'}.")
        return role

    def operator(self, text: str) -> Operator | None:
        if not text.strip():
            return None
        operator = self.operators.get(_key(text))
        if operator is None:
            raise AuthError(f"Opérateur inconnu : {text}.")
        return operator

    def basins_of(self, text: str) -> list[Basin]:
        basins = []
        for name in filter(None, (part.strip() for part in re.split(r"[,|/]", text))):
            basin = self.basins.get(_key(name))
            if basin is None:
                raise AuthError(f"Bassin inconnu : {name}.")
            basins.append(basin)
        return basins


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and _key(cells[0]) in {"nom", "nom complet", "name"}


def _email(text: str) -> str:
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AuthError(f"Adresse e-mail invalide : {text or '(vide)'}.") from None


def invite_rows(rows: Iterable[tuple[int, list[str]]], inviter: User) -> list[LineResult]:
    lookup = _Lookup()
    results: list[LineResult] = []
    for number, cells in rows:
        if not any(cell.strip() for cell in cells) or (number == 1 and _is_header(cells)):
            continue
        if len(results) == MAX_INVITATIONS:
            raise AuthError(f"Le fichier dépasse {MAX_INVITATIONS} invitations : découpez-le.")
        name, email, operator, role, basins = ([*cells, "", "", "", "", ""])[:5]
        result = LineResult(number, email.strip()[:254], "Invitation envoyée.")
        try:
            with db.session.begin_nested():
                if not name.strip():
                    raise AuthError("Nom manquant.")
                result.user, result.token = invite_user(
                    email=_email(email),
                    full_name=name.strip()[:160],
                    role=lookup.role(role),
                    operator=lookup.operator(operator),
                    basins=lookup.basins_of(basins),
                    invited_by=inviter,
                )
        except AuthError as refusal:
            result.message = str(refusal)
        results.append(result)
    return results
