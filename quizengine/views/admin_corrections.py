"""Corrections after a dispute (复核) in the web admin: pick a question, preview the re-scoring, confirm."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.models.mapping import to_core
from quizengine.services import correctable, corrections
from quizengine.services.contests import list_contests
from quizengine.services.errors import Refused
from quizengine.views.access import requires, scoped_contest, user_group_keys
from quizengine.views.forms import ActionForm

bp = Blueprint("admin_corrections", __name__, url_prefix="/admin/corrections")


@bp.get("/")
@requires("results.correct")
def index():
    """The contests one may correct (trainers: every contest; organizers: their groups')."""
    scope = user_group_keys() if current_user.role == "organizer" else None
    return render_template("admin/corrections.html", contests=list_contests(scope))


@bp.get("/<int:contest_id>")
@requires("results.correct")
def contest_questions(contest_id: int):
    """A contest's questions, each with its correction (if any) and a link to its 复核 page."""
    contest = scoped_contest(contest_id, "results.correct")
    try:
        active = correctable.active_corrections(contest)
        questions = correctable.subjects(contest)
    except Refused as refused:
        return render_template("admin/correction_questions.html", contest=contest, refused=refused.message), 422
    rows = [(s, correctable.refusal(s), active.get(s.ref)) for s in questions]
    return render_template("admin/correction_questions.html", contest=contest, rows=rows, refused=None)


@bp.route("/<int:contest_id>/<int:ref>", methods=["GET", "POST"])
@requires("results.correct")
def correct(contest_id: int, ref: int):
    """One question's 复核 page: its key and answers; POST previews (nothing stored) or, confirmed, applies."""
    contest = scoped_contest(contest_id, "results.correct")
    try:
        subject = correctable.subject(contest, ref)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin_corrections.contest_questions", contest_id=contest.id))
    if subject is None:
        abort(404)
    form = ActionForm()
    entered = {
        "kind": request.form.get("kind", ""),
        "key": request.form.getlist("key"),
        "fill": request.form.get("fill", ""),
        "reason": request.form.get("reason", ""),
    }
    changes, error, status = None, None, 200
    if request.method == "POST":
        raw_key = entered["fill"].splitlines() if subject.question.kind == "fill" else entered["key"]
        if not form.validate_on_submit():
            error, status = "页面已过期，请刷新后重试", 400
        else:
            try:
                if request.form.get("confirm") == "1":
                    args = (entered["kind"], raw_key, entered["reason"], current_user, request.remote_addr or "")
                    changes = corrections.apply(subject, *args)
                    flash(f"已复核{subject.label}：{len(changes)} 人受影响（作答了本题或名次变化）", "ok")
                    return redirect(url_for("admin_corrections.correct", contest_id=contest.id, ref=ref))
                changes = corrections.preview(subject, entered["kind"], raw_key, entered["reason"])
            except Refused as refused:
                error, status, changes = refused.message, 422, None
    active = correctable.active_corrections(contest).get(ref)
    return render_template(
        "admin/correction.html",
        contest=contest,
        subject=subject,
        question=correctable.corrected(to_core(subject.question), active),
        original=to_core(subject.question),
        active=active,
        refused=correctable.refusal(subject),
        distribution=correctable.distribution(subject),
        history=correctable.history(subject),
        entered=entered,
        changes=changes,
        error=error,
        form=form,
    ), status
