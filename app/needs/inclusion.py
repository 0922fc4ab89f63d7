"""Hires by public: of the positions a closed need filled, how many went to people of each public it
may count (RSA, RQTH…). One person may belong to several publics (a young RSA beneficiary counts
for both), so the publics' hires may add up to more than the hires; each is at most the positions
filled. Entered once the need is closed (by hand, or by the hires of an event that filled it).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import enum_column_type
from app.extensions import db
from app.formatting import plural
from app.needs.enums import Public
from app.needs.models import RecruitmentNeed
from app.needs.services import NeedError


class NeedPublicHire(db.Model):
    """How many of a closed need's hires belong to one public."""

    __tablename__ = "need_public_hires"
    __audited__ = True
    __table_args__ = (sa.CheckConstraint("hires >= 1", name="hires_positive"),)

    need_id: Mapped[int] = mapped_column(sa.ForeignKey("recruitment_needs.id", ondelete="CASCADE"), primary_key=True)
    public: Mapped[Public] = mapped_column(enum_column_type(Public, "public"), primary_key=True)
    hires: Mapped[int]

    need: Mapped[RecruitmentNeed] = relationship()


def public_hires_of(need: RecruitmentNeed) -> dict[Public, int]:
    rows = db.session.execute(
        sa.select(NeedPublicHire.public, NeedPublicHire.hires).where(NeedPublicHire.need_id == need.id)
    )
    return dict(rows.tuples().all())


def replace_public_counts(model, owner: dict, counts: dict[Public, int], ceiling: int, of_what: str) -> None:
    """Rows of ``model`` (owner's key, public, hires): one per public counted, each at most
    ``ceiling`` (the hires of the need or the event), none for a public at 0. Shared with events."""
    for public, count in counts.items():
        if not 0 <= count <= ceiling:
            raise NeedError(f"{public.label} : entre 0 et {plural(ceiling, 'embauche', 'embauches')} ({of_what}).")
    ((key, value),) = owner.items()
    current = {row.public: row for row in db.session.scalars(sa.select(model).where(getattr(model, key) == value))}
    for public, count in counts.items():
        row = current.get(public)
        if count == 0 and row is not None:
            db.session.delete(row)
        elif count and row is None:
            db.session.add(model(**owner, public=public, hires=count))
        elif count:
            row.hires = count
    db.session.flush()


def record_public_hires(need: RecruitmentNeed, hires: dict[Public, int]) -> None:
    """Replace the need's hires by public."""
    if need.is_open:
        raise NeedError("Les embauches par public se saisissent une fois le besoin clôturé.")
    replace_public_counts(
        NeedPublicHire, {"need_id": need.id}, hires, need.positions_filled, "les postes pourvus du besoin"
    )


def forget_public_hires(need: RecruitmentNeed) -> None:
    """A reopened need has no hires yet: its hires by public go with them."""
    for row in db.session.scalars(sa.select(NeedPublicHire).where(NeedPublicHire.need_id == need.id)):
        db.session.delete(row)  # through the ORM: the audit trail keeps what was forgotten
