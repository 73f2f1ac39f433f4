"""Judged work (成果评审): the rubric's weighted total, the judges' totals combined, the ranking and the awards.

Plain numbers in, numbers and warnings out; services/judging brings the rows. The rules, as docs/judging.md states:

- **Rubric total** (`rubric_total`): each category's points ÷ its maximum ×
  its weight, summed. Every category must be scored, with a number from 0 to
  its maximum; with weights adding up to 100 the total is out of 100.
- **Combination** of the judges' totals per entrant (`combine_totals`):
  `mean` (the default) is the plain mean; `trimmed_mean` drops one highest and
  one lowest total and averages the rest (as Chinese 评委打分 does), only where
  at least `TRIM_MIN_JUDGES` (5) judges scored the entrant: with 4 or fewer it
  is the plain mean, with a warning saying so.
- **Per-judge normalisation** (`normalise_judges`, optional, before combining):
  each judge's totals over the entrants they scored become z-scores,
  (x − that judge's mean) ÷ that judge's standard deviation (population sd),
  so a severe judge weighs the same as a lenient one. A judge with one score
  only, or whose totals are all equal, gets 0 for all theirs, with a warning.
  The combined z-score is mapped back to the rubric's scale with the mean and
  population sd of all the judges' raw totals: score = mean + z × sd, so the
  figures stay readable as points (ranking is unchanged by the mapping).
- **Too few judges**: an entrant scored by fewer than `min_judges` judges gets
  a warning (its score still counts); an entrant nobody scored has no score.
- **Ranking and awards** (`awards`) reuse the selection's rules
  (core.selection.combine, one part kept raw): higher score first, equal scores
  share a rank, and everyone tied at the last place of the quota is awarded and
  flagged (`tied_at_cutoff`), with a warning that the quota is exceeded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean, pstdev

from quizengine.core.selection import Entrant, Outcome, Part, PartScore, Rules, combine

COMBINE_LABELS = {
    "mean": "评委平均分",
    "trimmed_mean": "去掉一个最高分和一个最低分后的平均分（至少 5 位评委时）",
}
TRIM_MIN_JUDGES = 5
AWARD_QUOTA = 5  # 5 优秀工作案例
# Combined scores are float means: equal scores must compare equal, not differ in the 15th digit.
_PLACES = 9
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")


class RubricError(ValueError):
    """A rubric or a judge's scores that cannot be used; the message says what, in Chinese."""


@dataclass(frozen=True)
class Category:
    """One score category of a rubric (评审表的一项): points from 0 to `maximum`, worth `weight`."""

    key: str
    label: str
    weight: float
    maximum: float

    def as_json(self) -> dict:
        """The stored form (models.judging.Rubric.categories)."""
        return {"key": self.key, "label": self.label, "weight": self.weight, "max": self.maximum}


def categories_from(raw: Sequence[Mapping]) -> list[Category]:
    """A rubric's categories from their stored or submitted form, checked (RubricError on the first problem)."""
    categories, seen = [], set()
    if not raw:
        raise RubricError("评审表至少要有一项评分内容")
    for position, item in enumerate(raw, 1):
        key, label = str(item.get("key", "")).strip(), str(item.get("label", "")).strip()
        where = f"第 {position} 项"
        if not _KEY.fullmatch(key):
            raise RubricError(f"{where}的代码须为小写字母开头的字母、数字或下划线（最多 32 个）")
        if key in seen:
            raise RubricError(f"{where}的代码 {key} 重复")
        if not label or len(label) > 50:
            raise RubricError(f"{where}须有名称（最多 50 字）")
        weight, maximum = _number(item.get("weight")), _number(item.get("max"))
        if weight is None or not 0 < weight <= 1000:
            raise RubricError(f"{where}（{label}）的权重须为大于 0、不超过 1000 的数")
        if maximum is None or not 0 < maximum <= 1000:
            raise RubricError(f"{where}（{label}）的满分须为大于 0、不超过 1000 的数")
        seen.add(key)
        categories.append(Category(key, label, weight, maximum))
    return categories


def scale(categories: Sequence[Category]) -> float:
    """The highest possible total: the sum of the weights."""
    return sum(c.weight for c in categories)


def rubric_total(categories: Sequence[Category], scores: Mapping[str, object]) -> float:
    """A judge's total: each category's points ÷ its maximum × its weight, summed (RubricError when invalid).

    Every category must be present with a number from 0 to its maximum; a key
    that is not a category is refused too (it would be a score nobody sees).
    """
    unknown = set(scores) - {c.key for c in categories}
    if unknown:
        raise RubricError(f"评审表中没有这些评分项：{'、'.join(sorted(unknown))}")
    total = 0.0
    for category in categories:
        points = _number(scores.get(category.key))
        if points is None:
            raise RubricError(f"请为「{category.label}」打分")
        if not 0 <= points <= category.maximum:
            raise RubricError(f"「{category.label}」的分数须在 0 到 {category.maximum:g} 之间")
        total += points / category.maximum * category.weight
    return round(total, _PLACES)


def _number(value) -> float | None:
    """A finite number from a JSON value or a form's text; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


@dataclass(frozen=True)
class Combined:
    """An entrant's combined score (None: nobody scored it), the totals it came from, and its warnings."""

    entrant: str
    score: float | None
    judges: int
    trimmed: bool = False
    warnings: tuple[str, ...] = ()


@dataclass
class Combination:
    """The combined scores of every entrant, and the warnings about judges (normalisation)."""

    scores: dict[str, Combined]
    warnings: list[str] = field(default_factory=list)


def combine_totals(
    totals: Mapping[str, Mapping[str, float]],
    rule: str = "mean",
    normalise: bool = False,
    min_judges: int = 3,
    judge_names: Mapping[str, str] | None = None,
) -> Combination:
    """Combine `totals[entrant][judge]` per entrant by `rule`, optionally z-normalised per judge (module docstring)."""
    if rule not in COMBINE_LABELS:
        raise ValueError(f"unknown combination rule {rule!r}")
    names = judge_names or {}
    warnings: list[str] = []
    values = {entrant: dict(by_judge) for entrant, by_judge in totals.items()}
    if normalise:
        values, warnings = _normalised(values, names)
    raw = [t for by_judge in totals.values() for t in by_judge.values()]
    centre, spread = (fmean(raw), pstdev(raw)) if raw else (0.0, 0.0)
    scores = {}
    for entrant, by_judge in values.items():
        given = sorted(by_judge.values())
        notes, trimmed = [], False
        if not given:
            scores[entrant] = Combined(entrant, None, 0, warnings=("没有评委评分",))
            continue
        if len(given) < min_judges:
            notes.append(f"只有 {len(given)} 位评委评分，少于规定的 {min_judges} 位")
        if rule == "trimmed_mean":
            if len(given) >= TRIM_MIN_JUDGES:
                given, trimmed = given[1:-1], True
            else:
                notes.append(f"评委不足 {TRIM_MIN_JUDGES} 位（{len(given)} 位），按平均分计算，未去掉最高分和最低分")
        value = fmean(given)
        if normalise:
            value = centre + value * spread
        scores[entrant] = Combined(entrant, round(value, _PLACES), len(by_judge), trimmed, tuple(notes))
    return Combination(scores, warnings)


def _normalised(
    values: dict[str, dict[str, float]], names: Mapping[str, str]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Each judge's totals as z-scores over the entrants they scored; 0 (and a warning) when that cannot be."""
    by_judge: dict[str, dict[str, float]] = {}
    for entrant, given in values.items():
        for judge, total in given.items():
            by_judge.setdefault(judge, {})[entrant] = total
    out: dict[str, dict[str, float]] = {entrant: {} for entrant in values}
    warnings = []
    for judge in sorted(by_judge):
        mine = by_judge[judge]
        centre, spread = fmean(mine.values()), pstdev(mine.values())
        if len(mine) < 2 or spread == 0:
            why = "只评了 1 份" if len(mine) < 2 else "给出的总分全部相同"
            warnings.append(f"评委 {names.get(judge, judge)} {why}，无法标准化，其评分按平均水平（0）计")
        for entrant, total in mine.items():
            out[entrant][judge] = (total - centre) / spread if len(mine) >= 2 and spread else 0.0
    return out, warnings


def awards(
    scores: Mapping[str, float | None], quota: int = AWARD_QUOTA, names: Mapping[str, str] | None = None
) -> Outcome:
    """Rank the scored entrants and award `quota` of them, ties at the cut-off included (module docstring).

    Entrants without a score (None) take no part. `quota` 0 ranks without awarding.
    The placements are core.selection's: `rank`, `tied`, `award`, `tied_at_cutoff`.
    """
    names = names or {}
    scored = {key: score for key, score in scores.items() if score is not None}
    entrants = [Entrant(key, names.get(key, key), "", "") for key in scored]
    part = Part("judged", "评审", 1, normalise="raw")
    parts = {"judged": {key: PartScore(score) for key, score in scored.items()}}
    outcome = combine(entrants, [part], parts, Rules(award=quota, recommend=0))
    # The selection's warnings speak of eligible entrants; here they are scored submissions.
    outcome.warnings = []
    if outcome.award_exceeded:
        outcome.warnings.append(f"名额 {quota} 个，因末位并列评出 {outcome.awarded} 个，超出名额")
    if 0 < len(scored) < quota:
        outcome.warnings.append(f"有得分的材料只有 {len(scored)} 份，不足名额 {quota} 个")
    return outcome
