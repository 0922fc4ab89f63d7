"""What every form of the app shares: French messages."""

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta

REQUIRED = "Ce champ est obligatoire."


class FrenchForm(FlaskForm):
    """WTForms' own messages ("Not a valid choice"…) in French, from its bundled catalogue."""

    class Meta(FlaskForm.Meta):
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)
