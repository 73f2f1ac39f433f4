"""Judged work: the rubric total, every combination rule against a hand-computed example, ranking and awards."""

from __future__ import annotations

import pytest

from quizengine.core.judging import RubricError, awards, categories_from, combine_totals, rubric_total, scale

RUBRIC = categories_from(
    [
        {"key": "innovation", "label": "创新性", "weight": 30, "max": 10},
        {"key": "effect", "label": "实效性", "weight": 50, "max": 20},
        {"key": "writing", "label": "文字表达", "weight": 20, "max": 5},
    ]
)


def test_rubric_total_is_each_share_of_the_maximum_times_its_weight():
    # 8/10 × 30 + 15/20 × 50 + 4/5 × 20 = 24 + 37.5 + 16
    assert rubric_total(RUBRIC, {"innovation": 8, "effect": "15", "writing": 4}) == 77.5
    assert rubric_total(RUBRIC, {"innovation": 10, "effect": 20, "writing": 5}) == scale(RUBRIC) == 100
    assert rubric_total(RUBRIC, {"innovation": 0, "effect": 0, "writing": 0}) == 0


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"innovation": 8, "effect": 15}, "请为「文字表达」打分"),
        ({"innovation": 11, "effect": 15, "writing": 4}, "「创新性」的分数须在 0 到 10 之间"),
        ({"innovation": -1, "effect": 15, "writing": 4}, "「创新性」的分数须在 0 到 10 之间"),
        ({"innovation": "八", "effect": 15, "writing": 4}, "请为「创新性」打分"),
        ({"innovation": "nan", "effect": 15, "writing": 4}, "请为「创新性」打分"),
        ({"innovation": 8, "effect": 15, "writing": 4, "bonus": 5}, "评审表中没有这些评分项：bonus"),
    ],
)
def test_a_missing_out_of_range_or_unknown_score_is_refused_with_its_category(scores, message):
    with pytest.raises(RubricError) as refused:
        rubric_total(RUBRIC, scores)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "评审表至少要有一项评分内容"),
        ([{"key": "A b", "label": "x", "weight": 1, "max": 1}], "第 1 项的代码须为小写字母开头"),
        ([{"key": "a", "label": "x", "weight": 1, "max": 1}] * 2, "第 2 项的代码 a 重复"),
        ([{"key": "a", "label": "创新", "weight": 0, "max": 1}], "第 1 项（创新）的权重须为大于 0"),
        ([{"key": "a", "label": "创新", "weight": 1, "max": "x"}], "第 1 项（创新）的满分须为大于 0"),
    ],
)
def test_a_bad_rubric_is_refused_naming_the_category(raw, message):
    with pytest.raises(RubricError, match=message):
        categories_from(raw)


def test_mean_is_the_plain_mean_and_warns_below_the_minimum_number_of_judges():
    result = combine_totals({"a": {"j1": 80, "j2": 90}, "b": {"j1": 70, "j2": 75, "j3": 77}}, min_judges=3)
    assert result.scores["a"].score == 85
    assert result.scores["a"].warnings == ("只有 2 位评委评分，少于规定的 3 位",)
    assert result.scores["b"].score == 74
    assert result.scores["b"].warnings == ()


def test_trimmed_mean_with_five_judges_drops_the_highest_and_the_lowest():
    # 70, 80, 85, 90, 99: without 70 and 99, (80 + 85 + 90) / 3 = 85 (the plain mean would be 84.8)
    totals = {"case": {"j1": 90, "j2": 70, "j3": 85, "j4": 99, "j5": 80}}
    trimmed = combine_totals(totals, "trimmed_mean").scores["case"]
    assert (trimmed.score, trimmed.trimmed, trimmed.judges, trimmed.warnings) == (85, True, 5, ())
    assert combine_totals(totals, "mean").scores["case"].score == 84.8


def test_trimmed_mean_with_four_judges_is_the_plain_mean_with_a_warning():
    # 70, 80, 90, 100: nothing dropped, (70 + 80 + 90 + 100) / 4 = 85
    combined = combine_totals({"case": {"j1": 70, "j2": 80, "j3": 90, "j4": 100}}, "trimmed_mean").scores["case"]
    assert (combined.score, combined.trimmed) == (85, False)
    assert combined.warnings == ("评委不足 5 位（4 位），按平均分计算，未去掉最高分和最低分",)


def test_z_scores_weigh_a_severe_judge_like_a_lenient_one_and_map_back_to_the_scale():
    # Judge A (severe) gives w 60, x 80, y 60, z 80: mean 70, sd 10, z = -1, 1, -1, 1.
    # Judge B (lenient) gives w 85, x 95, y 95, z 85: mean 90, sd 5, z = -1, 1, 1, -1.
    # Mean z: w -1, x 1, y 0, z 0. All eight totals: mean 80, sd √(1300 / 8) = 12.7475...
    # Mapped back: w 80 − 12.7475 = 67.2525, x 92.7475, y and z 80 (raw means: 72.5, 87.5, 77.5, 82.5).
    totals = {
        "w": {"A": 60, "B": 85},
        "x": {"A": 80, "B": 95},
        "y": {"A": 60, "B": 95},
        "z": {"A": 80, "B": 85},
    }
    sd = (1300 / 8) ** 0.5
    result = combine_totals(totals, normalise=True, min_judges=2)
    assert {k: c.score for k, c in result.scores.items()} == pytest.approx(
        {"w": 80 - sd, "x": 80 + sd, "y": 80, "z": 80}
    )
    assert result.warnings == []
    plain = combine_totals(totals, min_judges=2)
    assert {k: c.score for k, c in plain.scores.items()} == {"w": 72.5, "x": 87.5, "y": 77.5, "z": 82.5}


def test_a_judge_who_cannot_be_normalised_counts_zero_with_a_warning():
    # C scored once: z 0. D gave equal totals: z 0 for both. A: 60 → -1, 80 → 1.
    totals = {"p": {"A": 60, "C": 99, "D": 70}, "q": {"A": 80, "D": 70}}
    result = combine_totals(totals, normalise=True, min_judges=1, judge_names={"C": "评委丙", "D": "评委丁"})
    assert result.warnings == [
        "评委 评委丙 只评了 1 份，无法标准化，其评分按平均水平（0）计",
        "评委 评委丁 给出的总分全部相同，无法标准化，其评分按平均水平（0）计",
    ]
    raw = [60, 99, 70, 80, 70]
    centre = sum(raw) / 5
    sd = (sum((t - centre) ** 2 for t in raw) / 5) ** 0.5
    assert result.scores["p"].score == pytest.approx(centre + (-1 + 0 + 0) / 3 * sd)
    assert result.scores["q"].score == pytest.approx(centre + (1 + 0) / 2 * sd)


def test_trimmed_mean_of_z_scores_drops_the_extremes_after_normalising():
    # Five judges each score e1 and e2; every judge's z is -1 / +1, so each entrant's trimmed z is the middle three.
    totals = {"e1": {f"j{i}": 50 + i for i in range(5)}, "e2": {f"j{i}": 70 + 3 * i for i in range(5)}}
    result = combine_totals(totals, "trimmed_mean", normalise=True)
    raw = [t for by in totals.values() for t in by.values()]
    centre = sum(raw) / 10
    sd = (sum((t - centre) ** 2 for t in raw) / 10) ** 0.5
    assert result.scores["e1"].score == pytest.approx(centre - sd)
    assert result.scores["e2"].score == pytest.approx(centre + sd)
    assert result.scores["e1"].trimmed


def test_an_entrant_nobody_scored_has_no_score_and_says_so():
    combined = combine_totals({"a": {}}).scores["a"]
    assert (combined.score, combined.judges, combined.warnings) == (None, 0, ("没有评委评分",))


def test_unknown_rule_is_a_programming_error():
    with pytest.raises(ValueError):
        combine_totals({}, "median")


def test_awards_include_everyone_tied_at_the_cut_off_and_flag_them():
    scores = {"a": 90, "b": 88, "c": 85, "d": 80, "e": 75, "f": 75, "g": 70, "h": None}
    outcome = awards(scores, quota=5)
    by_key = {p.entrant.key: p for p in outcome.placements}
    assert "h" not in by_key  # nobody scored it: no rank, no award
    assert [p.entrant.key for p in outcome.placements if p.award] == ["a", "b", "c", "d", "e", "f"]
    assert [(by_key[k].rank, by_key[k].tied, by_key[k].tied_at_cutoff) for k in "defg"] == [
        (4, False, False),
        (5, True, True),
        (5, True, True),
        (7, False, False),
    ]
    assert outcome.award_exceeded
    assert outcome.warnings == ["名额 5 个，因末位并列评出 6 个，超出名额"]


def test_ties_above_the_cut_off_share_a_rank_without_exceeding_the_quota():
    outcome = awards({"a": 90, "b": 90, "c": 80, "d": 70}, quota=2)
    assert [(p.entrant.key, p.rank, p.award, p.tied_at_cutoff) for p in outcome.placements] == [
        ("a", 1, True, False),
        ("b", 1, True, False),
        ("c", 3, False, False),
        ("d", 4, False, False),
    ]
    assert not outcome.award_exceeded
    assert awards({"a": 1.0, "b": None}, quota=5).warnings == ["有得分的材料只有 1 份，不足名额 5 个"]
    assert awards({}, quota=5).warnings == []
