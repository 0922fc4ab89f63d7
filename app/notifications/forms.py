from flask_wtf import FlaskForm
from wtforms import BooleanField


class PreferencesForm(FlaskForm):
    wants_email_digest = BooleanField("Recevoir aussi mon point du jour par e-mail (jours ouvrés, vers 7 h 30)")
