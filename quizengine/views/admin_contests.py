"""Contests in the web admin: import a contest file, preview its questions, open it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from quizengine.contests import read_contest
from quizengine.services import live
from quizengine.services.banks import to_core
from quizengine.services.contests import get_contest, import_contest, list_contests
from quizengine.services.live import LiveError
from quizengine.views.access import ensure_scope, requires, user_group_keys
from quizengine.views.forms import ActionForm, ContestUploadForm

bp = Blueprint("admin_contests", __name__, url_prefix="/admin/contests")


def _scope() -> set[str] | None:
    return None if current_user.role == "admin" else user_group_keys()


@bp.route("/", methods=["GET", "POST"])
@requires("contest.edit")
def index():
    """List one's contests and import a contest file."""
    form = ContestUploadForm()
    report = None
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read(1024 * 1024 + 1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (secure_filename(storage.filename or "") or "contest.yaml")
            path.write_bytes(data)
            spec, problems = read_contest(path)
        if spec is not None:
            contest, problems = import_contest(spec, current_user, request.remote_addr or "")
            if contest is not None:
                flash(f"已导入竞赛「{contest.title}」，参赛码 {contest.code}", "ok")
                return redirect(url_for("admin_contests.show", contest_id=contest.id))
        lines = data.decode("utf-8", errors="replace").splitlines()
        report = {"file": storage.filename or path.name, "problems": problems, "lines": lines}
    return render_template("admin/contests.html", form=form, contests=list_contests(_scope()), report=report), (
        422 if report else 200
    )


def _scoped_contest(contest_id: int, permission: str):
    """The contest, or 404 when it does not exist or lies outside the user's groups."""
    contest = get_contest(contest_id)
    if contest is None:
        abort(404)
    ensure_scope(permission, {g.key for g in contest.groups})
    return contest


@bp.get("/<int:contest_id>")
@requires("contest.edit")
def show(contest_id: int):
    """The contest's rounds and drawn questions, as they will be played (with answers)."""
    contest = _scoped_contest(contest_id, "contest.edit")
    rounds = [(r, [to_core(rq.question) for rq in r.questions]) for r in contest.rounds]
    return render_template("admin/contest.html", contest=contest, rounds=rounds, action_form=ActionForm())


@bp.post("/<int:contest_id>/open")
@requires("contest.run")
def open_contest(contest_id: int):
    """Open registration: players may join."""
    contest = _scoped_contest(contest_id, "contest.run")
    if ActionForm().validate_on_submit():
        try:
            live.open_contest(contest, current_user, request.remote_addr or "")
            flash("已开放报名", "ok")
        except LiveError as error:
            flash(error.message, "error")
    return redirect(url_for("admin_contests.show", contest_id=contest_id))
