"""Contests in the web admin: import a contest file, preview its questions, open it."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from quizengine.core.paper import window_state
from quizengine.formats.contests import Problem, read_contest
from quizengine.formats.scores import read_scores
from quizengine.formats.scores import template_workbook as scores_template_workbook
from quizengine.models.mapping import to_core
from quizengine.models.types import utcnow
from quizengine.services import correctable, live, paper_pool, paper_state, papers
from quizengine.services.contests import import_contest, list_contests, update_contest
from quizengine.services.errors import Refused
from quizengine.services.report import contest_report
from quizengine.services.results import rankings_by_group
from quizengine.services.scores import import_scores
from quizengine.timezone import local_zone
from quizengine.uploads import UploadRefused, parse_upload
from quizengine.views.access import requires, scoped_contest, user_group_keys
from quizengine.views.exports import XLSX, results_workbook
from quizengine.views.forms import ActionForm, ContestForm, ContestUploadForm, PaperForm, ScoresUploadForm

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
            try:
                spec, problems = parse_upload(read_contest, path, partial=True)
            except UploadRefused as refused:
                spec, problems = None, [Problem(str(path), 1, 1, refused.code, refused.message)]
        if spec is not None:
            contest, problems = import_contest(spec, current_user, request.remote_addr or "", file_problems=problems)
            if contest is not None:
                flash(f"已导入竞赛「{contest.title}」，参赛码 {contest.code}", "ok")
                for warning in problems:  # questions named explicitly that are not in force on the contest's day
                    flash(f"第 {warning.line} 行：{warning.message}", "warning")
                return redirect(url_for("admin_contests.show", contest_id=contest.id))
        lines = data.decode("utf-8", errors="replace").splitlines()
        report = {"file": storage.filename or path.name, "problems": problems, "lines": lines}
    return render_template("admin/contests.html", form=form, contests=list_contests(_scope()), report=report), (
        422 if report else 200
    )


@bp.get("/<int:contest_id>")
@requires("contest.edit")
def show(contest_id: int):
    """The contest's rounds and drawn questions, as they will be played (with answers)."""
    contest = scoped_contest(contest_id, "contest.edit")
    if contest.mode == "self_paced":
        return _paper_page(contest)
    if contest.mode == "offline":
        return _offline_page(contest, ScoresUploadForm())
    if contest.mode == "judged":  # 岗位比武: views.admin_judged
        return redirect(url_for("admin_judged.show", contest_id=contest.id))
    rounds = [(r, [to_core(rq.question) for rq in r.questions]) for r in contest.rounds]
    fixes = correctable.active_corrections(contest)
    return render_template("admin/contest.html", contest=contest, rounds=rounds, action_form=ActionForm(), fixes=fixes)


def _paper_page(contest):
    """A self-paced contest: its settings, sections and pools, every attempt, the standings."""
    now = utcnow()
    attempts = paper_state.attempts_table(contest, now)
    return render_template(
        "admin/paper.html",
        contest=contest,
        sections=[(r, [to_core(rq.question) for rq in r.questions]) for r in contest.rounds],
        attempts=attempts,
        groups=rankings_by_group(contest),
        open_count=sum(1 for row in attempts if row["attempt"].closed_at is None),
        action_form=ActionForm(),
        window=window_state(now, contest.opens_at, contest.closes_at),
        fixes=correctable.active_corrections(contest),
    )


def _offline_page(contest, form, problems=None):
    """An offline contest: its full score, the score-sheet upload, the standings per group."""
    page = render_template(
        "admin/offline.html", contest=contest, form=form, problems=problems, groups=rankings_by_group(contest)
    )
    return page, (422 if problems else 200)


@bp.post("/<int:contest_id>/scores")
@requires("contest.edit")
def upload_scores(contest_id: int):
    """Import an offline contest's score sheet (parsed in a limited child process); nothing stored on any error."""
    contest = scoped_contest(contest_id, "contest.edit")
    if contest.mode != "offline":
        abort(404)
    form = ScoresUploadForm()
    if not form.validate_on_submit():
        return _offline_page(contest, form)
    storage = form.file.data
    name = secure_filename(storage.filename or "") or "scores.xlsx"
    if "." not in name and storage.filename and "." in storage.filename:
        name = "scores." + storage.filename.rsplit(".", 1)[-1].lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        storage.save(path)
        try:
            sheet, problems = parse_upload(
                read_scores,
                path,
                max_bytes=current_app.config["ROSTER_MAX_BYTES"],
                max_score=contest.settings.get("max_score"),
            )
        except UploadRefused as refused:
            sheet, problems = None, [Problem(str(path), 1, 1, refused.code, refused.message)]
    if sheet is not None:
        report = import_scores(contest, sheet, actor=current_user, address=request.remote_addr or "")
        problems = [*problems, *report.problems]
        if not report.problems:
            flash(f"已导入 {report.stored} 人的成绩（替换原有 {report.replaced} 条）", "ok")
            return redirect(url_for("admin_contests.show", contest_id=contest.id))
    return _offline_page(contest, form, [p for p in problems if p.is_error] or problems)


@bp.get("/scores-template.xlsx")
@requires("contest.edit")
def scores_template():
    """Download the xlsx score-sheet template of offline contests."""
    return send_file(
        io.BytesIO(scores_template_workbook()), mimetype=XLSX, as_attachment=True, download_name="线下成绩模板.xlsx"
    )


@bp.get("/<int:contest_id>/attempts/<int:attempt_id>")
@requires("contest.edit")
def attempt(contest_id: int, attempt_id: int):
    """One attempt as the person saw it, with their answers, and its paper drawn again from the stored seed."""
    contest = scoped_contest(contest_id, "contest.edit")
    found = papers.get_attempt(contest, attempt_id)
    if found is None:
        abort(404)
    papers.close_if_due(found, utcnow())
    stored = [(item.question.key, tuple(item.option_order)) for item in found.items]
    fixes = correctable.active_corrections(contest)
    try:
        replayed = paper_pool.replay(contest, found)
    except Refused:
        replayed = None
    return render_template(
        "admin/attempt.html",
        contest=contest,
        attempt=found,
        items=[
            (item, correctable.corrected(to_core(item.question), fixes.get(item.question_id))) for item in found.items
        ],
        fixes=fixes,
        replay_matches=replayed == stored,
    )


@bp.route("/<int:contest_id>/paper", methods=["GET", "POST"])
@requires("contest.edit")
def edit_paper(contest_id: int):
    """Change a paper's window and settings (after publication: only the close)."""
    contest = scoped_contest(contest_id, "contest.edit")
    if contest.mode != "self_paced":
        abort(404)
    zone = local_zone()
    local = lambda moment: moment.astimezone(zone).replace(tzinfo=None)  # noqa: E731
    form = PaperForm(
        opens_at=local(contest.opens_at),
        closes_at=local(contest.closes_at),
        **{k: contest.settings.get(k) for k in ("time_limit", "attempts", "counting", "layout", "results")},
    )
    if form.validate_on_submit():
        error = papers.update_paper(
            contest,
            opens_at=form.opens_at.data.replace(tzinfo=zone),
            closes_at=form.closes_at.data.replace(tzinfo=zone),
            settings={k: getattr(form, k).data for k in ("time_limit", "attempts", "counting", "layout", "results")},
            actor=current_user,
            address=request.remote_addr or "",
        )
        if error is None:
            flash("已保存", "ok")
            return redirect(url_for("admin_contests.show", contest_id=contest.id))
        form.closes_at.errors.append(error)
    return render_template("admin/edit.html", form=form, title=f"修改考试 {contest.code} 的时间和设置"), (
        422 if form.errors else 200
    )


@bp.get("/<int:contest_id>/results.xlsx")
@requires("results.view")
def results(contest_id: int):
    """Download the results (services.report) as an Excel workbook: per group people and centers, and the rest."""
    contest = scoped_contest(contest_id, "results.view")
    data = results_workbook(contest_report(contest))
    name = f"成绩_{contest.code}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.post("/<int:contest_id>/finish")
@requires("contest.run")
def finish(contest_id: int):
    """End a self-paced contest: close open attempts, freeze the scores."""
    contest = scoped_contest(contest_id, "contest.run")
    if ActionForm().validate_on_submit():
        try:
            cut = papers.finish(contest, utcnow(), current_user, request.remote_addr or "")
            flash(f"考试已结束，成绩已冻结{f'（{cut} 份未交的试卷已按已保存的答案收卷）' if cut else ''}", "ok")
        except Refused as error:
            flash(error.message, "error")
    return redirect(url_for("admin_contests.show", contest_id=contest_id))


@bp.route("/<int:contest_id>/edit", methods=["GET", "POST"])
@requires("contest.edit")
def edit(contest_id: int):
    """Edit title, join code and the center rule of a contest that has not opened."""
    contest = scoped_contest(contest_id, "contest.edit")
    form = ContestForm(
        obj=contest, center_rule=contest.settings.get("center_rule", "mean"), top_n=contest.settings.get("top_n", 3)
    )
    if form.validate_on_submit():
        error = update_contest(
            contest,
            title=form.title.data.strip(),
            code=form.code.data,
            center_rule=form.center_rule.data,
            top_n=form.top_n.data,
            actor=current_user,
            address=request.remote_addr or "",
        )
        if error is None:
            flash("已保存", "ok")
            return redirect(url_for("admin_contests.show", contest_id=contest.id))
        form.code.errors.append(error)
    return render_template("admin/edit.html", form=form, title=f"修改竞赛 {contest.code}")


@bp.post("/<int:contest_id>/open")
@requires("contest.run")
def open_contest(contest_id: int):
    """Open registration: players may join."""
    contest = scoped_contest(contest_id, "contest.run")
    if ActionForm().validate_on_submit():
        try:
            live.open_contest(contest, current_user, request.remote_addr or "")
            flash("已开放报名", "ok")
        except Refused as error:
            flash(error.message, "error")
    return redirect(url_for("admin_contests.show", contest_id=contest_id))
