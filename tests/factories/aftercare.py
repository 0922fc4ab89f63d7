"""Retention checks and employers' surveys, as the after-the-hire services would write them."""

import secrets
from datetime import timedelta

import factory

from app.aftercare.enums import CheckKind, RetentionAnswer
from app.aftercare.models import EmployerSurvey, RetentionCheck
from app.aftercare.surveys import SURVEY_LIFETIME
from app.timeutils import today_paris, utcnow
from tests.factories.base import BaseFactory
from tests.factories.employers import EmployerContactFactory
from tests.factories.needs import RecruitmentNeedFactory


class RetentionCheckFactory(BaseFactory):
    class Meta:
        model = RetentionCheck

    need = factory.SubFactory(RecruitmentNeedFactory, filled=True)
    kind = CheckKind.SIX_MONTHS
    due_on = factory.LazyFunction(today_paris)
    hires = factory.SelfAttribute("need.positions_filled")

    class Params:
        # Answered: every person hired still in post (held), none (not_held).
        held = factory.Trait(
            answer=RetentionAnswer.HELD,
            still_in_post=factory.SelfAttribute("hires"),
            answered_at=factory.LazyFunction(utcnow),
        )
        not_held = factory.Trait(
            answer=RetentionAnswer.NOT_HELD, still_in_post=0, answered_at=factory.LazyFunction(utcnow)
        )


class EmployerSurveyFactory(BaseFactory):
    """A survey sent now about a filled need, to one of its employer's contact persons."""

    class Meta:
        model = EmployerSurvey

    need = factory.SubFactory(RecruitmentNeedFactory, filled=True)
    employer = factory.SelfAttribute("need.employer")
    contact = factory.SubFactory(EmployerContactFactory, employer=factory.SelfAttribute("..employer"))
    nonce = factory.LazyFunction(lambda: secrets.token_hex(16))
    sent_at = factory.LazyFunction(utcnow)
    expires_at = factory.LazyAttribute(lambda survey: survey.sent_at + SURVEY_LIFETIME)

    class Params:
        answered = factory.Trait(
            answered_at=factory.LazyAttribute(lambda survey: survey.sent_at + timedelta(days=1)),
            score=4,
            would_recommend=True,
        )
