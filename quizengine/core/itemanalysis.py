"""Item analysis (试题分析) with Moodle's classical-test-theory definitions, on plain numbers.

The definitions are those of Moodle's quiz statistics report: the MoodleDocs
developer page "Quiz statistics calculations" (docs.moodle.org/dev/Quiz_statistics_calculations),
its user page "Quiz report statistics" (docs.moodle.org/en/Quiz_report_statistics), and
the code that implements them (question/classes/statistics/questions/calculator.php and
mod/quiz/classes/statistics/calculator.php in moodle/moodle). For S people, item i with
score x_i (omitted: 0, as the first of Moodle's options for incomplete attempts) and
maximum m_i, and test score X = sum of x_i:

- facility F_i = mean(x_i) / m_i (Moodle shows it as a percentage);
- standard deviation SD_i = sqrt(V(x_i)) / m_i, V with the S - 1 denominator;
- discrimination index P_i = C(x_i, X - x_i) / sqrt(V(x_i) V(X - x_i)): the correlation
  of the item with the rest of the test, so the item does not correlate with itself;
- discriminative efficiency D_i = C(x_i, X - x_i) / Cmax(x_i, X - x_i), where Cmax is
  the covariance after sorting both columns separately: the largest covariance
  the item could have had with these marks;
- Cronbach's alpha (Moodle: coefficient of internal consistency) for P > 1 items:
  alpha = P / (P - 1) x (1 - sum of V(x_i) / V(X));
- error ratio ER = sqrt(1 - alpha), standard error of measurement SE = ER x SD(X).

Figures are fractions (0.75, shown as 75%). With fewer than two people nothing
can be estimated (None). Flags for trainers: too easy (F > 0.9) and too hard
(F < 0.1), the "very easy" and "very difficult" bands of the facility table
Moodle's statistics guide gives; negative discrimination (P < 0: weaker people
did better on it — often a wrong key); low efficiency (D < 0.15, the threshold
below which Moodle's report marks a question as dubious). Below MIN_PEOPLE
people the analysis carries a warning: the figures then say little.

Papers drawn per person (Moodle's random questions): a mark is None where
the person was not given the item. Each item's figures are then computed
among the people who had it, with X their test score, as Moodle computes a
random slot's sub-questions over the attempts each appeared in; the test's
alpha and SE come from `slots`, the same people's marks by position on the
paper (complete, since every paper has the same blueprint), as Moodle
computes them by slot. `pool` combines one question's figures from several
contests for a bank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_PEOPLE = 30
TOO_EASY, TOO_HARD = 0.9, 0.1
LOW_EFFICIENCY = 0.15

FLAG_TEXT = {
    "too_easy": "过于容易（得分率高于 90%）",
    "too_hard": "过难（得分率低于 10%）",
    "negative_discrimination": "区分度为负：成绩较差的人反而答得好，请检查答案",
    "low_efficiency": "区分效率低于 15%",
}


@dataclass(frozen=True)
class ItemStats:
    """One item's figures; None where too few people make it undefined."""

    key: str
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    flags: tuple[str, ...] = ()
    people: int = 0  # how many people had the item


@dataclass(frozen=True)
class TestStats:
    """The whole test's figures (in marks; `sd` and `standard_error` as the test's score)."""

    people: int
    mean: float | None
    sd: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None


@dataclass
class Analysis:
    """Item and test figures, with warnings for the reader."""

    items: list[ItemStats]
    test: TestStats
    warnings: list[str] = field(default_factory=list)


def analyse(
    keys: Sequence[str],
    maxima: Sequence[float],
    marks: Sequence[Sequence[float | None]],
    *,
    slots: Sequence[Sequence[float]] | None = None,
) -> Analysis:
    """Item analysis of `marks` (one row per person, one column per item of `keys`, maxima `maxima`).

    A None mark: the person was not given that item (a drawn paper); pass the
    marks by position as `slots` for the test's alpha and SE then.
    """
    if len(keys) != len(maxima) or any(len(row) != len(keys) for row in marks):
        raise ValueError("every row needs one mark per item")
    people = len(marks)
    totals = [sum(mark for mark in row if mark is not None) for row in marks]
    items = []
    for i, (key, maximum) in enumerate(zip(keys, maxima, strict=True)):
        had = [(row[i], total) for row, total in zip(marks, totals, strict=True) if row[i] is not None]
        items.append(_item(key, maximum, [mark for mark, _ in had], [total for _, total in had]))
    complete = all(mark is not None for row in marks for mark in row)
    alpha = error_ratio = standard_error = None
    if slots is not None:
        if (
            len(slots) != people
            or len({len(row) for row in slots}) > 1
            or any(not math.isclose(sum(row), total, abs_tol=1e-9) for row, total in zip(slots, totals, strict=True))
        ):
            raise ValueError("the marks by position must add up to the same test scores")
        alpha = _alpha(slots)
    elif complete:
        alpha = _alpha(marks)
    total_variance = _variance(totals)
    if alpha is not None and alpha <= 1 and total_variance is not None:
        error_ratio = math.sqrt(1 - alpha)
        standard_error = error_ratio * math.sqrt(total_variance)
    test = TestStats(
        people=people,
        mean=sum(totals) / people if people else None,
        sd=math.sqrt(total_variance) if total_variance is not None else None,
        alpha=alpha,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )
    analysis = Analysis(items, test)
    if people < MIN_PEOPLE:
        analysis.warnings.append(f"只有 {people} 人作答（少于 {MIN_PEOPLE} 人），以下统计数字参考意义有限")
    elif few := sum(1 for item in items if item.people < MIN_PEOPLE):
        analysis.warnings.append(
            f"每人抽到的题不同，有 {few} 道题抽到的人少于 {MIN_PEOPLE} 人，这些题的统计数字参考意义有限"
        )
    return analysis


def _alpha(marks: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a complete marks matrix; None for one item or no spread in the totals."""
    columns = len(marks[0]) if marks else 0
    total_variance = _variance([sum(row) for row in marks])
    if not total_variance or columns < 2:
        return None
    item_variance = sum(_variance([row[i] for row in marks]) or 0.0 for i in range(columns))
    return columns / (columns - 1) * (1 - item_variance / total_variance)


@dataclass(frozen=True)
class PooledItem:
    """One question's figures over every contest it was used in (a bank's view)."""

    key: str
    people: int
    facility: float | None
    flags: tuple[str, ...]
    negative_in: tuple[str, ...]  # the sources where its discrimination was negative


def pool(key: str, uses: Sequence[tuple[str, ItemStats]]) -> PooledItem:
    """Combine one question's figures from several sources (name, stats): facility weighted by people.

    Discrimination is only meaningful within one test, so it is not pooled:
    the question is flagged when it discriminated negatively in any source.
    """
    people = sum(stats.people for _, stats in uses)
    weighted = [(stats.facility, stats.people) for _, stats in uses if stats.facility is not None]
    counted = sum(n for _, n in weighted)
    facility = sum(f * n for f, n in weighted) / counted if counted else None
    negative_in = tuple(name for name, stats in uses if stats.discrimination is not None and stats.discrimination < 0)
    flags = []
    if facility is not None and facility > TOO_EASY:
        flags.append("too_easy")
    if facility is not None and facility < TOO_HARD:
        flags.append("too_hard")
    if negative_in:
        flags.append("negative_discrimination")
    return PooledItem(key, people, facility, tuple(flags), negative_in)


def flag_text(code: str) -> str:
    """A flag in words, for trainers."""
    return FLAG_TEXT[code]


def _item(key: str, maximum: float, scores: list[float], totals: list[float]) -> ItemStats:
    if not scores:
        return ItemStats(key, None, None, None, None)
    rest = [total - score for total, score in zip(totals, scores, strict=True)]
    facility = sum(scores) / len(scores) / maximum if maximum else None
    variance, rest_variance = _variance(scores), _variance(rest)
    covariance = _covariance(scores, rest)
    sd = math.sqrt(variance) / maximum if variance is not None and maximum else None
    discrimination = efficiency = None
    if covariance is not None and variance and rest_variance:
        discrimination = covariance / math.sqrt(variance * rest_variance)
    best = _covariance(sorted(scores), sorted(rest))
    if covariance is not None and best:
        efficiency = covariance / best
    flags = []
    if facility is not None and facility > TOO_EASY:
        flags.append("too_easy")
    if facility is not None and facility < TOO_HARD:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative_discrimination")
    if efficiency is not None and efficiency < LOW_EFFICIENCY:
        flags.append("low_efficiency")
    return ItemStats(key, facility, sd, discrimination, efficiency, tuple(flags), len(scores))


def _variance(values: list[float]) -> float | None:
    return _covariance(values, values)


def _covariance(a: list[float], b: list[float]) -> float | None:
    """Sample covariance (S - 1 denominator, as Moodle); None for fewer than two people."""
    if len(a) < 2:
        return None
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    return sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True)) / (len(a) - 1)
