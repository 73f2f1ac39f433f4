"""Judged scoring (岗位比武 and case reviews): rubric totals, conflicts of interest and the combination rules.

A rubric is a list of categories, each with a `weight` and a `max`: a judge's
total is the sum over categories of weight x (points / max), so a rubric
whose weights sum to 100 scores out of 100. Several judges' totals of one
entrant are combined by `combine_scores` (the combination rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from quizengine.core import judging

COMBINE_RULES = {"mean": "平均分", "trimmed_mean": "去掉一个最高分和一个最低分后的平均分"}
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


def _as_judging(categories: list[Category]) -> list[judging.Category]:
    return [judging.Category(c.key, c.label, c.weight, c.max) for c in categories]


def rubric_maximum(categories: list[Category]) -> float:
    """The highest total a judge can give: the sum of the weights (core.judging.scale)."""
    return round(judging.scale(_as_judging(categories)), 2)


def rubric_total(categories: list[Category], points: dict[str, float]) -> float:
    """One judge's total (core.judging.rubric_total), to 2 decimals; the points are checked by `points_problems`."""
    return round(judging.rubric_total(_as_judging(categories), points), 2)


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
    """{entrant: {judge: total}} -> {entrant: Combined} by core.judging.combine_totals (the one combination rule:
    mean, trimmed mean from 5 judges, optional per-judge z-scores), to 2 decimals; `too_few` when fewer than
    `min_judges` judges scored."""
    if rule not in COMBINE_RULES:
        raise ValueError(f"unknown combination rule {rule!r}")
    keys = {str(entrant): entrant for entrant in totals}
    combined = judging.combine_totals(
        {
            str(entrant): {str(judge): total for judge, total in by_judge.items()}
            for entrant, by_judge in totals.items()
        },
        rule,
        normalise,
        min_judges,
    )
    result = {}
    for key, entrant in keys.items():
        c = combined.scores[key]
        score = None if c.score is None else round(c.score, 2)
        result[entrant] = Combined(score, c.judges, c.judges < min_judges if c.judges else min_judges > 0)
    return result
