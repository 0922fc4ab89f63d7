"""The tags admin: the list with each tag's employers, creation, renaming, archiving."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.converters import database_int
from app.employers import bp
from app.employers.forms import TagForm, TagStatusForm
from app.employers.models import Tag
from app.employers.queries import get_tag, tags_with_counts
from app.employers.tags import create_tag, rename_tag, set_tag_active
from app.pagination import paginate
from app.transactions import refusal_shown

TAGS_PER_PAGE = 50


def _tags_page(form: TagForm, status: int = 200):
    page = paginate(tags_with_counts(current_user), request.args.get("page", type=database_int), TAGS_PER_PAGE, False)
    return render_template(
        "employers/tags.html", page=page, form=form, status_form=TagStatusForm(formdata=None)
    ), status


@bp.route("/administration/etiquettes", methods=["GET", "POST"])
def tags():
    form = TagForm()
    if request.method == "GET":
        return _tags_page(TagForm(formdata=None))
    if form.validate():
        with refusal_shown(form) as outcome:
            tag = create_tag(form.label.data)
        if not outcome.refused:
            flash(f"Étiquette « {tag.label} » créée (code {tag.code}).", "success")
            return redirect(url_for("employers.tags"))
    return _tags_page(form, 400)


def _tag_or_404(tag_id: int) -> Tag:
    return get_tag(tag_id) or abort(404)


@bp.route("/administration/etiquettes/<int:tag_id>", methods=["GET", "POST"])
def tag_edit(tag_id: int):
    tag = _tag_or_404(tag_id)
    form = TagForm(obj=tag)
    if request.method == "POST":
        if form.validate():
            with refusal_shown(form) as outcome:
                rename_tag(tag, form.label.data)
            if not outcome.refused:
                flash(f"Étiquette renommée « {tag.label} ».", "success")
                return redirect(url_for("employers.tags"))
        return render_template("employers/tag_form.html", form=form, tag=tag), 400
    return render_template("employers/tag_form.html", form=form, tag=tag)


@bp.route("/administration/etiquettes/<int:tag_id>/etat", methods=["POST"])
def tag_status(tag_id: int):
    tag = _tag_or_404(tag_id)
    form = TagStatusForm()
    if not form.validate():
        flash("Action inconnue : l'étiquette n'a pas changé.", "error")
        return _tags_page(TagForm(formdata=None), 400)
    active = form.active.data == "1"
    set_tag_active(tag, active)
    if active:
        flash(f"L'étiquette « {tag.label} » est de nouveau proposée.", "success")
    else:
        flash(
            f"L'étiquette « {tag.label} » est archivée : ses entreprises la gardent, elle n'est plus proposée.",
            "success",
        )
    return redirect(url_for("employers.tags"))
