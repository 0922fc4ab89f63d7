from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.employers.models import Employer
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.plans.enums import PlanIndicator, SegmentKind
from app.referential.models import Basin, Operator
from app.timeutils import UTCDateTime, utcnow

plan_owners = sa.Table(
    "plan_owners",
    db.Model.metadata,
    sa.Column("plan_id", sa.ForeignKey("prospection_plans.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

MAX_TARGET_LIST_SIZE = 1000


class ProspectionPlan(TimestampMixin, db.Model):
    """A basin's prospection plan over a period: targets, priority segments, target employers."""

    __tablename__ = "prospection_plans"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint(
            f"target_list_size >= 1 AND target_list_size <= {MAX_TARGET_LIST_SIZE}", name="target_list_size_range"
        ),
        sa.Index("ix_prospection_plans_basin_id_starts_on", "basin_id", "starts_on"),
        sa.Index("ix_prospection_plans_starts_on_ends_on", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    basin_id: Mapped[int] = mapped_column(sa.ForeignKey("basins.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # How many employers the automatic target list keeps (the best scores).
    target_list_size: Mapped[int] = mapped_column(default=100, server_default="100")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    list_built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    basin: Mapped[Basin] = relationship()
    created_by: Mapped[User | None] = relationship()
    owners: Mapped[list[User]] = relationship(secondary=plan_owners, order_by=User.full_name)
    targets: Mapped[list["PlanTarget"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.id"
    )
    segments: Mapped[list["PlanSegment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(PlanSegment.kind, PlanSegment.value)"
    )

    def segment_values(self, kind: SegmentKind) -> set[str]:
        return {segment.value for segment in self.segments if segment.kind is kind}

    def __str__(self) -> str:
        return self.title


class PlanTarget(db.Model):
    """A volume to reach on one indicator, for the whole network or one operator."""

    __tablename__ = "plan_targets"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("target_value >= 0", name="target_value_not_negative"),
        sa.CheckConstraint("factor IS NULL OR factor > 0", name="factor_positive"),
        sa.UniqueConstraint("plan_id", "indicator", "operator_id", name="uq_plan_targets_plan_indicator_operator"),
        # NULLs are distinct in a unique constraint: the network-wide target needs its own index.
        sa.Index(
            "uq_plan_targets_plan_indicator_network",
            "plan_id",
            "indicator",
            unique=True,
            sqlite_where=sa.text("operator_id IS NULL"),
            postgresql_where=sa.text("operator_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("prospection_plans.id", ondelete="CASCADE"))
    indicator: Mapped[PlanIndicator] = mapped_column(enum_column_type(PlanIndicator, "indicator"))
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    target_value: Mapped[int]
    # A target relative to the value at the plan's start ("doubler en 3 ans": 2): the goal is then
    # that value times the factor (app/plans/queries.py, TargetProgress), and target_value is unused.
    factor: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))

    plan: Mapped[ProspectionPlan] = relationship(back_populates="targets")
    operator: Mapped[Operator | None] = relationship()


class PlanSegment(db.Model):
    """A priority segment: a ROME job, a NAF division, a headcount band or a tag code."""

    __tablename__ = "plan_segments"
    __table_args__ = (sa.UniqueConstraint("plan_id", "kind", "value", name="uq_plan_segments_plan_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("prospection_plans.id", ondelete="CASCADE"))
    kind: Mapped[SegmentKind] = mapped_column(enum_column_type(SegmentKind, "kind"))
    value: Mapped[str] = mapped_column(sa.String(40))

    plan: Mapped[ProspectionPlan] = relationship(back_populates="segments")


class PlanEmployer(db.Model):
    """An employer on a plan's target list, its score explained, and the adviser it is given to."""

    __tablename__ = "plan_employers"
    __audited__ = True
    __audit_exclude__ = {"score_details"}
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "employer_id", name="uq_plan_employers_plan_employer"),
        sa.Index("ix_plan_employers_plan_id_score", "plan_id", "score"),
        sa.Index("ix_plan_employers_adviser_id_plan_id", "adviser_id", "plan_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("prospection_plans.id", ondelete="CASCADE"))
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(default=0)
    # [[label, points], ...]: what made the score, shown as is on screen.
    score_details: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Added by hand: kept when the list is rebuilt.
    is_manual: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Removed by hand: hidden, and not added back when the list is rebuilt.
    is_excluded: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[ProspectionPlan] = relationship()
    employer: Mapped[Employer] = relationship()
    adviser: Mapped[User | None] = relationship()
