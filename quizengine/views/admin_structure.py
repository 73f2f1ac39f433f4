"""Groups and centers in the web admin (admins only): rename, change lead unit, move a center."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from quizengine.extensions import db
from quizengine.models import Center, Group
from quizengine.services.roster import all_groups, update_center, update_group
from quizengine.views.access import requires
from quizengine.views.forms import CenterForm, GroupForm

bp = Blueprint("admin_structure", __name__, url_prefix="/admin/groups")


@bp.get("/")
@requires("groups.edit")
def index():
    """Every group with its centers."""
    return render_template("admin/groups.html", groups=all_groups())


@bp.route("/<int:group_id>", methods=["GET", "POST"])
@requires("groups.edit")
def edit_group(group_id: int):
    """Rename a group or change its lead unit."""
    group = db.get_or_404(Group, group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        update_group(
            group,
            name=form.name.data.strip(),
            lead_unit=(form.lead_unit.data or "").strip(),
            actor=current_user,
            address=request.remote_addr or "",
        )
        flash(f"已保存 {group.name}", "ok")
        return redirect(url_for("admin_structure.index"))
    return render_template("admin/edit.html", form=form, title=f"修改组 {group.key}")


@bp.route("/centers/<int:center_id>", methods=["GET", "POST"])
@requires("groups.edit")
def edit_center(center_id: int):
    """Rename a center, move it to another group or set its bureau (主管单位)."""
    center = db.get_or_404(Center, center_id)
    form = CenterForm(obj=center)
    groups = all_groups()
    form.group_id.choices = [SelectChoice(g.id, g.name) for g in groups]
    if form.validate_on_submit():
        group = next(g for g in groups if g.id == form.group_id.data)
        error = update_center(
            center,
            name=form.name.data.strip(),
            group=group,
            bureau=(form.bureau.data or "").strip(),
            actor=current_user,
            address=request.remote_addr or "",
        )
        if error is None:
            flash(f"已保存 {center.name}", "ok")
            return redirect(url_for("admin_structure.index"))
        form.name.errors.append(error)
    return render_template("admin/edit.html", form=form, title=f"修改中心 {center.name}")
