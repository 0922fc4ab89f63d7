"""The forms' shared behaviour (app/forms.py), checked on every form of the app."""

from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import Optional

from app.forms import FrenchForm


def _every_form_class(cls=FrenchForm):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _every_form_class(subclass)


def test_every_optional_text_field_left_empty_reads_as_none(app):
    checked = []
    with app.test_request_context(method="POST"):
        for form_class in _every_form_class():
            unbound = form_class(meta={"csrf": False})
            optional = [
                name
                for name, field in unbound._fields.items()
                if isinstance(field, StringField) and any(isinstance(v, Optional) for v in field.validators)
            ]
            for blank in ("", "   "):
                form = form_class(formdata=MultiDict(dict.fromkeys(optional, blank)), meta={"csrf": False})
                for name in optional:
                    assert form[name].data is None, f"{form_class.__name__}.{name} keeps {form[name].data!r}"
            checked += [f"{form_class.__name__}.{name}" for name in optional]
    # The walk saw the forms it is about (not an empty loop that passes).
    assert {"NeedForm.rome_code", "NeedForm.place", "EmployerForm.siret", "InteractionForm.summary"} <= set(checked)
