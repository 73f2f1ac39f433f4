"""Question types, answer normalisation and answer checking.

Pure domain code: standard library only. A `Question` is what a bank file
describes once validated; checking a player's response never needs anything
but the question itself.
"""

from __future__ import annotations

import enum
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date


class QuestionKind(enum.StrEnum):
    """The four question types of a bank (题型)."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    JUDGE = "judge"
    FILL = "fill"

    @property
    def label(self) -> str:
        """Chinese name shown to users."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.JUDGE: "判断",
    QuestionKind.FILL: "填空",
}

# Spellings a trainer may use for a judge answer; everything else is an error,
# so YAML 1.1's "on"/"off"/"1" never silently become an answer.
TRUE_WORDS = frozenset({"对", "正确", "是", "√", "true", "yes", "t", "y"})
FALSE_WORDS = frozenset({"错", "错误", "否", "×", "false", "no", "f", "n"})


def parse_judge_word(text: str) -> bool | None:
    """Return the truth value a judge-answer word stands for, or None if unknown."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def normalize_fill(text: str) -> str:
    """Normalise a fill-in answer for comparison.

    NFKC folds full-width letters, digits and punctuation to half-width; then all
    whitespace and punctuation are dropped and case is folded, so that
    "ＡＢＣ １２３。" and "abc123" compare equal.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if _is_significant(ch))


def _is_significant(ch: str) -> bool:
    if ch in _KEPT_SYMBOLS:
        return True
    return not ch.isspace() and not unicodedata.category(ch).startswith(("P", "S"))


# "%" and "+" change what a policy answer means ("80%"), so they are kept;
# other punctuation and symbols (quotes, "〔〕", "。") are dropped.
_KEPT_SYMBOLS = frozenset("%+")


@dataclass(frozen=True)
class Source:
    """Where a question's answer is written down (政策出处)."""

    document: str
    section: str = ""

    def __str__(self) -> str:
        return f"{self.document} {self.section}".strip()


@dataclass(frozen=True)
class Question:
    """One validated bank question.

    `answer` holds option keys for single/multiple (a one-element tuple for
    single), ("true",) or ("false",) for judge, and accepted strings for fill.
    """

    id: str
    kind: QuestionKind
    stem: str
    answer: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()
    explanation: str = ""
    source: Source | None = None
    tags: tuple[str, ...] = ()
    difficulty: int = 3
    points: int = 10
    time_limit: int = 20
    effective: date | None = None
    expires: date | None = None

    @property
    def option_keys(self) -> tuple[str, ...]:
        """The option letters in order."""
        return tuple(key for key, _ in self.options)

    def is_expired(self, today: date) -> bool:
        """True when the question's expiry date has passed on `today`."""
        return self.expires is not None and self.expires < today

    def is_in_force(self, today: date) -> bool:
        """True when `today` lies between the effective and expiry dates (`in_force`)."""
        return in_force(self.effective, self.expires, today)


def in_force(effective: date | None, expires: date | None, today: date) -> bool:
    """Whether a policy dated `effective`..`expires` (both days included, either open) applies on `today`."""
    return (effective is None or effective <= today) and (expires is None or today <= expires)


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one response.

    `fraction` is the share of the question's points earned before any
    round rule applies: 1.0 right, 0.0 wrong, 0.5 for a partial multiple
    choice answer (少选) when partial credit is allowed.
    """

    correct: bool
    fraction: float


def check_answer(question: Question, response, *, partial: bool = False) -> Verdict:
    """Judge `response` against `question`.

    Responses: a key ("B") for single, keys ("AC" or ["A", "C"]) for multiple,
    a bool or judge word for judge, a string for fill. A malformed response is
    simply wrong; validating payload shape is the caller's job.
    """
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        right = isinstance(response, str) and response.strip().upper() == question.answer[0]
        return Verdict(right, 1.0 if right else 0.0)
    if kind is QuestionKind.MULTIPLE:
        return _check_multiple(question, response, partial)
    if kind is QuestionKind.JUDGE:
        value = response if isinstance(response, bool) else None
        if isinstance(response, str):
            value = parse_judge_word(response)
        right = value is not None and value == (question.answer[0] == "true")
        return Verdict(right, 1.0 if right else 0.0)
    if not isinstance(response, str):
        return Verdict(False, 0.0)
    given = normalize_fill(response)
    right = bool(given) and any(given == normalize_fill(a) for a in question.answer)
    return Verdict(right, 1.0 if right else 0.0)


def valid_response(question: Question, response) -> bool:
    """Whether `response` has the shape the question type expects (not whether it is right)."""
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        return isinstance(response, str) and response.strip().upper() in question.option_keys
    if kind is QuestionKind.MULTIPLE:
        keys = selected_keys(response)
        return bool(keys) and keys <= set(question.option_keys)
    if kind is QuestionKind.JUDGE:
        return isinstance(response, bool) or (isinstance(response, str) and parse_judge_word(response) is not None)
    return isinstance(response, str) and 0 < len(response) <= 200


def canonical_response(question: Question, response):
    """A valid response in the one form it is stored in: "B", ["A", "C"], True/False, or the trimmed text."""
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        return response.strip().upper()
    if kind is QuestionKind.MULTIPLE:
        return sorted(selected_keys(response))
    if kind is QuestionKind.JUDGE:
        return response if isinstance(response, bool) else parse_judge_word(response)
    return response.strip()


def selected_keys(response) -> frozenset[str] | None:
    """Read a multiple-choice response ("AC" or ["A", "C"]) as a set of keys."""
    if isinstance(response, str):
        return frozenset(ch for ch in response.upper() if not ch.isspace() and ch != ",")
    if isinstance(response, list | tuple) and all(isinstance(k, str) for k in response):
        return frozenset(k.strip().upper() for k in response)
    return None


def _check_multiple(question: Question, response, partial: bool) -> Verdict:
    chosen = selected_keys(response)
    expected = frozenset(question.answer)
    if not chosen:
        return Verdict(False, 0.0)
    if chosen == expected:
        return Verdict(True, 1.0)
    # 少选得一半: a strict subset of the right options, no wrong option picked.
    if partial and chosen < expected:
        return Verdict(False, 0.5)
    return Verdict(False, 0.0)


@dataclass(frozen=True)
class TypedAnswer:
    """One of the distinct answers given to a fill-in question: as most people wrote it, and how many did."""

    text: str
    count: int
    correct: bool


def typed_answers(question: Question, responses: list) -> list[TypedAnswer]:
    """The distinct answers given to a fill-in question, most given first (then as first given).

    Answers that compare equal (`normalize_fill`: "一网通办" and "“一网通办”。") count as one,
    shown as most people spelled it. Only for showing after the question closed.
    """
    groups: dict[str, Counter] = {}
    for response in responses:
        if not isinstance(response, str) or not response.strip():
            continue
        text = response.strip()
        groups.setdefault(normalize_fill(text) or text, Counter())[text] += 1
    result = [
        TypedAnswer(spellings.most_common(1)[0][0], sum(spellings.values()), check_answer(question, key).correct)
        for key, spellings in groups.items()
    ]
    return sorted(result, key=lambda t: -t.count)  # stable: first given first among equals
