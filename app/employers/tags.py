"""Tags administered from the browser, and set or removed in bulk on employers.

A tag's code is derived from its first label and never changes (plans' segments and seeds
name tags by code); its label may be renamed. An archived tag stays on its employers and in
past plans, but is no longer offered: it cannot be set any more, only removed.

Bulk tagging writes ``employer_tags`` with one INSERT … SELECT (or one DELETE) over the
employers chosen, whatever their number, and records one audit event per action: the ORM's
audit hook does not see these Core statements.
"""

import sqlalchemy as sa

from app.audit.services import record_event
from app.dialects import insert
from app.employers.models import Employer, Tag, employer_tags
from app.errors import DomainError
from app.extensions import db
from app.text import normalize_for_search

TAG_LABEL_MAX = Tag.__table__.c.label.type.length
TAG_CODE_MAX = Tag.__table__.c.code.type.length


class TagError(DomainError):
    """A refusal about tags, in French."""


def tag_code(label: str) -> str:
    """The slug of a label, as the seeded codes are written: "En croissance" → "en_croissance"."""
    return "_".join(normalize_for_search(label).split())[:TAG_CODE_MAX].rstrip("_")


def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise TagError("Le libellé de l'étiquette est obligatoire.")
    if len(label) > TAG_LABEL_MAX:
        raise TagError(f"Le libellé compte {TAG_LABEL_MAX} caractères au plus.")
    if not tag_code(label):
        raise TagError("Le libellé doit contenir au moins une lettre ou un chiffre.")
    return label


def _check_label_free(label: str, exclude_id: int | None = None) -> None:
    wanted = normalize_for_search(label)
    for tag_id, existing in db.session.execute(sa.select(Tag.id, Tag.label)):
        if tag_id != exclude_id and normalize_for_search(existing) == wanted:
            raise TagError(f"L'étiquette « {existing} » existe déjà.")


def _free_code(label: str) -> str:
    base = tag_code(label)
    taken = set(db.session.scalars(sa.select(Tag.code).where(Tag.code.like(f"{base[:20]}%"))))
    code, number = base, 2
    while code in taken:
        suffix = f"_{number}"
        code = base[: TAG_CODE_MAX - len(suffix)] + suffix
        number += 1
    return code


def create_tag(label: str | None) -> Tag:
    """A new active tag; its code is the label's slug, numbered if another tag already has it."""
    label = _clean_label(label)
    _check_label_free(label)
    tag = Tag(code=_free_code(label), label=label, is_active=True)
    db.session.add(tag)
    db.session.flush()
    return tag


def rename_tag(tag: Tag, label: str | None) -> None:
    """A new label; the code stays, so plans and files that name the tag by code still find it."""
    label = _clean_label(label)
    _check_label_free(label, exclude_id=tag.id)
    tag.label = label
    db.session.flush()


def set_tag_active(tag: Tag, active: bool) -> None:
    """Archive (no longer offered) or restore a tag; its employers keep it either way."""
    tag.is_active = active
    db.session.flush()


def add_tag_to_employers(tag: Tag, employer_ids: sa.Subquery, described: dict) -> int:
    """Set the tag on every employer of ``employer_ids`` (a derived table of ids, already scoped to
    what the user may see) that does not carry it yet; returns how many received it.

    ``described`` says which employers were meant (the selection or the search's filters): it goes
    into the audit event with the count.
    """
    if not tag.is_active:
        raise TagError(f"L'étiquette « {tag.label} » est archivée : elle ne peut plus être posée.")
    missing = (
        sa.select(employer_ids.c.id, sa.literal(tag.id, sa.Integer))
        .select_from(employer_ids)
        .where(
            ~sa.select(employer_tags.c.employer_id)
            .where(employer_tags.c.employer_id == employer_ids.c.id, employer_tags.c.tag_id == tag.id)
            .exists()
        )
    )
    # ON CONFLICT: a simultaneous bulk action that set the same tag first is no error, only fewer rows.
    # RETURNING counts the rows written: the driver's rowcount of an INSERT … SELECT is -1 on PostgreSQL.
    statement = (
        insert(employer_tags)
        .from_select(["employer_id", "tag_id"], missing)
        .on_conflict_do_nothing()
        .returning(employer_tags.c.employer_id)
    )
    added = len(db.session.execute(statement).all())
    _expire_loaded_tags()
    record_event("update", "Tag", str(tag.id), {"bulk": "add", "tag": tag.code, "employers": added, **described})
    return added


def remove_tag_from_employers(tag: Tag, employer_ids: sa.Subquery, described: dict) -> int:
    """Take the tag off every employer of ``employer_ids`` carrying it; returns how many lost it."""
    removed = db.session.execute(
        sa.delete(employer_tags).where(
            employer_tags.c.tag_id == tag.id, employer_tags.c.employer_id.in_(sa.select(employer_ids.c.id))
        )
    ).rowcount
    _expire_loaded_tags()
    record_event("update", "Tag", str(tag.id), {"bulk": "remove", "tag": tag.code, "employers": removed, **described})
    return removed


def _expire_loaded_tags() -> None:
    """Employers already loaded in this session would show their tags as they were."""
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Employer):
            db.session.expire(loaded, ["tags"])
