"""The learning phase: the wrong-answer book, study-session thresholds and answer tallies."""

from __future__ import annotations

from datetime import date

import pytest

from quizengine.core.learning import (
    DEFAULT_MIN_SHARE,
    REQUIRED_SESSIONS,
    RIGHT_TO_CLEAR,
    BookEntry,
    Tally,
    session_threshold,
    study_sessions,
)


def answer_all(entry: BookEntry, answers: list[bool]) -> BookEntry:
    for correct in answers:
        entry = entry.after(correct)
    return entry


# --- BookEntry ---------------------------------------------------------------


def test_constants_match_the_plan():
    assert RIGHT_TO_CLEAR == 2
    assert REQUIRED_SESSIONS == 2
    assert DEFAULT_MIN_SHARE == 0.5


def test_a_new_entry_is_cleared_and_empty():
    entry = BookEntry()
    assert (entry.wrong_count, entry.streak, entry.cleared) == (0, 0, True)


def test_a_wrong_answer_opens_the_entry():
    entry = BookEntry().after(False)
    assert entry == BookEntry(wrong_count=1, streak=0, cleared=False)


def test_right_once_after_a_wrong_answer_keeps_the_entry_open():
    entry = BookEntry().after(False).after(True)
    assert entry == BookEntry(wrong_count=1, streak=1, cleared=False)


def test_right_twice_in_a_row_clears_the_entry():
    entry = answer_all(BookEntry(), [False, True, True])
    assert entry == BookEntry(wrong_count=1, streak=2, cleared=True)


def test_a_wrong_answer_in_between_resets_the_streak():
    entry = answer_all(BookEntry(), [False, True, False])
    assert entry == BookEntry(wrong_count=2, streak=0, cleared=False)
    entry = entry.after(True)
    assert entry == BookEntry(wrong_count=2, streak=1, cleared=False)
    entry = entry.after(True)
    assert entry == BookEntry(wrong_count=2, streak=2, cleared=True)


def test_right_wrong_right_right_clears_only_at_the_end():
    states = []
    entry = BookEntry().after(False)
    for correct in [True, False, True, True]:
        entry = entry.after(correct)
        states.append(entry.cleared)
    assert states == [False, False, False, True]


def test_a_right_answer_on_a_new_entry_changes_nothing():
    entry = BookEntry()
    assert entry.after(True) == entry
    assert entry.after(True) is entry


def test_a_right_answer_on_a_cleared_entry_changes_nothing():
    cleared = answer_all(BookEntry(), [False, True, True])
    assert cleared.cleared
    assert cleared.after(True) == cleared
    assert answer_all(cleared, [True] * 5) == cleared


def test_a_wrong_answer_reopens_a_cleared_entry_and_keeps_counting_wrongs():
    cleared = answer_all(BookEntry(), [False, True, True])
    reopened = cleared.after(False)
    assert reopened == BookEntry(wrong_count=2, streak=0, cleared=False)


def test_repeated_wrong_answers_count_up_and_stay_open():
    entry = answer_all(BookEntry(), [False] * 4)
    assert entry == BookEntry(wrong_count=4, streak=0, cleared=False)


def test_after_does_not_modify_the_entry():
    entry = BookEntry().after(False)
    entry.after(True)
    entry.after(False)
    assert entry == BookEntry(wrong_count=1, streak=0, cleared=False)


def test_book_entry_is_frozen():
    with pytest.raises(AttributeError):
        BookEntry().streak = 3  # type: ignore[misc]


def test_clearing_takes_exactly_right_to_clear_answers_in_a_row():
    entry = BookEntry().after(False)
    for _ in range(RIGHT_TO_CLEAR - 1):
        entry = entry.after(True)
        assert not entry.cleared
    assert entry.after(True).cleared


# --- session_threshold -------------------------------------------------------


@pytest.mark.parametrize(
    ("staff", "share", "expected"),
    [
        (10, 0.5, 5),  # exact multiple: not rounded up past it
        (5, 0.5, 3),  # 2.5 rounds up
        (0, 0.5, 1),  # at least one person
        (1, 0.5, 1),
        (2, 0.5, 1),
        (3, 0.5, 2),
        (4, 0.5, 2),
        (11, 0.5, 6),
        (10, 0.3, 3),  # 10 * 0.3 == 3.0000000000000004 in floats: still 3
        (100, 0.07, 7),  # 7.000000000000001 in floats: still 7
        (10, 0.7, 7),
        (7, 0.1, 1),
        (10, 1.0, 10),
        (10, 0.0, 1),  # no share still needs one person
        (3, 1 / 3, 1),
        (9, 2 / 3, 6),
    ],
)
def test_session_threshold_is_the_ceiling_of_the_share_and_at_least_one(staff, share, expected):
    assert session_threshold(staff, share) == expected


def test_session_threshold_defaults_to_half():
    assert session_threshold(10) == 5
    assert session_threshold(7) == 4


def test_session_threshold_returns_an_int():
    assert isinstance(session_threshold(5, 0.5), int)


# --- study_sessions ----------------------------------------------------------


def test_study_sessions_are_the_days_meeting_the_threshold_in_order():
    days = {
        date(2024, 6, 5): {1, 2, 3},  # 3 of 6: meets 0.5
        date(2024, 6, 1): {1, 2, 3, 4},
        date(2024, 6, 3): {1, 2},  # 2 < 3: not a session
        date(2024, 5, 30): {1, 2, 3, 4, 5, 6},
    }
    assert study_sessions(days, 6, 0.5) == [date(2024, 5, 30), date(2024, 6, 1), date(2024, 6, 5)]


def test_study_sessions_exact_threshold_counts_and_one_below_does_not():
    days = {date(2024, 6, 1): {1, 2, 3}, date(2024, 6, 2): {1, 2}}
    # 5 staff at 0.5: threshold 3.
    assert study_sessions(days, 5, 0.5) == [date(2024, 6, 1)]


def test_study_sessions_with_no_participation():
    assert study_sessions({}, 10, 0.5) == []


def test_study_sessions_with_no_staff_need_one_person():
    days = {date(2024, 6, 1): {7}, date(2024, 6, 2): set()}
    assert study_sessions(days, 0, 0.5) == [date(2024, 6, 1)]


def test_study_sessions_use_the_given_share():
    days = {date(2024, 6, 1): {1, 2}, date(2024, 6, 2): {1, 2, 3, 4}}
    assert study_sessions(days, 10, 0.2) == [date(2024, 6, 1), date(2024, 6, 2)]
    assert study_sessions(days, 10, 0.4) == [date(2024, 6, 2)]
    assert study_sessions(days, 10, 0.5) == []


def test_study_sessions_do_not_modify_their_input():
    days = {date(2024, 6, 2): {1, 2, 3}, date(2024, 6, 1): {1}}
    snapshot = {day: set(people) for day, people in days.items()}
    study_sessions(days, 4, 0.5)
    assert days == snapshot


# --- Tally -------------------------------------------------------------------


def test_an_empty_tally_has_no_accuracy():
    # shown blank, not 0%: nothing was answered
    assert Tally() == Tally(answered=0, correct=0)
    assert Tally().accuracy is None


def test_tally_add_counts_answers_and_right_answers():
    tally = Tally().add(True).add(False).add(True)
    assert tally == Tally(answered=3, correct=2)


def test_tally_add_does_not_modify_the_tally():
    tally = Tally(2, 1)
    assert tally.add(True) == Tally(3, 2)
    assert tally == Tally(2, 1)


def test_tally_accuracy_is_right_over_answered():
    assert Tally(4, 3).accuracy == pytest.approx(0.75)
    assert Tally(3, 1).accuracy == pytest.approx(1 / 3)
    assert Tally(5, 5).accuracy == 1.0
    assert Tally(5, 0).accuracy == 0.0


def test_tally_accuracy_is_a_float():
    assert isinstance(Tally(2, 1).accuracy, float)
    assert isinstance(Tally(2, 0).accuracy, float)
