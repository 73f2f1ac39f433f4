"""The final selection: eligibility boundaries, weighted parts, quotas and ties at the cut-off."""

from __future__ import annotations

from datetime import date

import pytest

from quizengine.core.selection import (
    Entrant,
    Part,
    PartScore,
    Rules,
    combine,
    combine_by_group,
    person_reasons,
)

REFERENCE = date(2021, 9, 30)


def codes(reasons):
    return [r.code for r in reasons]


@pytest.mark.parametrize(
    ("since", "until", "at_window", "expected"),
    [
        (date(2020, 9, 30), None, True, []),  # exactly one year counts
        (date(2020, 10, 1), None, True, ["under_one_year"]),  # one day short
        (date(2019, 3, 1), date(2021, 9, 29), False, ["left_window"]),  # left the day before
        (date(2019, 3, 1), date(2021, 9, 30), False, []),  # still at a window on the reference date
        (date(2019, 3, 1), date(2021, 10, 15), False, []),  # left after the reference date
        (None, None, True, ["start_unknown"]),
        (date(2019, 3, 1), None, False, ["left_window_date_unknown"]),
        (None, date(2021, 1, 1), False, ["start_unknown", "left_window"]),
    ],
)
def test_eligibility_on_the_reference_date(since, until, at_window, expected):
    assert codes(person_reasons(since, until, at_window, REFERENCE)) == expected


def test_a_start_on_29_february_counts_a_year_on_28_february():
    assert person_reasons(date(2020, 2, 29), None, True, date(2021, 2, 28)) == ()
    assert codes(person_reasons(date(2020, 2, 29), None, True, date(2021, 2, 27))) == ["under_one_year"]


def test_reasons_are_given_in_chinese_with_their_dates():
    (why,) = person_reasons(date(2020, 10, 1), None, True, REFERENCE)
    assert why.text == "截至 2021-09-30 在窗口工作不满一年（2020-10-01 起）"
    (why,) = person_reasons(date(2019, 3, 1), date(2021, 6, 30), False, REFERENCE)
    assert why.text == "已于 2021-06-30 离开窗口工作"


WRITTEN = Part("paper", "笔试", 40, maximum=100)
LIVE = Part("live", "现场竞赛", 60, maximum=200)


def people(*keys, group="g1", reasons=None):
    reasons = reasons or {}
    return [Entrant(k, k, f"{k}中心", group, tuple(reasons.get(k, ()))) for k in keys]


def test_parts_are_normalised_by_their_maximum_then_weighted_and_an_absence_counts_zero():
    scores = {"paper": {"A": PartScore(80), "B": PartScore(90)}, "live": {"A": PartScore(150)}}
    outcome = combine(people("A", "B"), [WRITTEN, LIVE], scores, Rules(award=10, recommend=8))
    a, b = outcome.placements
    assert (a.entrant.key, a.total, a.rank) == ("A", 77.0, 1)  # 0.8 x 40 + 0.75 x 60
    assert (b.entrant.key, b.total, b.rank) == ("B", 36.0, 2)  # 0.9 x 40 + absent live
    assert [(p.key, p.absent, p.normalised) for p in b.parts] == [("paper", False, 0.9), ("live", True, 0.0)]
    assert a.award and b.award and not outcome.award_exceeded


def test_share_of_top_divides_by_the_best_score_reached():
    part = Part("live", "现场竞赛", 100, normalise="share_of_top")
    outcome = combine(people("A", "B"), [part], {"live": {"A": PartScore(120), "B": PartScore(60)}}, Rules(1, 1))
    assert [p.total for p in outcome.placements] == [100.0, 50.0]


def test_a_share_of_max_part_without_a_maximum_is_refused():
    with pytest.raises(ValueError, match="maximum"):
        combine(people("A"), [Part("x", "x", 1)], {"x": {"A": PartScore(1)}}, Rules(1, 1))


def ranked(outcome):
    return [(p.entrant.key, p.rank, p.award, p.recommended, p.tied, p.tied_at_cutoff) for p in outcome.placements]


def test_ties_at_the_award_cut_off_are_all_included_and_the_quota_is_exceeded():
    scores = {"paper": {"A": PartScore(90), "B": PartScore(80), "C": PartScore(80), "D": PartScore(70)}}
    outcome = combine(people("A", "B", "C", "D"), [Part("paper", "笔试", 100, 100)], scores, Rules(2, 1))
    assert ranked(outcome) == [
        ("A", 1, True, True, False, False),
        ("B", 2, True, False, True, True),
        ("C", 2, True, False, True, True),
        ("D", 4, False, False, False, False),
    ]
    assert outcome.award_exceeded and outcome.awarded == 3
    assert outcome.warnings == ["名额 2 个，因末位并列评出 3 个，超出名额"]


def test_the_tie_break_chain_separates_by_the_heavier_part_then_correct_answers_then_time():
    scores = {
        # B, C and D all total 50: 0.5 x 40 + 0.5 x 60 (B, D) and 0.8 x 40 + 0.3 x 60 (C).
        "paper": {"A": PartScore(100), "B": PartScore(50), "C": PartScore(80), "D": PartScore(50, correct=5)},
        "live": {"A": PartScore(200), "B": PartScore(100), "C": PartScore(60), "D": PartScore(100, correct=6)},
    }
    rules = Rules(award=2, recommend=1, tie_mode="tie_break")
    outcome = combine(people("A", "B", "C", "D"), [WRITTEN, LIVE], scores, rules)
    assert [(p.entrant.key, p.total, p.rank) for p in outcome.placements] == [
        ("A", 100.0, 1),
        ("D", 50.0, 2),  # equal to B in both parts, more correct answers
        ("B", 50.0, 3),  # better than C in the heavier live part
        ("C", 50.0, 4),
    ]
    assert [p.entrant.key for p in outcome.placements if p.award] == ["A", "D"]
    assert not outcome.award_exceeded


def test_entrants_still_equal_after_the_chain_are_included_and_flagged():
    scores = {"paper": {k: PartScore(80, correct=8, time_ms=1000) for k in "ABC"}}
    rules = Rules(award=2, recommend=2, tie_mode="tie_break")
    outcome = combine(people("A", "B", "C"), [Part("paper", "笔试", 100, 100)], scores, rules)
    assert [(p.rank, p.award, p.tied_at_cutoff) for p in outcome.placements] == [(1, True, True)] * 3
    assert outcome.award_exceeded and outcome.recommend_exceeded


def test_ineligible_people_keep_their_rank_and_reason_and_the_next_eligible_is_awarded():
    left = person_reasons(date(2019, 3, 1), date(2021, 6, 30), False, REFERENCE)
    scores = {"paper": {"A": PartScore(95), "B": PartScore(90), "C": PartScore(85)}}
    entrants = people("A", "B", "C", reasons={"A": left})
    outcome = combine(entrants, [Part("paper", "笔试", 100, 100)], scores, Rules(2, 1))
    first = outcome.placements[0]
    assert (first.entrant.key, first.rank, first.eligible, first.award) == ("A", 1, False, False)
    assert codes(first.reasons) == ["left_window"]
    assert [(p.entrant.key, p.award, p.recommended) for p in outcome.placements[1:]] == [
        ("B", True, True),
        ("C", True, False),
    ]


def test_someone_in_no_part_wins_nothing_and_a_short_field_is_warned():
    outcome = combine(people("A", "B"), [WRITTEN], {"paper": {"A": PartScore(10)}}, Rules(award=4, recommend=2))
    b = outcome.placements[1]
    assert (b.entrant.key, b.award, codes(b.reasons)) == ("B", False, ["no_part"])
    assert outcome.warnings == ["符合条件的只有 1 个，不足名额 4 个"]


def test_recommendation_ties_among_the_awarded_are_included_too():
    scores = {"paper": {"A": PartScore(90), "B": PartScore(90), "C": PartScore(80)}}
    outcome = combine(people("A", "B", "C"), [Part("paper", "笔试", 100, 100)], scores, Rules(award=3, recommend=1))
    assert [(p.award, p.recommended) for p in outcome.placements] == [(True, True), (True, True), (True, False)]
    assert outcome.recommend_exceeded and not outcome.award_exceeded


def test_per_group_scope_ranks_and_awards_within_each_group():
    entrants = people("A", "B", group="g1") + people("C", "D", group="g2")
    scores = {"paper": {"A": PartScore(50), "B": PartScore(40), "C": PartScore(30), "D": PartScore(20)}}
    outcomes = combine_by_group(entrants, [Part("paper", "笔试", 100, 100)], scores, Rules(1, 1), ["g1", "g2"])
    assert [(o.group, [(p.entrant.key, p.rank, p.award) for p in o.placements]) for o in outcomes] == [
        ("g1", [("A", 1, True), ("B", 2, False)]),
        ("g2", [("C", 1, True), ("D", 2, False)]),
    ]


def test_a_part_of_several_contests_normalises_each_score_within_its_own_contest():
    part = Part("live", "现场竞赛", 100, normalise="share_of_top")
    scores = {
        "live": {
            "A": PartScore(200, source="G1"),
            "B": PartScore(100, source="G1"),
            "C": PartScore(50, source="G2"),  # the best of group 2's contest
        }
    }
    outcome = combine(people("A", "B", "C"), [part], scores, Rules(3, 3))
    assert [(p.entrant.key, p.total, p.parts[0].source) for p in outcome.placements] == [
        ("A", 100.0, "G1"),
        ("C", 100.0, "G2"),
        ("B", 50.0, "G1"),
    ]
    maxima = {"live": {"A": PartScore(80, maximum=100, source="G1"), "C": PartScore(80, maximum=200, source="G2")}}
    outcome = combine(people("A", "C"), [Part("live", "现场竞赛", 100, maximum=None)], maxima, Rules(2, 2))
    assert [p.total for p in outcome.placements] == [80.0, 40.0]
