"""The judges' pages (评委评分, /judge/): phone-first; the reviews I judge, the submissions to score, the score form.

Every submission comes through services.judge_access, so a conflicted (回避)
or unassigned one is a 404 like one that does not exist; in a blind review the
pages show only services.blind's copy (no center, person, file name or file).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.core.judging import categories_from
from quizengine.models.types import utcnow
from quizengine.services import blind, judge_access
from quizengine.services.errors import Refused
from quizengine.views.access import requires
from quizengine.views.judging_forms import JudgeScoreForm

bp = Blueprint("judge", __name__, url_prefix="/judge")


def _review(review_id: int):
    try:
        return judge_access.review_for_judge(review_id, current_user)
    except Refused:
        abort(404)


def _shown(points) -> str:
    """Points as the input shows them: 8, not 8.0."""
    return f"{points:g}" if isinstance(points, int | float) else ""


@bp.get("/")
@requires("judging.score")
def index():
    """The reviews I judge, with how many I have scored."""
    rows = []
    for review in judge_access.judge_reviews(current_user):
        mine = judge_access.submissions_for_judge(review, current_user)
        rows.append((review, len(mine), len(judge_access.my_scores(review, current_user))))
    return render_template("judge/index.html", rows=rows)


@bp.get("/reviews/<int:review_id>")
@requires("judging.score")
def review(review_id: int):
    """The submissions I score in a review, each 未评 or 已评."""
    review = _review(review_id)
    redactor = blind.roster_redactor() if review.blind else None
    submissions = judge_access.submissions_for_judge(review, current_user)
    copies = [blind.judge_copy(review, s, redactor) for s in submissions]
    return render_template(
        "judge/review.html", review=review, copies=copies, scored=judge_access.my_scores(review, current_user)
    )


@bp.route("/reviews/<int:review_id>/submissions/<int:submission_id>", methods=["GET", "POST"])
@requires("judging.score")
def score(review_id: int, submission_id: int):
    """A submission as I may see it and my score on the review's rubric; saved again until the review closes."""
    review = _review(review_id)
    try:
        submission = judge_access.submission_for_judge(review, current_user, submission_id)
    except Refused:
        abort(404)
    categories = categories_from(review.rubric.categories)
    mine = judge_access.my_scores(review, current_user).get(submission.id)
    form = JudgeScoreForm()
    values = {c.key: _shown(mine.scores.get(c.key)) if mine else "" for c in categories}
    error = None
    if request.method == "POST":
        values = {c.key: request.form.get(f"score-{c.key}", "")[:32] for c in categories}
        if not form.validate_on_submit():
            error = next(iter(form.errors.values()))[0]
        else:
            try:
                judge_access.save_score(review, current_user, submission.id, values, form.comment.data, utcnow())
            except Refused as refused:
                error = refused.message
            else:
                flash("评分已保存", "ok")
                return redirect(url_for("judge.review", review_id=review.id))
    elif mine:
        form.comment.data = mine.comment
    page = render_template(
        "judge/score.html",
        review=review,
        copy=blind.judge_copy(review, submission),
        categories=categories,
        values=values,
        form=form,
        mine=mine,
        error=error,
        open=review.closed_at is None,
    )
    return page, (422 if error else 200)
