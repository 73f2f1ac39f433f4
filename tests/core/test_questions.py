"""Answer checking and fill-in normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from quizengine.core.questions import (
    Question,
    QuestionKind,
    TypedAnswer,
    check_answer,
    normalize_fill,
    parse_judge_word,
    typed_answers,
)

SINGLE = Question("s", QuestionKind.SINGLE, "stem", ("B",), (("A", "甲"), ("B", "乙")))
MULTI = Question("m", QuestionKind.MULTIPLE, "stem", ("A", "C"), (("A", "甲"), ("B", "乙"), ("C", "丙")))
JUDGE = Question("j", QuestionKind.JUDGE, "stem", ("false",))
FILL = Question("f", QuestionKind.FILL, "stem", ("一网通办", "3分钟"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ　１２３。", "abc123"),
        ("  “一网通办” ", "一网通办"),
        ("3 分钟", "3分钟"),
        ("80%", "80%"),
        ("，。！", ""),
    ],
)
def test_fill_normalisation_folds_width_space_case_and_punctuation(text, expected):
    assert normalize_fill(text) == expected


def test_single_choice_is_right_only_for_its_key():
    assert check_answer(SINGLE, "B").correct
    assert check_answer(SINGLE, " b ").correct
    assert not check_answer(SINGLE, "A").correct
    assert not check_answer(SINGLE, ["B"]).correct


def test_multiple_choice_all_or_nothing_by_default():
    assert check_answer(MULTI, ["C", "A"]).fraction == 1.0
    assert check_answer(MULTI, "AC").correct
    assert check_answer(MULTI, ["A"]).fraction == 0.0
    assert check_answer(MULTI, ["A", "B", "C"]).fraction == 0.0


def test_multiple_choice_partial_gives_half_for_a_subset_and_zero_with_a_wrong_option():
    assert check_answer(MULTI, ["A"], partial=True).fraction == 0.5
    assert not check_answer(MULTI, ["A"], partial=True).correct
    assert check_answer(MULTI, ["A", "B"], partial=True).fraction == 0.0
    assert check_answer(MULTI, [], partial=True).fraction == 0.0


def test_judge_accepts_booleans_and_words():
    assert check_answer(JUDGE, False).correct
    assert check_answer(JUDGE, "错").correct
    assert not check_answer(JUDGE, True).correct
    assert not check_answer(JUDGE, "maybe").correct
    assert parse_judge_word("NO") is False and parse_judge_word("√") is True
    assert parse_judge_word("on") is None


def test_fill_matches_any_accepted_answer_after_normalisation():
    assert check_answer(FILL, "“一网通办”").correct
    assert check_answer(FILL, "３ 分钟").correct
    assert not check_answer(FILL, "一网统管").correct
    assert not check_answer(FILL, "。").correct
    assert not check_answer(FILL, 3).correct


def test_expiry_and_force_dates():
    q = Question("d", QuestionKind.JUDGE, "s", ("true",), effective=date(2024, 1, 16), expires=date(2027, 12, 31))
    assert not q.is_in_force(date(2023, 1, 1))
    assert q.is_in_force(date(2024, 1, 16))
    assert q.is_expired(date(2028, 1, 1)) and not q.is_in_force(date(2028, 1, 1))


def test_typed_answers_count_equal_answers_once_as_most_people_spelled_them():
    question = Question("f1", QuestionKind.FILL, "政务服务“____”", ("一网通办",))
    given = ["一网通办", "“一网通办”", " 一网通办 ", "一门式", "", None, "一门式", "一网通办。", "全程网办"]
    assert typed_answers(question, given) == [
        TypedAnswer("一网通办", 4, True),
        TypedAnswer("一门式", 2, False),
        TypedAnswer("全程网办", 1, False),
    ]
    assert typed_answers(question, []) == []
