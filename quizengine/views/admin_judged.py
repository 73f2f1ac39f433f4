"""A judged contest (岗位比武) in the web admin: entrants, judges' progress, the standings, open and finish."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.core.judged import COMBINE_RULES, categories_of, rubric_maximum
from quizengine.models.types import utcnow
from quizengine.services import judged
from quizengine.services.errors import Refused
from quizengine.services.judged_board import board_state
from quizengine.services.judged_results import review_of
from quizengine.views.access import requires, scoped_contest
from quizengine.views.forms import ActionForm, EntrantsForm

bp = Blueprint("admin_judged", __name__, url_prefix="/admin/judged")


def _page(contest, form, problems=()):
    review = review_of(contest)
    categories = categories_of(review.rubric.categories)
    page = render_template(
        "admin/judged.html",
        contest=contest,
        review=review,
        categories=categories,
        maximum=rubric_maximum(categories),
        rule=COMBINE_RULES[review.combine],
        progress=judged.judges_progress(contest),
        state=board_state(contest),
        board_url=url_for("judge_contests.board", contest_id=contest.id, key=contest.board_key, _external=True),
        form=form,
        problems=problems,
        action_form=ActionForm(),
    )
    return page, (422 if problems or form.errors else 200)


@bp.get("/<int:contest_id>")
@requires("contest.edit")
def show(contest_id: int):
    """The judged contest's rubric, entrants with their combined scores, judges' progress and actions."""
    return _page(scoped_contest(contest_id, "contest.edit", mode="judged"), EntrantsForm())


@bp.post("/<int:contest_id>/entrants")
@requires("contest.edit")
def add_entrants(contest_id: int):
    """Add entrants by staff id (`entrants: people`); any unknown id adds nobody."""
    contest = scoped_contest(contest_id, "contest.edit", mode="judged")
    form = EntrantsForm()
    if not form.validate_on_submit():
        return _page(contest, form)
    numbers = [n for n in re.split(r"[\s,，、;；]+", form.staff_numbers.data) if n]
    try:
        problems = judged.add_entrants(contest, numbers, current_user, request.remote_addr or "")
    except Refused as refused:
        problems = [refused.message]
    if problems:
        return _page(contest, form, problems)
    flash(f"已添加 {len(numbers)} 位选手", "ok")
    return redirect(url_for("admin_judged.show", contest_id=contest.id))


@bp.post("/<int:contest_id>/open")
@requires("contest.run")
def open_judging(contest_id: int):
    """Let the judges score."""
    contest = scoped_contest(contest_id, "contest.run", mode="judged")
    if ActionForm().validate_on_submit():
        try:
            judged.open_judged(contest, utcnow(), current_user, request.remote_addr or "")
            flash("已开始评分", "ok")
        except Refused as refused:
            flash(refused.message, "error")
    return redirect(url_for("admin_judged.show", contest_id=contest.id))


@bp.post("/<int:contest_id>/finish")
@requires("contest.run")
def finish(contest_id: int):
    """End the judging: the scores are final."""
    contest = scoped_contest(contest_id, "contest.run", mode="judged")
    if ActionForm().validate_on_submit():
        try:
            judged.finish_judged(contest, utcnow(), current_user, request.remote_addr or "")
            flash("比武已结束，评分已冻结", "ok")
        except Refused as refused:
            flash(refused.message, "error")
    return redirect(url_for("admin_judged.show", contest_id=contest.id))
