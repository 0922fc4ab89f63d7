"""A second step before a destructive action: the same POST, asked again with `confirmation=1`.

A button that deactivates an account, merges two employers or removes a target posts its form; the
view answers, until the form carries `confirmation=1`, with a page that says what will happen and
sends the same fields again. It works without JavaScript, and a stray click changes nothing.
"""

from flask import render_template, request

CONFIRMED = "confirmation"


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def ask_confirmation(*, title: str, consequences: str, action_label: str, cancel_url: str) -> str:
    """The confirmation page (200): `consequences` says what the action does; it posts the form again."""
    fields = [
        (name, value)
        for name, values in request.form.lists()
        if name not in ("csrf_token", CONFIRMED)
        for value in values
    ]
    return render_template(
        "confirm.html",
        title=title,
        consequences=consequences,
        action_label=action_label,
        cancel_url=cancel_url,
        fields=fields,
        action_url=request.full_path.rstrip("?"),
    )
