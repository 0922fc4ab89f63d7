"""URL parameters for every endpoint that takes some, used by the access matrix test.

Each entry maps an endpoint to a function of ``world`` returning the URL's keyword
arguments. ``world`` is a dict built in tests/auth/test_access_matrix.py: "basin" (the
test users' basin), "employer" (an employer of that basin), "users" (one per role, by
Role), "other_user" (an adviser of the same basin). Create further objects with the
factories inside the function when an endpoint needs them.
"""

SAMPLES = {
    "static": lambda world: {"filename": "css/app.css"},
    "employers.detail": lambda world: {"siret": world["employer"].siret},
    "auth.admin_user_edit": lambda world: {"user_id": world["other_user"].id},
    "auth.admin_user_deactivate": lambda world: {"user_id": world["other_user"].id},
}
