from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.activity.models import FollowUp
from app.aftercare.enums import CheckKind, RetentionAnswer
from app.assignments.models import Assignment
from app.auth.models import User
from app.employers.models import Employer, EmployerContact, copies_employer_basin
from app.enums import enum_column_type
from app.events.models import Event
from app.extensions import db
from app.mixins import TimestampMixin
from app.needs.models import RecruitmentNeed
from app.referential.models import Operator
from app.timeutils import UTCDateTime


class RetentionCheck(TimestampMixin, db.Model):
    """« Le recrutement tient-il ? »: asked of the privileged contact at the end of the trial
    period and six months after the hire (rule 10); the answer says how many are still in post."""

    __tablename__ = "retention_checks"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("need_id", "kind"),
        sa.Index("ix_retention_checks_kind_due_on", "kind", "due_on"),
        sa.CheckConstraint("hires >= 1", name="hires_positive"),
        sa.CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answered_at_matches"),
        sa.CheckConstraint(
            "answer IS NULL"
            " OR (answer = 'held' AND still_in_post = hires)"
            " OR (answer = 'not_held' AND still_in_post = 0)"
            " OR (answer = 'partly' AND still_in_post > 0 AND still_in_post < hires)",
            name="still_in_post_matches_answer",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"))
    kind: Mapped[CheckKind] = mapped_column(enum_column_type(CheckKind, "kind"))
    due_on: Mapped[date]
    # The positions filled when the need closed: the people the check asks about.
    hires: Mapped[int]
    # The privileged contact when the hire was made, and its operator: the retention rate's "per operator".
    adviser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id", ondelete="SET NULL"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_ups.id", ondelete="SET NULL"), index=True)
    answer: Mapped[RetentionAnswer | None] = mapped_column(enum_column_type(RetentionAnswer, "answer"))
    still_in_post: Mapped[int | None]
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    need: Mapped[RecruitmentNeed] = relationship()
    adviser: Mapped[User | None] = relationship(foreign_keys=[adviser_id])
    operator: Mapped[Operator | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    follow_up: Mapped[FollowUp | None] = relationship()


@copies_employer_basin
class EmployerSurvey(TimestampMixin, db.Model):
    """The satisfaction survey e-mailed to an employer's contact person after a need closes or an
    event it took part in (rule 11). Its link is signed, never stored (aftercare/surveys.py)."""

    __tablename__ = "employer_surveys"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("need_id"),
        sa.UniqueConstraint("event_id", "employer_id"),
        sa.Index("ix_employer_surveys_basin_id_sent_at", "basin_id", "sent_at"),
        sa.Index("ix_employer_surveys_sent_at", "sent_at"),
        sa.CheckConstraint("(need_id IS NULL) <> (event_id IS NULL)", name="need_or_event"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        sa.CheckConstraint("(answered_at IS NULL) = (score IS NULL)", name="answered_at_matches"),
        sa.CheckConstraint("expires_at > sent_at", name="expires_after_sent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("employer_contacts.id", ondelete="SET NULL"), index=True
    )
    # The privileged contact's operator when the survey left: the response rate's "per operator".
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id", ondelete="SET NULL"), index=True)
    # Random, part of the signed link: a link cannot be derived from the id alone.
    nonce: Mapped[str] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[int | None]
    would_recommend: Mapped[bool | None]
    comment: Mapped[str | None] = mapped_column(sa.String(2000), info={"names_people": True})

    employer: Mapped[Employer] = relationship()
    need: Mapped[RecruitmentNeed | None] = relationship()
    event: Mapped[Event | None] = relationship()
    contact: Mapped[EmployerContact | None] = relationship()
    operator: Mapped[Operator | None] = relationship()


class EmployerIntroduction(TimestampMixin, db.Model):
    """The e-mail that introduced a new privileged contact to the employer's contact person (rule 12)."""

    __tablename__ = "employer_introductions"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer_contacts.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship()
    contact: Mapped[EmployerContact | None] = relationship()
