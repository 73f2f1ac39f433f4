"""The roster in the web admin: import, template, search and edit staff."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename
from wtforms.fields.choices import SelectChoice

from quizengine.extensions import db
from quizengine.formats.roster import Problem, read_roster, template_workbook
from quizengine.models import Staff
from quizengine.services.overview import roster_overview
from quizengine.services.roster import centers_in, import_roster, staff_page, update_staff
from quizengine.uploads import UploadRefused, parse_upload
from quizengine.views.access import can, ensure_scope, requires, user_group_keys
from quizengine.views.forms import RosterUploadForm, StaffForm

bp = Blueprint("admin_roster", __name__, url_prefix="/admin/roster")


def _scope() -> set[str] | None:
    """The groups the user may manage: None for admins (all groups)."""
    return None if current_user.role == "admin" else user_group_keys()


@bp.route("/", methods=["GET", "POST"])
@requires("roster.edit")
def index():
    """Import a roster file and search the staff list."""
    form = RosterUploadForm()
    problems = None
    if form.validate_on_submit():
        problems = _import(form.file.data)
        if problems is None:
            return redirect(url_for("admin_roster.index"))
    query = request.args.get("q", "")
    scope = _scope()
    groups = [g for g in roster_overview() if scope is None or g["key"] in scope]
    return render_template(
        "admin/roster.html",
        form=form,
        problems=problems,
        query=query,
        staff=staff_page(query, scope),
        groups=groups,
    ), (422 if problems else 200)


def _import(storage) -> list | None:
    name = secure_filename(storage.filename or "") or "roster"
    if "." not in name and storage.filename and "." in storage.filename:
        name = "roster." + storage.filename.rsplit(".", 1)[-1].lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        storage.save(path)
        try:
            roster, problems = parse_upload(
                read_roster, path, max_bytes=current_app.config["ROSTER_MAX_BYTES"], partial=True
            )
        except UploadRefused as refused:
            return [Problem(str(path), 1, 1, refused.code, refused.message)]
    if roster is None:
        return problems
    address = request.remote_addr or ""
    report = import_roster(roster, allowed_groups=_scope(), actor=current_user, address=address, file_problems=problems)
    if report.problems:
        return list(report.problems)
    flash(
        f"名单已导入：新增 {report.created} 人，更新 {report.updated} 人，未变 {report.unchanged} 人，"
        f"新建中心 {report.centers_created} 个",
        "ok",
    )
    for warning in problems[:_FLASHED_WARNINGS]:
        flash(f"第 {warning.line} 行：{warning.message}", "warning")
    if len(problems) > _FLASHED_WARNINGS:  # the session cookie holds the flashes: keep them few
        flash(f"另有 {len(problems) - _FLASHED_WARNINGS} 条警告未列出", "warning")
    return None


_FLASHED_WARNINGS = 5


@bp.get("/template.xlsx")
@requires("roster.edit")
def template():
    """Download the xlsx roster template."""
    return send_file(
        io.BytesIO(template_workbook()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="名单模板.xlsx",
    )


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
@requires("roster.edit")
def edit_staff(staff_id: int):
    """Edit one staff member of one's own groups."""
    person = db.get_or_404(Staff, staff_id)
    ensure_scope("roster.edit", {person.center.group.key})
    form = StaffForm(obj=person)
    centers = centers_in(_scope())
    form.center_id.choices = [SelectChoice(c.id, f"{c.group.name} · {c.name}") for c in centers]
    if form.validate_on_submit():
        center = next((c for c in centers if c.id == form.center_id.data), None)
        if center is None or not can("roster.edit", {center.group.key}):
            form.center_id.errors.append("只能选择您负责的组内的中心")
        else:
            update_staff(
                person,
                name=form.name.data.strip(),
                center=center,
                window_since=form.window_since.data,
                at_window=form.at_window.data,
                window_until=form.window_until.data,
                actor=current_user,
                address=request.remote_addr or "",
            )
            flash(f"已保存 {person.staff_no} {person.name}", "ok")
            return redirect(url_for("admin_roster.index", q=person.staff_no))
    return render_template("admin/staff_edit.html", form=form, person=person)
