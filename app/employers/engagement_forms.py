"""The employer page's engagements section: its forms and what it shows (app/employers/engagements.py)."""

from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from app.employers.engagements import EngagementKind, engagements_of
from app.employers.models import Employer
from app.fields import DateField
from app.forms import REQUIRED, FrenchForm
from app.timeutils import today_paris


class EngagementForm(FrenchForm):
    kind = SelectField(
        "Engagement", choices=EngagementKind.choices(), coerce=lambda v: EngagementKind(v) if v else None
    )
    starts_on = DateField("Adhésion ou signature le", validators=[InputRequired(REQUIRED)])
    ends_on = DateField("Fin le (facultatif)", validators=[Optional()])


class EndEngagementForm(FrenchForm):
    ends_on = DateField("Fin le", validators=[InputRequired(REQUIRED)])


def engagement_section(employer: Employer, engagement_form=None, end_engagement_form=None) -> dict:
    """What the employer page's engagements section shows (a refused form, as sent)."""
    return {
        "engagements": engagements_of(employer),
        "engagement_form": engagement_form or EngagementForm(formdata=None),
        "end_engagement_form": end_engagement_form or EndEngagementForm(formdata=None),
        "today": today_paris(),
    }
