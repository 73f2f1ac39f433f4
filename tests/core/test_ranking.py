"""core.ranking: centers nobody joined from, the podium, accuracy without answers (issue 13)."""

from __future__ import annotations

from quizengine.core.ranking import Standing, podium_centers, podium_people, rank_centers, rank_people


def test_a_center_nobody_joined_from_has_no_rank_and_follows_every_center_with_players():
    people = [Standing(1, "a", "c1", score=-20), Standing(2, "b", "c2", score=0)]
    centers = rank_centers(people, {"c1": 3, "c2": 3, "c0": 5})
    assert [(c.rank, c.center, c.joined) for c in centers] == [(1, "c2", 1), (2, "c1", 1), (None, "c0", 0)]


def test_when_nobody_of_a_group_took_part_no_center_is_first():
    centers = rank_centers([], {"c1": 3, "c2": 4, "c3": 2}, "participation_weighted")
    assert [c.rank for c in centers] == [None, None, None]
    assert [c.center for c in centers] == ["c1", "c2", "c3"]


def test_centers_with_equal_figures_share_a_rank_but_not_with_empty_ones():
    people = [Standing(1, "a", "c1", score=0), Standing(2, "b", "c2", score=0)]
    centers = rank_centers(people, {"c1": 1, "c2": 1, "c3": 1})
    assert [(c.rank, c.center) for c in centers] == [(1, "c1"), (1, "c2"), (None, "c3")]


def test_a_center_nobody_joined_from_is_never_on_the_podium():
    people = [Standing(1, "a", "c1", score=30), Standing(2, "b", "c2", score=10)]
    centers = rank_centers(people, {"c1": 2, "c2": 2, "c3": 2, "c4": 2})
    assert [c.center for c in podium_centers(centers)] == ["c1", "c2"]


def test_the_center_podium_takes_three_and_no_figure_of_zero_or_less():
    people = [Standing(i, str(i), f"c{i}", score=s) for i, s in enumerate([40, 30, 20, 10], 1)]
    assert [c.center for c in podium_centers(rank_centers(people, {}))] == ["c1", "c2", "c3"]
    people = [Standing(1, "a", "c1", score=10), Standing(2, "b", "c2", score=-5)]
    assert [c.center for c in podium_centers(rank_centers(people, {}))] == ["c1"]


def test_people_with_a_total_of_zero_or_less_win_no_podium_place():
    people = rank_people(
        [
            Standing(1, "甲", "c1", score=40, correct=2, answered=2),
            Standing(2, "乙", "c1", score=-20, correct=0, answered=1),
            Standing(3, "丙", "c2", score=0),
        ]
    )
    # the standings keep the real scores and rank by them: 0 (nothing answered) before -20
    assert [(r.rank, r.standing.name, r.standing.score) for r in people] == [
        (1, "甲", 40),
        (2, "丙", 0),
        (3, "乙", -20),
    ]
    assert [r.standing.name for r in podium_people(people)] == ["甲"]


def test_the_people_podium_is_the_first_three_with_a_positive_score():
    people = rank_people([Standing(i, str(i), "c", score=100 - i) for i in range(1, 6)])
    assert [r.standing.player_id for r in podium_people(people)] == [1, 2, 3]
    assert podium_people(rank_people([])) == []


def test_accuracy_is_blank_without_answers():
    assert Standing(1, "a", "c").accuracy is None
    assert Standing(1, "a", "c", correct=1, answered=4).accuracy == 0.25
    assert Standing(1, "a", "c", correct=0, answered=2).accuracy == 0.0


def test_every_center_rule_has_a_chinese_name():
    from quizengine.core.ranking import CENTER_RULES, center_rule_label

    assert center_rule_label("top_n_mean", 5) == "前 5 名平均分"
    assert center_rule_label("mean") == "参赛者平均分"
    assert all(center_rule_label(rule) and not center_rule_label(rule).isascii() for rule in CENTER_RULES)
