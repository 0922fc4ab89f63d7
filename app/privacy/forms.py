from wtforms import BooleanField
from wtforms.validators import DataRequired

from app.forms import FrenchForm


class ErasureForm(FrenchForm):
    confirm = BooleanField(
        "Je confirme l'effacement définitif de cette personne",
        validators=[DataRequired("Cochez la case pour confirmer l'effacement.")],
    )
