"""Item analysis against hand-computed figures (Moodle's classical definitions)."""

from __future__ import annotations

import math

import pytest

from quizengine.core.itemanalysis import MIN_PEOPLE, ItemStats, analyse, flag_text, pool

# Four people, three one-mark items, a perfect staircase:
#            q1 q2 q3  total
#   person 1  1  1  1    3
#   person 2  1  1  0    2
#   person 3  1  0  0    1
#   person 4  0  0  0    0
STAIRCASE = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def test_staircase_figures_match_the_hand_computation():
    analysis = analyse(["q1", "q2", "q3"], [1, 1, 1], STAIRCASE)
    q1, q2, q3 = analysis.items
    # q1: marks 1,1,1,0 (mean 0.75), rest of the test 2,1,0,0 (mean 0.75).
    # V(q1) = (3 x 0.25² + 0.75²) / 3 = 0.25; V(rest) = (1.25² + 0.25² + 2 x 0.75²) / 3 = 2.75 / 3;
    # C = (0.25 x 1.25 + 0.25 x 0.25 - 0.25 x 0.75 + 0.75 x 0.75) / 3 = 0.25.
    assert q1.facility == 0.75
    assert q1.sd == pytest.approx(0.5)
    assert q1.discrimination == pytest.approx(0.25 / math.sqrt(0.25 * 2.75 / 3))  # 0.5222
    # Sorted separately, q1 (0,1,1,1) and the rest (0,0,1,2) pair the same way: Cmax = C.
    assert q1.efficiency == pytest.approx(1.0)
    # q2: marks 1,1,0,0, rest 2,1,1,0: V = 1/3, V(rest) = 2/3, C = 1/3.
    assert (q2.facility, q2.sd) == (0.5, pytest.approx(math.sqrt(1 / 3)))
    assert q2.discrimination == pytest.approx((1 / 3) / math.sqrt(1 / 3 * 2 / 3))  # 0.7071
    assert q3.facility == 0.25 and q3.discrimination == pytest.approx(q1.discrimination)
    # Totals 3,2,1,0: V(X) = 5/3; alpha = 3/2 x (1 - (0.25 + 1/3 + 0.25) / (5/3)) = 0.75.
    test = analysis.test
    assert (test.people, test.mean) == (4, 1.5)
    assert test.sd == pytest.approx(math.sqrt(5 / 3))
    assert test.alpha == pytest.approx(0.75)
    assert test.error_ratio == pytest.approx(0.5)
    assert test.standard_error == pytest.approx(0.5 * math.sqrt(5 / 3))  # 0.6455


def test_efficiency_compares_with_the_sorted_columns():
    # Two one-mark items over five people: x = 1,1,0,1,0 and y = 1,0,1,1,0 (each other's rest).
    # Means 0.6; C(x, y) = (0.16 - 0.24 - 0.24 + 0.16 + 0.36) / 4 = 0.05; V(x) = V(y) = 1.2 / 4 = 0.3.
    # Sorted, both are 0,0,1,1,1: Cmax = 0.3, so D = 0.05 / 0.3, and P = 0.05 / 0.3 too.
    x, y = [1, 1, 0, 1, 0], [1, 0, 1, 1, 0]
    analysis = analyse(["x", "y"], [1, 1], [list(pair) for pair in zip(x, y, strict=True)])
    first = analysis.items[0]
    assert first.discrimination == pytest.approx(1 / 6)
    assert first.efficiency == pytest.approx(1 / 6)
    # Totals 2,1,1,2,0 (mean 1.2): V(X) = (0.64 x 2 + 0.04 x 2 + 1.44) / 4 = 0.7 (= 0.3 + 0.3 + 2 x 0.05);
    # alpha = 2 x (1 - 0.6 / 0.7) = 2/7.
    assert analysis.test.alpha == pytest.approx(2 / 7)


def test_facility_and_sd_are_shares_of_the_items_maximum():
    analysis = analyse(["a", "b"], [10, 5], [[10, 5], [5, 0], [0, 0]])
    a = analysis.items[0]
    assert a.facility == 0.5
    assert a.sd == pytest.approx(5 / 10)  # marks 10, 5, 0: SD 5 of a maximum 10


def test_flags_name_easy_hard_and_negatively_discriminating_items():
    # q_easy: everyone right; q_hard: nobody; q_reverse: only the weakest person right.
    marks = [[1, 0, 1, 1, 0], [1, 0, 1, 0, 0], [1, 0, 0, 0, 1], [1, 0, 0, 0, 0]]
    analysis = analyse(["easy", "hard", "a", "b", "reverse"], [1] * 5, marks)
    flags = {item.key: item.flags for item in analysis.items}
    assert flags["easy"] == ("too_easy",)
    assert flags["hard"] == ("too_hard",)
    assert "negative_discrimination" in flags["reverse"]
    assert analysis.items[4].discrimination < 0
    # No spread means no correlation: nothing is claimed about the easy and hard items.
    assert analysis.items[0].discrimination is None and analysis.items[1].efficiency is None
    assert flag_text("negative_discrimination").startswith("区分度为负")


def test_too_few_people_are_warned_and_one_person_gives_no_estimates():
    analysis = analyse(["q1", "q2"], [1, 1], [[1, 0]])
    assert analysis.warnings == [f"只有 1 人作答（少于 {MIN_PEOPLE} 人），以下统计数字参考意义有限"]
    assert analysis.items[0].facility == 1.0
    assert (analysis.items[0].sd, analysis.items[0].discrimination, analysis.test.alpha) == (None, None, None)
    many = analyse(["q1", "q2"], [1, 1], [[1, 0], [0, 1]] * (MIN_PEOPLE // 2))
    assert many.warnings == []


def test_rows_must_have_a_mark_per_item():
    with pytest.raises(ValueError):
        analyse(["q1", "q2"], [1, 1], [[1]])


# A drawn paper: three people, two questions each out of three (None: not given).
#            a  b  c   total
#   person 1 1  1  -     2
#   person 2 1  -  0     1
#   person 3 -  0  0     0
DRAWN = [[1, 1, None], [1, None, 0], [None, 0, 0]]
DRAWN_SLOTS = [[1, 1], [1, 0], [0, 0]]


def test_a_drawn_item_is_analysed_among_the_people_who_had_it():
    analysis = analyse(["a", "b", "c"], [1, 1, 1], DRAWN, slots=DRAWN_SLOTS)
    a, b, c = analysis.items
    assert (a.people, b.people, c.people) == (2, 2, 2)
    # a: persons 1 and 2 both right (facility 1, no spread); b: 1 right of persons 1 and 3.
    assert (a.facility, a.discrimination) == (1.0, None)
    assert b.facility == 0.5
    # b against the rest of the test: marks 1, 0 with rests 1, 0: a perfect correlation.
    assert b.discrimination == pytest.approx(1.0)
    assert c.facility == 0.0 and c.flags == ("too_hard",)
    # The test from the slots: slot 1 = 1,1,0 (V 1/3), slot 2 = 1,0,0 (V 1/3), totals 2,1,0 (V 1): alpha = 2 x 1/3.
    assert analysis.test.alpha == pytest.approx(2 / 3)
    assert analysis.test.mean == 1.0


def test_with_items_missing_and_no_slots_no_alpha_is_claimed():
    assert analyse(["a", "b", "c"], [1, 1, 1], DRAWN).test.alpha is None


def test_slots_must_add_up_to_the_same_test_scores():
    with pytest.raises(ValueError):
        analyse(["a", "b", "c"], [1, 1, 1], DRAWN, slots=[[1, 1], [1, 1], [0, 0]])


def test_items_drawn_for_too_few_people_are_warned_about_even_when_the_test_is_large():
    # Everyone has `common`; the second question is `rare` for the first person, `other` for everyone else.
    marks = [[i % 2, 1 if i == 0 else None, None if i == 0 else 0] for i in range(2 * MIN_PEOPLE)]
    slots = [[row[0], row[1] if row[1] is not None else row[2]] for row in marks]
    analysis = analyse(["common", "rare", "other"], [1, 1, 1], marks, slots=slots)
    assert analysis.items[1].people == 1
    assert analysis.warnings == [
        f"每人抽到的题不同，有 1 道题抽到的人少于 {MIN_PEOPLE} 人，这些题的统计数字参考意义有限"
    ]


def test_pooling_weights_facility_by_people_and_keeps_a_negative_discrimination_anywhere():
    live = ItemStats("q", facility=0.75, sd=None, discrimination=0.4, efficiency=None, people=4)
    paper = ItemStats("q", facility=0.5, sd=None, discrimination=-0.2, efficiency=None, people=12)
    pooled = pool("q", [("LIVE", live), ("PAPER", paper)])
    assert pooled.people == 16
    assert pooled.facility == pytest.approx((0.75 * 4 + 0.5 * 12) / 16)
    assert pooled.flags == ("negative_discrimination",) and pooled.negative_in == ("PAPER",)
    easy = pool("q", [("A", ItemStats("q", 0.95, None, None, None, people=40))])
    assert easy.flags == ("too_easy",)
    assert pool("q", []).facility is None
