"""Judged scoring (岗位比武 and case reviews): rubric totals, conflicts of interest and the combination rules.

A rubric is a list of categories, each with a `weight` and a `max`: a judge's
total is the sum over categories of weight x (points / max), so a rubric
whose weights sum to 100 scores out of 100. Several judges' totals of one
entrant are combined by `combine_scores` (the combination rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean, pstdev

COMBINE_RULES = {"mean": "平均分", "trimmed_mean": "去掉一个最高分和一个最低分后的平均分"}
# The trimmed mean drops the highest and the lowest only with at least this many judges (as 评委打分 does).
TRIM_FROM = 5
ENTRANT_KINDS = {"people": "个人", "centers": "中心团队"}


@dataclass(frozen=True)
class Category:
    """One rubric category: key, label, weight and the highest points a judge may give."""

    key: str
    label: str
    weight: float
    max: float


def categories_of(rows: list[dict]) -> list[Category]:
    """A stored rubric's categories (Rubric.categories) as core values."""
    return [Category(r["key"], r["label"], float(r["weight"]), float(r["max"])) for r in rows]


def rubric_maximum(categories: list[Category]) -> float:
    """The highest total a judge can give: the sum of the weights."""
    return round(sum(c.weight for c in categories), 2)


def rubric_total(categories: list[Category], points: dict[str, float]) -> float:
    """One judge's total: sum of weight x points / max over the categories (missing points count 0)."""
    return round(sum(c.weight * float(points.get(c.key, 0)) / c.max for c in categories), 2)


def points_problems(categories: list[Category], points: dict[str, float | None]) -> dict[str, str]:
    """What is wrong with a judge's points, per category key (empty when they may be saved)."""
    problems = {}
    for c in categories:
        value = points.get(c.key)
        if value is None:
            problems[c.key] = f"请给「{c.label}」打分"
        elif not 0 <= value <= c.max:
            problems[c.key] = f"「{c.label}」的分数应在 0 到 {c.max:g} 之间"
    return problems


def in_conflict(judge_center_id: int | None, judge_bureau: str, center_id: int, center_bureau: str) -> bool:
    """Whether a judge must stand aside (回避) for an entrant of this center: their own center or bureau."""
    if judge_center_id is not None and judge_center_id == center_id:
        return True
    return bool(judge_bureau) and judge_bureau.strip() == (center_bureau or "").strip()


@dataclass(frozen=True)
class Combined:
    """An entrant's combined score, how many judges scored, and whether that is fewer than required."""

    score: float | None
    judges: int
    too_few: bool


def combine_scores(
    totals: dict[object, dict[int, float]], rule: str = "mean", normalise: bool = False, min_judges: int = 1
) -> dict[object, Combined]:
    """The combination rule: {entrant: {judge: total}} -> {entrant: Combined}.

    - `mean`: the average of the judges' totals.
    - `trimmed_mean`: with at least 5 judges, drop one highest and one lowest
      total, then average; with fewer, the plain mean.
    - `normalise`: first replace each judge's totals by their z-score among
      that judge's own totals (a severe judge then weighs the same as a
      lenient one), mapped back onto the scale of all totals (overall mean +
      z x overall standard deviation); a judge whose totals are all equal
      gives the overall mean.
    Scores are rounded to 2 decimals; an entrant nobody scored gets None.
    `too_few` is True when fewer than `min_judges` judges scored.
    """
    if rule not in COMBINE_RULES:
        raise ValueError(f"unknown combination rule {rule!r}")
    if normalise:
        totals = _normalised(totals)
    result = {}
    for entrant, by_judge in totals.items():
        values = sorted(by_judge.values())
        if not values:
            result[entrant] = Combined(None, 0, min_judges > 0)
            continue
        kept = values[1:-1] if rule == "trimmed_mean" and len(values) >= TRIM_FROM else values
        result[entrant] = Combined(round(mean(kept), 2), len(values), len(values) < min_judges)
    return result


def _normalised(totals: dict[object, dict[int, float]]) -> dict[object, dict[int, float]]:
    every = [v for by_judge in totals.values() for v in by_judge.values()]
    if not every:
        return totals
    overall_mean, overall_sd = mean(every), pstdev(every)
    per_judge: dict[int, list[float]] = {}
    for by_judge in totals.values():
        for judge, value in by_judge.items():
            per_judge.setdefault(judge, []).append(value)
    stats = {judge: (mean(values), pstdev(values)) for judge, values in per_judge.items()}
    result = {}
    for entrant, by_judge in totals.items():
        result[entrant] = {}
        for judge, value in by_judge.items():
            judge_mean, judge_sd = stats[judge]
            z = (value - judge_mean) / judge_sd if judge_sd else 0.0
            result[entrant][judge] = overall_mean + z * overall_sd
    return result
