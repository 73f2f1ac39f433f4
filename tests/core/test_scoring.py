"""Scoring rules and rankings, computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizengine.core.draw import DrawError, DrawSpec, draw
from quizengine.core.questions import Question, QuestionKind
from quizengine.core.ranking import Standing, rank_centers, rank_people
from quizengine.core.scoring import RoundRule, score_answer, speed_points

SINGLE = Question("s", QuestionKind.SINGLE, "?", ("B",), (("A", "甲"), ("B", "乙")), points=100)
MULTI = Question("m", QuestionKind.MULTIPLE, "?", ("A", "C"), (("A", "1"), ("B", "2"), ("C", "3")), points=100)


@pytest.mark.parametrize(
    ("elapsed_ms", "expected"),
    [(0, 100), (499, 100), (500, 98), (5_000, 75), (10_000, 50), (20_000, 50)],
)
def test_speed_points_fall_from_full_to_half_over_the_time_limit(elapsed_ms, expected):
    assert speed_points(100, elapsed_ms, 10) == expected


def test_speed_rule_wrong_answer_earns_nothing():
    rule = RoundRule()
    assert score_answer(SINGLE, "B", rule, elapsed_ms=5_000, time_limit_s=10).points == 75
    assert score_answer(SINGLE, "A", rule, elapsed_ms=100, time_limit_s=10).points == 0


def test_fixed_rule_ignores_time_and_partial_gives_half():
    fixed = RoundRule(scoring="fixed", partial=True)
    assert score_answer(MULTI, ["A", "C"], fixed, elapsed_ms=9_000, time_limit_s=10).points == 100
    assert score_answer(MULTI, ["A"], fixed, elapsed_ms=9_000, time_limit_s=10).points == 50
    assert score_answer(MULTI, ["A", "B"], fixed, elapsed_ms=9_000, time_limit_s=10).points == 0
    strict = RoundRule(scoring="fixed")
    assert score_answer(MULTI, ["A"], strict, elapsed_ms=0, time_limit_s=10).points == 0


def test_buzzer_and_risk_win_or_lose():
    buzzer = RoundRule(kind="buzzer", points=20)
    assert score_answer(SINGLE, "B", buzzer, elapsed_ms=0, time_limit_s=10).points == 20
    assert score_answer(SINGLE, "A", buzzer, elapsed_ms=0, time_limit_s=10).points == -20
    risk = RoundRule(kind="risk", stakes=(10, 20, 30))
    assert score_answer(SINGLE, "B", risk, elapsed_ms=0, time_limit_s=10, stake=30).points == 30
    assert score_answer(SINGLE, "A", risk, elapsed_ms=0, time_limit_s=10, stake=30).points == -30
    assert score_answer(SINGLE, "A", risk, elapsed_ms=0, time_limit_s=10).points == -10


T0 = datetime(2021, 9, 1, 9, 0, tzinfo=UTC)


def test_ranking_tie_break_order_and_shared_ranks():
    standings = [
        Standing(1, "甲", "c1", score=100, correct=5, total_time_ms=9000, last_answer_at=T0),
        Standing(2, "乙", "c1", score=100, correct=6, total_time_ms=9000, last_answer_at=T0),
        Standing(3, "丙", "c2", score=100, correct=6, total_time_ms=8000, last_answer_at=T0),
        Standing(4, "丁", "c2", score=100, correct=6, total_time_ms=8000, last_answer_at=T0 - timedelta(seconds=1)),
        Standing(5, "戊", "c3", score=100, correct=6, total_time_ms=8000, last_answer_at=T0 - timedelta(seconds=1)),
        Standing(6, "己", "c3", score=120, correct=1, total_time_ms=99000, last_answer_at=T0),
    ]
    ranked = [(r.rank, r.standing.name) for r in rank_people(standings)]
    assert ranked == [(1, "己"), (2, "丁"), (2, "戊"), (4, "丙"), (5, "乙"), (6, "甲")]


def test_center_rules_with_participation():
    people = [Standing(1, "a", "c1", score=90), Standing(2, "b", "c1", score=30), Standing(3, "c", "c2", score=80)]
    roster = {"c1": 2, "c2": 4, "c3": 5}
    mean = {c.center: (c.rank, c.score, c.participation) for c in rank_centers(people, roster, "mean")}
    assert mean == {"c2": (1, 80.0, 0.25), "c1": (2, 60.0, 1.0), "c3": (None, 0.0, 0.0)}
    total = {c.center: c.score for c in rank_centers(people, roster, "sum")}
    assert total == {"c1": 120.0, "c2": 80.0, "c3": 0.0}
    top1 = {c.center: c.score for c in rank_centers(people, roster, "top_n_mean", top_n=1)}
    assert top1["c1"] == 90.0
    weighted = {c.center: c.score for c in rank_centers(people, roster, "participation_weighted")}
    assert weighted == {"c1": 60.0, "c2": 20.0, "c3": 0.0}


def test_centers_nobody_joined_from_rank_after_negative_ones():
    people = [Standing(1, "a", "c1", score=-20), Standing(2, "b", "c2", score=10)]
    ranked = [(c.rank, c.center) for c in rank_centers(people, {"c1": 3, "c2": 3, "c3": 3, "c4": 3})]
    assert ranked == [(1, "c2"), (2, "c1"), (None, "c3"), (None, "c4")]


def test_draws_are_reproducible_and_independent_of_pool_order():
    pool = [
        Question(f"q{i:02d}", QuestionKind.JUDGE, "?", ("true",), tags=("t",) if i % 2 else (), difficulty=i % 5 + 1)
        for i in range(30)
    ]
    spec = DrawSpec(count=5, seed=42, tags=("t",))
    first = [q.id for q in draw(pool, spec)]
    assert first == [q.id for q in draw(list(reversed(pool)), spec)]
    assert all(int(q[1:]) % 2 for q in first)
    assert first != [q.id for q in draw(pool, DrawSpec(count=5, seed=43, tags=("t",)))]
    with pytest.raises(DrawError):
        draw(pool, DrawSpec(count=16, seed=1, tags=("t",)))


def test_every_round_kind_and_rule_has_a_chinese_name():
    from quizengine.core.scoring import ROUND_KIND_LABELS, ROUND_KINDS, SCORING_RULES, round_rule_label

    assert set(ROUND_KIND_LABELS) == set(ROUND_KINDS)
    assert round_rule_label("mandatory", "speed").startswith("按速度计分")
    assert round_rule_label("mandatory", "fixed") == "答对得全分"
    assert all(not round_rule_label(kind, rule).isascii() for kind in ROUND_KINDS for rule in SCORING_RULES)
