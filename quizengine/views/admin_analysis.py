"""Item analysis pages (试题分析): a contest's (with its center × topic heat map), a bank's, a group's heat map."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from quizengine.core.itemanalysis import LOW_EFFICIENCY, MIN_PEOPLE, TOO_EASY, TOO_HARD
from quizengine.services.banks import get_bank
from quizengine.services.heatmap import contest_heatmap, group_heatmap
from quizengine.services.item_analysis import bank_analysis, contest_analysis
from quizengine.services.roster import all_groups
from quizengine.views.access import ensure_scope, requires, scoped_contest, user_group_keys

bp = Blueprint("admin_analysis", __name__, url_prefix="/admin")

THRESHOLDS = {"min_people": MIN_PEOPLE, "easy": TOO_EASY, "hard": TOO_HARD, "efficiency": LOW_EFFICIENCY}


def bank_scope() -> set[str] | None:
    """Whose contests a bank's figures come from: an organizer's groups' only; everyone's for others."""
    return user_group_keys() if current_user.role == "organizer" else None


@bp.get("/contests/<int:contest_id>/analysis")
@requires("results.view")
def contest(contest_id: int):
    """A contest's item analysis and its center × policy topic heat map."""
    found = scoped_contest(contest_id, "results.view")
    return render_template(
        "admin/analysis.html",
        contest=found,
        result=contest_analysis(found),
        heatmap=contest_heatmap(found),
        thresholds=THRESHOLDS,
    )


@bp.get("/banks/<key>/analysis")
@requires("bank.view")
def bank(key: str):
    """A bank's questions over the contests that used them: facility, counts and flags for trainers."""
    found = get_bank(key)
    if found is None or found.current_revision is None:
        return render_template("error.html", code=404, message="题库不存在。"), 404
    return render_template(
        "admin/bank_analysis.html",
        bank=found,
        revision=found.current_revision,
        result=bank_analysis(found, bank_scope()),
        thresholds=THRESHOLDS,
        scoped=bank_scope() is not None,
    )


@bp.get("/groups/<key>/heatmap")
@requires("results.view")
def group(key: str):
    """One group's center × policy topic heat map over every contest it took part in."""
    found = next((g for g in all_groups() if g.key == key), None)
    if found is None:
        abort(404)
    ensure_scope("results.view", {found.key})
    heatmap, contests = group_heatmap(found)
    return render_template("admin/group_heatmap.html", group=found, heatmap=heatmap, contests=contests)
