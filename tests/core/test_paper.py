"""Self-paced papers: per-person seeds, drawing, the window, deadlines, item scores and counted attempts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest

from quizengine.core.paper import (
    AttemptResult,
    PaperError,
    PaperItem,
    Section,
    attempt_deadline,
    counted_attempt,
    draw_paper,
    person_seed,
    score_item,
    sections_problems,
    window_state,
)
from quizengine.core.questions import Question, QuestionKind

KEYS = ("A", "B", "C", "D")


def single(qid: str, answer: str = "B", points: int = 10) -> Question:
    options = tuple((key, f"{qid}-{key}") for key in KEYS)
    return Question(id=qid, kind=QuestionKind.SINGLE, stem=f"{qid}?", answer=(answer,), options=options, points=points)


def multiple(qid: str, answer: tuple[str, ...] = ("A", "C"), points: int = 10) -> Question:
    options = tuple((key, f"{qid}-{key}") for key in KEYS)
    return Question(id=qid, kind=QuestionKind.MULTIPLE, stem=f"{qid}?", answer=answer, options=options, points=points)


def judge(qid: str, answer: str = "true", options: tuple[tuple[str, str], ...] = ()) -> Question:
    return Question(id=qid, kind=QuestionKind.JUDGE, stem=f"{qid}?", answer=(answer,), options=options)


def fill(qid: str, answer: str = "答案") -> Question:
    return Question(id=qid, kind=QuestionKind.FILL, stem=f"{qid}?", answer=(answer,))


def bank(*questions: Question) -> dict[str, Question]:
    return {q.id: q for q in questions}


SINGLES = bank(*(single(f"s{n:02d}") for n in range(20)))
SINGLE_IDS = tuple(sorted(SINGLES))


def signature(items: list[PaperItem]) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(item.section, item.question_id, item.option_order) for item in items]


# --- person_seed -------------------------------------------------------------


def test_person_seed_is_deterministic():
    assert person_seed(20240601, "S001", 1) == person_seed(20240601, "S001", 1)


def test_person_seed_is_pinned_so_a_changed_derivation_is_caught():
    # sha256("20240601:S001:1"), first 8 bytes big-endian, shifted right by one bit.
    assert person_seed(20240601, "S001", 1) == 7314566726356879175


def test_person_seed_differs_by_staff_number():
    assert person_seed(20240601, "S001", 1) != person_seed(20240601, "S002", 1)


def test_person_seed_differs_by_attempt_number():
    seeds = {person_seed(20240601, "S001", attempt) for attempt in range(1, 11)}
    assert len(seeds) == 10


def test_person_seed_differs_by_contest_seed():
    assert person_seed(1, "S001", 1) != person_seed(2, "S001", 1)


@pytest.mark.parametrize(
    ("contest_seed", "staff_no", "attempt"),
    [(0, "", 0), (20240601, "S001", 1), (2**62, "工号-甲", 99), (-7, "x" * 200, 3)],
)
def test_person_seed_fits_in_a_signed_64_bit_integer_as_a_non_negative_63_bit_value(contest_seed, staff_no, attempt):
    seed = person_seed(contest_seed, staff_no, attempt)
    assert isinstance(seed, int)
    assert 0 <= seed < 2**63


def test_person_seeds_use_the_top_bit_range_over_many_people():
    # The shift keeps values below 2**63; over many inputs some should exceed 2**62 (not always zero-padded).
    seeds = [person_seed(1, f"S{n:04d}", 1) for n in range(200)]
    assert max(seeds) >= 2**62
    assert all(0 <= seed < 2**63 for seed in seeds)


# --- draw_paper --------------------------------------------------------------


def test_same_seed_draws_the_identical_paper_questions_and_option_orders():
    sections = [Section("单选", 5, SINGLE_IDS)]
    first = draw_paper(sections, SINGLES, 12345)
    second = draw_paper(sections, SINGLES, 12345)
    assert first == second
    assert signature(first) == signature(second)


def test_a_pinned_seed_draws_a_pinned_paper():
    # Re-drawing a disputed attempt relies on this staying stable; a change here breaks old attempts.
    questions = bank(*(single(f"q{n}") for n in range(6)))
    items = draw_paper([Section("单选", 3, tuple(questions))], questions, person_seed(20240601, "S001", 1))
    assert signature(items) == PINNED_PAPER


PINNED_PAPER = [
    (0, "q1", ("B", "A", "D", "C")),
    (0, "q5", ("C", "A", "B", "D")),
    (0, "q4", ("D", "A", "B", "C")),
]


def test_different_seeds_draw_different_papers():
    sections = [Section("单选", 5, SINGLE_IDS)]
    assert signature(draw_paper(sections, SINGLES, 1)) != signature(draw_paper(sections, SINGLES, 2))
    papers = {tuple(signature(draw_paper(sections, SINGLES, seed))) for seed in range(20)}
    assert len(papers) == 20


def test_different_people_draw_different_question_sets():
    sections = [Section("单选", 5, SINGLE_IDS)]
    drawn = {
        frozenset(item.question_id for item in draw_paper(sections, SINGLES, person_seed(7, f"S{n:03d}", 1)))
        for n in range(20)
    }
    assert len(drawn) > 1


def test_order_of_the_pool_tuple_does_not_matter():
    forward = [Section("单选", 5, SINGLE_IDS)]
    backward = [Section("单选", 5, tuple(reversed(SINGLE_IDS)))]
    shuffled_ids = list(SINGLE_IDS)
    random.Random(99).shuffle(shuffled_ids)
    shuffled = [Section("单选", 5, tuple(shuffled_ids))]
    for seed in range(10):
        expected = draw_paper(forward, SINGLES, seed)
        assert draw_paper(backward, SINGLES, seed) == expected
        assert draw_paper(shuffled, SINGLES, seed) == expected


def test_duplicate_ids_in_a_pool_count_once_and_are_never_drawn_twice():
    questions = bank(single("a"), single("b"), single("c"))
    sections = [Section("单选", 3, ("a", "a", "b", "c", "b"))]
    for seed in range(10):
        ids = [item.question_id for item in draw_paper(sections, questions, seed)]
        assert sorted(ids) == ["a", "b", "c"]
    with pytest.raises(PaperError):
        draw_paper([Section("单选", 3, ("a", "a", "b", "b"))], questions, 0)


def test_sections_draw_in_order_with_their_counts():
    sections = [
        Section("一", 2, SINGLE_IDS[:5]),
        Section("二", 3, SINGLE_IDS[5:10]),
        Section("三", 1, SINGLE_IDS[10:]),
    ]
    items = draw_paper(sections, SINGLES, 5)
    assert [item.section for item in items] == [0, 0, 1, 1, 1, 2]
    for item in items:
        assert item.question_id in sections[item.section].pool


def test_overlapping_pools_never_repeat_a_question_across_sections():
    sections = [
        Section("一", 4, SINGLE_IDS[:8]),
        Section("二", 4, SINGLE_IDS[4:12]),
        Section("三", 4, SINGLE_IDS[:12]),
    ]
    for seed in range(50):
        items = draw_paper(sections, SINGLES, seed)
        ids = [item.question_id for item in items]
        assert len(ids) == len(set(ids)) == 12
        assert Counter(item.section for item in items) == {0: 4, 1: 4, 2: 4}
        for item in items:
            assert item.question_id in sections[item.section].pool


def test_identical_pools_split_between_sections_use_every_question_once():
    ids = SINGLE_IDS[:6]
    sections = [Section("一", 3, ids), Section("二", 3, ids)]
    for seed in range(20):
        drawn = [item.question_id for item in draw_paper(sections, SINGLES, seed)]
        assert sorted(drawn) == sorted(ids)


def test_single_and_multiple_options_are_a_permutation_of_the_original_keys():
    questions = bank(*(single(f"s{n}") for n in range(5)), *(multiple(f"m{n}") for n in range(5)))
    sections = [Section("全部", 10, tuple(questions))]
    orders = set()
    for seed in range(30):
        for item in draw_paper(sections, questions, seed):
            assert sorted(item.option_order) == sorted(questions[item.question_id].option_keys)
            assert len(item.option_order) == len(set(item.option_order))
            orders.add(item.option_order)
    # The options really are shuffled: more than just the original order shows up.
    assert len(orders) > 1
    assert orders != {KEYS}


def test_judge_and_fill_keep_their_option_order():
    questions = bank(
        judge("j-plain"),
        judge("j-opts", options=(("T", "对"), ("F", "错"))),
        fill("f1"),
        single("s1"),
    )
    sections = [Section("混合", 4, tuple(questions))]
    for seed in range(30):
        by_id = {item.question_id: item.option_order for item in draw_paper(sections, questions, seed)}
        assert by_id["j-plain"] == ()
        assert by_id["j-opts"] == ("T", "F")
        assert by_id["f1"] == ()
        assert sorted(by_id["s1"]) == list(KEYS)


def test_shuffle_options_false_keeps_the_original_order():
    questions = bank(*(single(f"s{n}") for n in range(5)), *(multiple(f"m{n}") for n in range(5)))
    sections = [Section("全部", 10, tuple(questions))]
    for seed in range(20):
        for item in draw_paper(sections, questions, seed, shuffle_options=False):
            assert item.option_order == questions[item.question_id].option_keys


def test_shuffle_options_false_draws_the_same_questions_in_the_same_order():
    # A section's questions are sampled before its options are shuffled, so the first section's
    # questions (and their order) do not depend on shuffle_options.
    sections = [Section("单选", 5, SINGLE_IDS)]
    shuffled = draw_paper(sections, SINGLES, 3)
    plain = draw_paper(sections, SINGLES, 3, shuffle_options=False)
    assert [item.question_id for item in plain] == [item.question_id for item in shuffled]


def test_paper_error_when_a_pool_is_too_small():
    with pytest.raises(PaperError, match="第 1 部分只有 3 道题可抽，需要 4 道"):
        draw_paper([Section("单选", 4, SINGLE_IDS[:3])], SINGLES, 0)


def test_paper_error_when_earlier_sections_used_up_a_later_pool():
    sections = [Section("一", 3, SINGLE_IDS[:4]), Section("二", 2, SINGLE_IDS[:4])]
    with pytest.raises(PaperError, match="第 2 部分只有 1 道题可抽，需要 2 道"):
        draw_paper(sections, SINGLES, 0)


def test_paper_error_is_a_value_error():
    assert issubclass(PaperError, ValueError)


def test_a_section_of_zero_questions_draws_nothing():
    assert draw_paper([Section("空", 0, ())], SINGLES, 0) == []
    assert draw_paper([], SINGLES, 0) == []


def test_exact_pool_size_draws_the_whole_pool():
    items = draw_paper([Section("单选", 5, SINGLE_IDS[:5])], SINGLES, 8)
    assert sorted(item.question_id for item in items) == sorted(SINGLE_IDS[:5])


# --- sections_problems -------------------------------------------------------


def test_disjoint_pools_have_no_problems():
    sections = [Section("一", 5, SINGLE_IDS[:5]), Section("二", 5, SINGLE_IDS[5:10]), Section("三", 3, SINGLE_IDS[10:])]
    assert sections_problems(sections) == []


def test_no_sections_have_no_problems():
    assert sections_problems([]) == []


def test_a_pool_smaller_than_its_count_is_reported():
    problems = sections_problems([Section("一", 6, SINGLE_IDS[:5])])
    assert problems == [(0, "只能保证 5 道题可抽（共 5 道符合条件），需要 6 道")]


def test_overlap_whose_worst_case_runs_short_is_reported_with_the_later_section_index():
    # Section 0 may take all 3 of its picks from the shared a..e; section 1 then keeps only 4 of its 7.
    sections = [
        Section("一", 3, ("s00", "s01", "s02", "s03", "s04")),
        Section("二", 5, ("s00", "s01", "s02", "s03", "s04", "s05", "s06")),
    ]
    problems = sections_problems(sections)
    assert [index for index, _ in problems] == [1]
    assert problems[0][1] == "只能保证 4 道题可抽（共 7 道符合条件），需要 5 道"


def test_only_the_short_section_is_reported_among_several():
    sections = [
        Section("一", 2, SINGLE_IDS[:4]),
        Section("二", 3, SINGLE_IDS[10:13]),
        Section("三", 3, SINGLE_IDS[:4]),
    ]
    problems = sections_problems(sections)
    assert [index for index, _ in problems] == [2]
    assert problems[0][1] == "只能保证 2 道题可抽（共 4 道符合条件），需要 3 道"


def test_overlap_at_the_exact_boundary_passes():
    # Section 0 takes at most 3 of the 7 shared ids, leaving exactly the 4 that section 1 needs.
    sections = [
        Section("一", 3, SINGLE_IDS[:7]),
        Section("二", 4, SINGLE_IDS[:7]),
    ]
    assert sections_problems(sections) == []
    for seed in range(30):
        assert len(draw_paper(sections, SINGLES, seed)) == 7


def test_one_over_the_exact_boundary_is_reported_and_draw_fails():
    sections = [
        Section("一", 3, SINGLE_IDS[:7]),
        Section("二", 5, SINGLE_IDS[:7]),
    ]
    assert [index for index, _ in sections_problems(sections)] == [1]
    with pytest.raises(PaperError):
        draw_paper(sections, SINGLES, 0)


def test_partial_overlap_is_limited_by_the_size_of_the_overlap():
    # Section 0 can take at most 2 of section 1's ids (the overlap), even though it draws 4.
    sections = [
        Section("一", 4, SINGLE_IDS[:6]),  # s00..s05
        Section("二", 3, SINGLE_IDS[4:9]),  # s04..s08: overlap s04, s05
    ]
    assert sections_problems(sections) == []
    sections[1] = Section("二", 4, SINGLE_IDS[4:9])
    assert [index for index, _ in sections_problems(sections)] == [1]


def test_negative_availability_is_shown_as_zero():
    sections = [
        Section("一", 3, SINGLE_IDS[:3]),
        Section("二", 3, SINGLE_IDS[3:5]),
        Section("三", 4, SINGLE_IDS[:5]),
    ]
    # Worst case the earlier sections take 3 + 2 = 5 of section 2's 5 ids; 0 left (never negative).
    problems = sections_problems(sections)
    assert (2, "只能保证 0 道题可抽（共 5 道符合条件），需要 4 道") in problems


def test_a_chain_of_overlaps_that_can_never_run_short_is_not_reported():
    sections = [
        Section("一", 1, ("s00",)),
        Section("二", 1, ("s00", "s01")),
        Section("三", 1, ("s00", "s02")),
    ]
    for seed in range(100):
        assert [item.question_id for item in draw_paper(sections, SINGLES, seed)] == ["s00", "s01", "s02"]
    assert sections_problems(sections) == []


def test_no_problems_means_every_seed_draws_a_full_paper():
    # Random small blueprints: whenever sections_problems accepts one, no seed may fail to draw it.
    rng = random.Random(2024)
    ids = SINGLE_IDS[:10]
    checked = 0
    for _ in range(300):
        sections = [
            Section(f"{n}", rng.randint(0, 4), tuple(rng.sample(ids, rng.randint(0, len(ids)))))
            for n in range(rng.randint(1, 4))
        ]
        if sections_problems(sections):
            continue
        checked += 1
        for seed in range(20):
            items = draw_paper(sections, SINGLES, seed)
            assert len(items) == sum(section.count for section in sections)
            assert len({item.question_id for item in items}) == len(items)
    assert checked > 20


def test_a_draw_that_can_fail_is_always_reported():
    rng = random.Random(77)
    ids = SINGLE_IDS[:8]
    for _ in range(300):
        sections = [
            Section(f"{n}", rng.randint(0, 4), tuple(rng.sample(ids, rng.randint(0, len(ids)))))
            for n in range(rng.randint(1, 4))
        ]
        failing = set()
        for seed in range(30):
            try:
                draw_paper(sections, SINGLES, seed)
            except PaperError as error:
                failing.add(int(str(error).split(" ")[1]) - 1)
        reported = {index for index, _ in sections_problems(sections)}
        assert failing <= reported


# --- window_state ------------------------------------------------------------

OPENS = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime(2024, 6, 1, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (OPENS - timedelta(days=1), "before"),
        (OPENS - timedelta(microseconds=1), "before"),
        (OPENS, "open"),
        (OPENS + timedelta(hours=4), "open"),
        (CLOSES - timedelta(microseconds=1), "open"),
        (CLOSES, "closed"),
        (CLOSES + timedelta(microseconds=1), "closed"),
        (CLOSES + timedelta(days=30), "closed"),
    ],
)
def test_window_state_includes_the_opening_instant_and_excludes_the_close(now, expected):
    assert window_state(now, OPENS, CLOSES) == expected


def test_window_state_compares_instants_across_time_zones():
    shanghai = datetime(2024, 6, 2, 1, 0, tzinfo=timezone(timedelta(hours=8)))  # the same instant as CLOSES
    assert window_state(shanghai, OPENS, CLOSES) == "closed"
    assert window_state(shanghai - timedelta(seconds=1), OPENS, CLOSES) == "open"


# --- attempt_deadline --------------------------------------------------------


def test_attempt_deadline_is_start_plus_the_time_limit():
    started = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    assert attempt_deadline(started, 45, CLOSES) == datetime(2024, 6, 1, 10, 45, tzinfo=UTC)


def test_attempt_deadline_is_the_close_when_that_is_earlier():
    started = datetime(2024, 6, 1, 16, 30, tzinfo=UTC)
    assert attempt_deadline(started, 45, CLOSES) == CLOSES


def test_attempt_deadline_at_exactly_the_close():
    started = datetime(2024, 6, 1, 16, 15, tzinfo=UTC)
    assert attempt_deadline(started, 45, CLOSES) == CLOSES


def test_attempt_deadline_over_midnight_and_long_limits():
    closes = datetime(2024, 6, 3, 0, 0, tzinfo=UTC)
    started = datetime(2024, 6, 1, 23, 30, tzinfo=UTC)
    assert attempt_deadline(started, 90, closes) == datetime(2024, 6, 2, 1, 0, tzinfo=UTC)


# --- score_item --------------------------------------------------------------


def test_unanswered_item_is_not_answered_and_earns_nothing():
    result = score_item(single("s"), None, points=None, partial=False)
    assert (result.answered, result.correct, result.points) == (False, False, 0)
    result = score_item(multiple("m"), None, points=50, partial=True)
    assert (result.answered, result.correct, result.points) == (False, False, 0)


def test_right_single_earns_the_questions_own_points():
    result = score_item(single("s", "B", points=10), "B", points=None, partial=False)
    assert (result.answered, result.correct, result.points) == (True, True, 10)


def test_right_single_earns_the_section_points_override():
    result = score_item(single("s", "B", points=10), "B", points=4, partial=False)
    assert (result.answered, result.correct, result.points) == (True, True, 4)


def test_points_override_does_not_change_the_question():
    question = single("s", "B", points=10)
    score_item(question, "B", points=4, partial=False)
    assert question.points == 10


def test_wrong_single_is_answered_but_earns_nothing():
    result = score_item(single("s", "B"), "C", points=4, partial=False)
    assert (result.answered, result.correct, result.points) == (True, False, 0)


def test_empty_response_counts_as_answered_and_wrong():
    result = score_item(single("s", "B"), "", points=None, partial=False)
    assert (result.answered, result.correct, result.points) == (True, False, 0)


def test_multiple_all_right_earns_full_points():
    result = score_item(multiple("m", ("A", "C")), ["C", "A"], points=8, partial=True)
    assert (result.answered, result.correct, result.points) == (True, True, 8)


@pytest.mark.parametrize(("points", "expected"), [(10, 5), (8, 4), (4, 2), (2, 1)])
def test_multiple_subset_earns_half_with_partial_credit(points, expected):
    result = score_item(multiple("m", ("A", "C")), ["A"], points=points, partial=True)
    assert (result.answered, result.correct, result.points) == (True, False, expected)


def test_multiple_partial_half_of_the_questions_own_points():
    result = score_item(multiple("m", ("A", "B", "C"), points=20), "AB", points=None, partial=True)
    assert (result.correct, result.points) == (False, 10)


def test_multiple_partial_half_is_rounded_to_an_integer():
    result = score_item(multiple("m", ("A", "C")), ["A"], points=3, partial=True)
    assert isinstance(result.points, int)
    assert result.points == round(3 * 0.5)


def test_multiple_with_a_wrong_option_earns_nothing_even_with_partial_credit():
    result = score_item(multiple("m", ("A", "C")), ["A", "B"], points=10, partial=True)
    assert (result.answered, result.correct, result.points) == (True, False, 0)
    result = score_item(multiple("m", ("A", "C")), ["A", "B", "C"], points=10, partial=True)
    assert (result.answered, result.correct, result.points) == (True, False, 0)


def test_multiple_subset_earns_nothing_without_partial_credit():
    result = score_item(multiple("m", ("A", "C")), ["A"], points=10, partial=False)
    assert (result.answered, result.correct, result.points) == (True, False, 0)


def test_multiple_empty_selection_earns_nothing_even_with_partial_credit():
    result = score_item(multiple("m", ("A", "C")), [], points=10, partial=True)
    assert (result.answered, result.correct, result.points) == (True, False, 0)


def test_partial_credit_does_not_apply_to_single_choice():
    result = score_item(single("s", "B"), "A", points=10, partial=True)
    assert (result.correct, result.points) == (False, 0)


@pytest.mark.parametrize(
    ("answer", "response", "correct"),
    [("true", True, True), ("true", False, False), ("false", False, True), ("false", True, False)],
)
def test_judge_scored_with_a_bool(answer, response, correct):
    result = score_item(judge("j", answer), response, points=6, partial=True)
    assert (result.answered, result.correct, result.points) == (True, correct, 6 if correct else 0)


def test_judge_false_response_is_answered_not_unanswered():
    # False is a real answer; only None means "not answered".
    result = score_item(judge("j", "true"), False, points=6, partial=False)
    assert result.answered is True


def test_fill_scored_with_normalised_text():
    result = score_item(fill("f", "百分之八十"), " 百分之八十。", points=5, partial=False)
    assert (result.answered, result.correct, result.points) == (True, True, 5)


def test_time_never_reduces_a_paper_score():
    # Papers score `fixed`: a right answer earns full points regardless of the question's time limit.
    question = Question("s", QuestionKind.SINGLE, "?", ("A",), (("A", "1"), ("B", "2")), points=10, time_limit=1)
    assert score_item(question, "A", points=None, partial=False).points == 10


# --- counted_attempt ---------------------------------------------------------

CLOSED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def attempt(number: int, points: int, correct: int, duration_ms: int, closed_at: datetime = CLOSED) -> AttemptResult:
    return AttemptResult(
        number=number, points=points, correct=correct, answered=correct, duration_ms=duration_ms, closed_at=closed_at
    )


def test_no_attempts_count_as_nothing():
    assert counted_attempt([]) is None
    assert counted_attempt([], "best") is None
    assert counted_attempt([], "last") is None


def test_best_is_the_highest_score():
    attempts = [attempt(1, 60, 9, 1000), attempt(2, 80, 8, 5000), attempt(3, 70, 10, 100)]
    assert counted_attempt(attempts).number == 2
    assert counted_attempt(attempts, "best").number == 2


def test_best_breaks_a_score_tie_by_more_correct_answers():
    attempts = [attempt(1, 80, 8, 1000), attempt(2, 80, 9, 9000), attempt(3, 80, 7, 100)]
    assert counted_attempt(attempts).number == 2


def test_best_breaks_a_score_and_correct_tie_by_less_time():
    attempts = [attempt(1, 80, 8, 9000), attempt(2, 80, 8, 3000), attempt(3, 80, 8, 5000)]
    assert counted_attempt(attempts).number == 2


def test_best_breaks_a_full_tie_by_the_earlier_attempt():
    attempts = [attempt(3, 80, 8, 3000), attempt(1, 80, 8, 3000), attempt(2, 80, 8, 3000)]
    assert counted_attempt(attempts).number == 1


def test_best_does_not_depend_on_the_list_order():
    attempts = [attempt(1, 80, 8, 9000), attempt(2, 80, 8, 3000), attempt(3, 90, 7, 9999), attempt(4, 90, 7, 9999)]
    for shift in range(len(attempts)):
        rotated = attempts[shift:] + attempts[:shift]
        assert counted_attempt(rotated).number == 3
        assert counted_attempt(list(reversed(rotated))).number == 3


def test_best_handles_zero_and_negative_points():
    attempts = [attempt(1, 0, 0, 100), attempt(2, -5, 0, 50)]
    assert counted_attempt(attempts).number == 1


def test_last_is_the_highest_attempt_number():
    attempts = [attempt(2, 10, 1, 100), attempt(3, 5, 0, 100), attempt(1, 90, 9, 100)]
    assert counted_attempt(attempts, "last").number == 3


def test_last_is_by_number_not_by_list_position_or_close_time():
    early = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    late = datetime(2024, 6, 1, 18, 0, tzinfo=UTC)
    attempts = [attempt(4, 10, 1, 100, closed_at=early), attempt(2, 90, 9, 100, closed_at=late)]
    assert counted_attempt(attempts, "last").number == 4


def test_a_single_attempt_counts_either_way():
    only = attempt(1, 40, 4, 1234)
    assert counted_attempt([only], "best") is only
    assert counted_attempt([only], "last") is only


def test_counted_attempt_returns_the_attempt_object_itself():
    attempts = [attempt(1, 10, 1, 100), attempt(2, 20, 2, 100)]
    assert counted_attempt(attempts) is attempts[1]
