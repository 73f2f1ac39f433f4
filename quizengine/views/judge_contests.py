"""Judges score a judged contest (岗位比武) from their phones; the projector shows the combined scores.

A judge sees only the contests they judge and, in them, only the entrants
not of their own center or bureau (回避, services.judged): anything else is
a 404 and writes nothing.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.core.judged import COMBINE_RULES, categories_of
from quizengine.models.types import utcnow
from quizengine.services import judged
from quizengine.services.contests import get_contest
from quizengine.services.errors import Refused
from quizengine.services.judged_board import board_state
from quizengine.views.access import requires
from quizengine.views.forms import rubric_form

bp = Blueprint("judge_contests", __name__)


@bp.get("/judge/contests/")
@requires("judging.score")
def index():
    """The judged contests this judge scores."""
    return render_template("judge/contests.html", contests=judged.judged_contests_of(current_user))


def _mine(contest_id: int):
    found = judged.judge_contest(contest_id, current_user)
    if found is None:
        abort(404)
    return found


@bp.get("/judge/contests/<int:contest_id>")
@requires("judging.score")
def contest(contest_id: int):
    """The entrants this judge may score, with what they have scored so far."""
    contest, review = _mine(contest_id)
    mine = judged.my_scores(review, current_user)
    rows = [(e, mine.get((e.kind, e.id))) for e in judged.visible_entrants(contest, current_user)]
    return render_template("judge/contest.html", contest=contest, review=review, rows=rows)


@bp.route("/judge/contests/<int:contest_id>/<any(people, centers):kind>/<int:entrant_id>", methods=["GET", "POST"])
@requires("judging.score")
def score(contest_id: int, kind: str, entrant_id: int):
    """The rubric form for one entrant; saving replaces this judge's earlier score while the contest is open."""
    contest, review = _mine(contest_id)
    entrant = judged.visible_entrant(contest, current_user, kind, entrant_id)
    if entrant is None:
        abort(404)
    categories = categories_of(review.rubric.categories)
    stored = judged.my_scores(review, current_user).get((kind, entrant_id))
    data = {f"c_{k}": v for k, v in stored.scores.items()} | {"comment": stored.comment} if stored else None
    form = rubric_form(categories, data=data) if request.method == "GET" else rubric_form(categories, request.form)
    if request.method == "POST" and form.validate():
        points = {c.key: form[f"c_{c.key}"].data for c in categories}
        try:
            judged.save_score(contest, current_user, kind, entrant_id, points, utcnow(), form.comment.data or "")
            flash(f"已保存对「{entrant.name}」的评分", "ok")
            return redirect(url_for("judge_contests.contest", contest_id=contest.id))
        except Refused as refused:
            if refused.code == "not_found":
                abort(404)
            form.comment.errors = [*form.comment.errors, refused.message]
    fields = [(c, form[f"c_{c.key}"]) for c in categories]
    page = render_template(
        "judge/contest_score.html", contest=contest, entrant=entrant, form=form, fields=fields, stored=stored
    )
    return page, (422 if request.method == "POST" else 200)


def _board_contest(contest_id: int):
    """A judged contest whose board key the link carries; 404 otherwise."""
    contest = get_contest(contest_id)
    key = request.args.get("key", "")
    if contest is None or contest.mode != "judged" or not secrets.compare_digest(key, contest.board_key):
        abort(404)
    return contest, key


@bp.get("/board/judged/<int:contest_id>")
def board(contest_id: int):
    """The projector page of a judged contest (polls `board_json` every 2 seconds)."""
    contest, key = _board_contest(contest_id)
    return render_template(
        "judge/board.html", contest=contest, board_key=key, state=board_state(contest), rules=COMBINE_RULES
    )


@bp.get("/board/judged/<int:contest_id>/state.json")
def board_json(contest_id: int):
    """The combined scores, judges' counts and ranking as JSON (services.judged_board.board_state)."""
    contest, _ = _board_contest(contest_id)
    response = jsonify(board_state(contest))
    response.headers["Cache-Control"] = "no-store"
    return response
