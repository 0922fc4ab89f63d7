"""Who may reach which page: the one place where access rules live.

Every endpoint must appear here; an endpoint that does not is refused to everyone
(tests/auth/test_access_matrix.py walks the URL map to keep this table complete).
Record-level rules (basin scope) live in the domain queries: see ``scoped_*`` helpers.
"""

from app.auth.enums import Role

PUBLIC = "public"

ADVISER, LEAD, MANAGER, ADMIN, SPOTTER = (
    Role.ADVISER,
    Role.TASKFORCE_LEAD,
    Role.MANAGER,
    Role.ADMIN,
    Role.SPOTTER,
)
EVERYONE = frozenset(Role)
STAFF = frozenset({ADVISER, LEAD, MANAGER, ADMIN})
FIELD = frozenset({ADVISER, LEAD, ADMIN})

ENDPOINT_ROLES: dict[str, frozenset[Role] | str] = {
    "static": PUBLIC,
    "main.health": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.change_password": EVERYONE,
    "main.home": EVERYONE,
    "main.dashboard": STAFF,
    "main.needs": STAFF,
    "main.leads": frozenset({LEAD, MANAGER, ADMIN, SPOTTER}),
    "main.plans": STAFF,
    "main.events": STAFF,
    "employers.index": STAFF,
    "employers.detail": STAFF,
    "activity.follow_ups": FIELD,
    "auth.admin_users": frozenset({ADMIN}),
    "auth.admin_user_new": frozenset({ADMIN}),
    "auth.admin_user_edit": frozenset({ADMIN}),
    "auth.admin_user_deactivate": frozenset({ADMIN}),
}


def is_allowed(endpoint: str | None, role: Role | None) -> bool:
    rule = ENDPOINT_ROLES.get(endpoint or "")
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    return role is not None and role in rule


def is_public(endpoint: str | None) -> bool:
    return ENDPOINT_ROLES.get(endpoint or "") == PUBLIC
