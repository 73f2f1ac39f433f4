"""Selections (评选) in the web admin: define by YAML, see the result, freeze, reopen, publish, answer appeals."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from quizengine.formats.selection import read_selection
from quizengine.formats.yamlread import Problem
from quizengine.models import SelectionAppeal
from quizengine.models.types import utcnow
from quizengine.paths import data_dir
from quizengine.services import announcements, selections
from quizengine.services.errors import Refused
from quizengine.timezone import local_zone
from quizengine.uploads import UploadRefused, parse_upload
from quizengine.views.access import can, ensure_scope, requires, user_group_keys
from quizengine.views.exports import XLSX, selection_workbook
from quizengine.views.forms import ActionForm, PublishForm, ReasonForm, ReplyForm, SelectionForm

bp = Blueprint("admin_selections", __name__, url_prefix="/admin/selections")

MAX_BYTES = selections.MAX_SOURCE_CHARS


def _scope() -> set[str] | None:
    return None if current_user.role == "admin" else user_group_keys()


def _scoped(selection_id: int, permission: str):
    """The selection, or 404 when it does not exist or covers a group that is not the user's."""
    selection = selections.get_selection(selection_id)
    if selection is None:
        abort(404)
    ensure_scope(permission, set(selection.groups or ()))
    return selection


def _parse(data: bytes, name: str):
    """(spec, problems) of a selection file's bytes, parsed in a limited child process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return parse_upload(read_selection, path, max_bytes=MAX_BYTES)
        except UploadRefused as refused:
            return None, [Problem(str(path), 1, 1, refused.code, refused.message)]


def example_text() -> str:
    """The documented example selection file, the starting text of a new selection."""
    path = data_dir("examples") / "selection.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@bp.get("/")
@requires("results.view")
def index():
    """The selections of one's groups."""
    return render_template(
        "admin/selections.html", selections=selections.list_selections(_scope()), group_names=selections.group_names()
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("contest.edit")
def new():
    """Create a selection from pasted or uploaded YAML; nothing stored on any error."""
    return _edit_page(None)


@bp.route("/<int:selection_id>/edit", methods=["GET", "POST"])
@requires("contest.edit")
def edit(selection_id: int):
    """Change a selection that is not frozen."""
    selection = _scoped(selection_id, "contest.edit")
    if selection.frozen_at is not None:
        flash(Refused("selection_frozen").message, "error")
        return redirect(url_for("admin_selections.show", selection_id=selection.id))
    return _edit_page(selection)


def _edit_page(selection):
    form = SelectionForm()
    report = None
    if request.method == "GET":
        form.source.data = selection.source if selection else example_text()
        form.tie_mode.data = (selection.tie_mode or "") if selection else ""
    elif form.validate_on_submit():
        storage = form.file.data
        if storage and storage.filename:
            data = storage.read(MAX_BYTES + 1)
            name = secure_filename(storage.filename) or "selection.yaml"
        else:
            data, name = (form.source.data or "").replace("\r\n", "\n").encode("utf-8"), "selection.yaml"
        spec, problems = _parse(data, name)
        source = data.decode("utf-8", errors="replace")
        if spec is not None:
            saved, problems = selections.save_selection(
                selection,
                source,
                spec,
                form.tie_mode.data or None,
                scope=_scope(),
                actor=current_user,
                address=request.remote_addr or "",
            )
            if saved is not None:
                flash(f"已保存评选「{saved.title}」", "ok")
                return redirect(url_for("admin_selections.show", selection_id=saved.id))
        form.source.data = source
        report = {"file": name, "problems": problems, "lines": source.splitlines()}
    page = render_template("admin/selection_edit.html", form=form, selection=selection, report=report)
    return page, (422 if report or form.errors else 200)


def _spec(selection):
    """(spec, problems) of a stored selection's file."""
    return _parse(selection.source.encode("utf-8"), "selection.yaml")


def _document(selection):
    """(the result document, problems): the frozen one, else computed now."""
    if selection.document is not None:
        return selection.document, []
    spec, problems = _spec(selection)
    if spec is None:
        return None, problems
    result, problems = selections.compute(selection, spec)
    return (result.as_json() if result else None), problems


@bp.get("/<int:selection_id>")
@requires("results.view")
def show(selection_id: int):
    """The result: parts, people and centers per scope, quota warnings; when frozen, what changed since."""
    selection = _scoped(selection_id, "results.view")
    document, problems = _document(selection)
    changes = None
    if selection.frozen_at is not None:
        spec, problems = _spec(selection)
        if spec is not None:
            changes, problems = selections.changes_since(selection, spec)
    zone = local_zone()
    publish_form = PublishForm(
        appeal_until=selection.appeal_until.astimezone(zone).replace(tzinfo=None) if selection.appeal_until else None
    )
    return render_template(
        "admin/selection.html",
        selection=selection,
        document=document,
        problems=problems,
        changes=changes,
        action_form=ActionForm(),
        reason_form=ReasonForm(),
        publish_form=publish_form,
        reply_form=ReplyForm(),
        may_reopen=can("selection.reopen"),
        group_names=selections.group_names(),
        now=utcnow(),
    )


@bp.get("/<int:selection_id>/selection.xlsx")
@requires("results.view")
def workbook(selection_id: int):
    """Download the result (frozen, else as of now) as an Excel workbook."""
    selection = _scoped(selection_id, "results.view")
    document, _ = _document(selection)
    if document is None:
        abort(404)
    data = selection_workbook(document)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"评选_{selection.id}.xlsx")


@bp.get("/<int:selection_id>/selection.json")
@requires("results.view")
def document_json(selection_id: int):
    """Download the result document (docs/results.md, “评选结果 JSON”)."""
    selection = _scoped(selection_id, "results.view")
    document, _ = _document(selection)
    if document is None:
        abort(404)
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return send_file(
        io.BytesIO(data), mimetype="application/json", as_attachment=True, download_name=f"评选_{selection.id}.json"
    )


@bp.post("/<int:selection_id>/freeze")
@requires("contest.edit")
def freeze(selection_id: int):
    """Sign off (签发) and freeze the selection's result."""
    selection = _scoped(selection_id, "contest.edit")
    if ActionForm().validate_on_submit():
        spec, problems = _spec(selection)
        try:
            if spec is not None:
                problems = selections.freeze(
                    selection, spec, utcnow(), actor=current_user, address=request.remote_addr or ""
                )
        except Refused as error:
            flash(error.message, "error")
        else:
            if problems:
                flash("评选无法计算，没有冻结：" + "；".join(p.message for p in problems), "error")
            else:
                flash("评选已签发并冻结；之后名单和成绩的修改不会改变它", "ok")
    return redirect(url_for("admin_selections.show", selection_id=selection_id))


@bp.post("/<int:selection_id>/reopen")
@requires("selection.reopen")
def reopen(selection_id: int):
    """Reopen a frozen selection (admins only), with a reason; its 公示 is withdrawn."""
    selection = _scoped(selection_id, "selection.reopen")
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            selections.reopen(selection, form.reason.data, actor=current_user, address=request.remote_addr or "")
            flash("已解除冻结", "ok")
        except Refused as error:
            flash(error.message, "error")
    else:
        flash(next(iter(form.errors.values()))[0] if form.errors else "请填写原因", "error")
    return redirect(url_for("admin_selections.show", selection_id=selection_id))


@bp.post("/<int:selection_id>/publish")
@requires("contest.edit")
def publish(selection_id: int):
    """Publish (公示) a frozen selection to its groups' staff with an appeal deadline."""
    selection = _scoped(selection_id, "contest.edit")
    form = PublishForm()
    if form.validate_on_submit():
        try:
            announcements.publish(
                selection,
                form.appeal_until.data.replace(tzinfo=local_zone()),
                utcnow(),
                actor=current_user,
                address=request.remote_addr or "",
            )
            flash("已公示；工作人员可在“学习与考试”页面查看并在截止前提出异议", "ok")
        except Refused as error:
            flash(error.message, "error")
    else:  # a missing or malformed time (WTForms' own message would be English)
        flash("请填写正确的异议截止时间（年-月-日 时:分）", "error")
    return redirect(url_for("admin_selections.show", selection_id=selection_id))


@bp.post("/<int:selection_id>/appeals/<int:appeal_id>")
@requires("contest.edit")
def reply(selection_id: int, appeal_id: int):
    """Reply to an appeal, which marks it handled."""
    selection = _scoped(selection_id, "contest.edit")
    appeal = next((a for a in selection.appeals if a.id == appeal_id), None)
    if not isinstance(appeal, SelectionAppeal):
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            announcements.handle_appeal(
                appeal, form.reply.data, utcnow(), actor=current_user, address=request.remote_addr or ""
            )
            flash("已答复", "ok")
        except Refused as error:
            flash(error.message, "error")
    else:
        flash(next(iter(form.errors.values()))[0] if form.errors else "请填写答复", "error")
    return redirect(url_for("admin_selections.show", selection_id=selection_id))
