"""The judged scoring rules against hand-computed examples: rubric totals, conflicts and every combination rule."""

from __future__ import annotations

import pytest

from quizengine.core.judged import Category, combine_scores, in_conflict, points_problems, rubric_maximum, rubric_total

RUBRIC = [Category("skill", "业务技能", 60, 10), Category("teamwork", "团队配合", 40, 5)]


def test_rubric_total_weighs_each_category_by_its_share_of_its_maximum():
    # 60 * 8/10 + 40 * 3/5 = 48 + 24
    assert rubric_total(RUBRIC, {"skill": 8, "teamwork": 3}) == 72
    assert rubric_maximum(RUBRIC) == 100


def test_points_missing_or_out_of_range_are_named_per_category():
    problems = points_problems(RUBRIC, {"skill": 11, "teamwork": None})
    assert problems == {"skill": "「业务技能」的分数应在 0 到 10 之间", "teamwork": "请给「团队配合」打分"}
    assert points_problems(RUBRIC, {"skill": 0, "teamwork": 5}) == {}


def test_a_judge_stands_aside_for_their_own_center_or_bureau_only():
    assert in_conflict(7, "", 7, "区民政局")
    assert in_conflict(None, "区民政局", 3, "区民政局")
    assert not in_conflict(7, "区府办", 3, "区民政局")
    assert not in_conflict(None, "", 3, "")  # no bureau on either side is no conflict


def test_mean_of_the_judges_totals():
    result = combine_scores({"a": {1: 80, 2: 90, 3: 85.5}}, "mean", min_judges=3)
    assert (result["a"].score, result["a"].judges, result["a"].too_few) == (85.17, 3, False)


def test_trimmed_mean_with_five_judges_drops_the_highest_and_the_lowest():
    # 70 and 95 dropped: (80 + 85 + 90) / 3 = 85
    result = combine_scores({"a": {1: 70, 2: 80, 3: 85, 4: 90, 5: 95}}, "trimmed_mean")
    assert result["a"].score == 85


def test_trimmed_mean_with_four_judges_is_the_plain_mean():
    # (70 + 80 + 85 + 95) / 4 = 82.5: too few judges to drop any
    result = combine_scores({"a": {1: 70, 2: 80, 3: 85, 4: 95}}, "trimmed_mean")
    assert result["a"].score == 82.5


def test_z_scores_make_a_severe_judge_weigh_the_same_as_a_lenient_one():
    # Judge 1 gives 60/70, judge 2 gives 80/90: the same opinion on different scales.
    # Each judge's z-scores are -1 (x) and +1 (y); all totals: mean 75, population sd sqrt(125) = 11.18.
    totals = {"x": {1: 60, 2: 80}, "y": {1: 70, 2: 90}}
    result = combine_scores(totals, "mean", normalise=True)
    assert result["x"].score == 63.82  # 75 - 11.18
    assert result["y"].score == 86.18  # 75 + 11.18


def test_z_scores_change_the_order_a_plain_mean_would_give():
    # Judge 1 is severe (50, 60) and scored y higher; judge 2 is lenient (95, 90) and scored x higher.
    totals = {"x": {1: 50, 2: 95}, "y": {1: 60, 2: 90}}
    plain = combine_scores(totals, "mean")
    assert plain["x"].score == 72.5 and plain["y"].score == 75
    normalised = combine_scores(totals, "mean", normalise=True)
    assert normalised["x"].score == normalised["y"].score  # each judge's +1 and -1 cancel out


def test_too_few_judges_is_flagged_and_nobody_scored_is_none():
    result = combine_scores({"a": {1: 80}, "b": {}}, "mean", min_judges=2)
    assert (result["a"].score, result["a"].too_few) == (80, True)
    assert (result["b"].score, result["b"].judges) == (None, 0)


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        combine_scores({}, "median")
