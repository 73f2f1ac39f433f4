"""Scoring rules: what one answer earns. Every rule is defined here and only here.

- `speed` (live default, Kahoot-style): a right answer earns
  round(points * (1 - (t / T) / 2)), where t is the server's receive time minus
  the open time and T the time limit; full points under 0.5 s, never less than half.
- `fixed`: a right answer earns the question's points (written-test style).
- Multiple choice: `all_or_nothing` (default) or `partial` (少选得一半: a strict
  subset of the right options earns half; any wrong option earns 0). Partial
  credit applies to the points the rule would give a right answer, and a half
  point rounds up (5 points -> 3), never to the even number as round() would.
- `buzzer` rounds: the first valid press answers; right +points, wrong -points.
- `risk` rounds: right +stake, wrong -stake; no stake means the lowest stake.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from quizengine.core.questions import Question, QuestionKind, check_answer

# The rules and round kinds, and how they are named to users (the one label table of each).
SCORING_LABELS = {"speed": "按速度计分（答得越快得分越高）", "fixed": "答对得全分"}
ROUND_KIND_LABELS = {"mandatory": "必答题", "buzzer": "抢答题", "risk": "风险题"}
SCORING_RULES = tuple(SCORING_LABELS)


def round_rule_label(kind: str, scoring: str = "speed") -> str:
    """How a round scores, in words (a mandatory round by its rule; buzzer and risk by their kind)."""
    if kind == "buzzer":
        return "抢到并答对加分，答错扣分"
    if kind == "risk":
        return "答对加所选分值，答错扣同样的分值；不选按最低分值"
    return SCORING_LABELS.get(scoring, scoring)


ROUND_KINDS = tuple(ROUND_KIND_LABELS)
FULL_POINTS_WITHIN_MS = 500


@dataclass(frozen=True)
class RoundRule:
    """How a round scores: its kind, the base rule, and multiple-choice credit."""

    kind: str = "mandatory"
    scoring: str = "speed"
    partial: bool = False
    points: int | None = None  # buzzer rounds: ± this, else the question's points
    stakes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The result of one scored answer."""

    correct: bool
    points: int


def speed_points(points: int, elapsed_ms: int, time_limit_s: int) -> int:
    """Kahoot-style points for a right answer given `elapsed_ms` after opening."""
    if elapsed_ms < FULL_POINTS_WITHIN_MS:
        return points
    share = min(max(elapsed_ms / (time_limit_s * 1000), 0.0), 1.0)
    return round(points * (1 - share / 2))


def score_answer(
    question: Question, response, rule: RoundRule, *, elapsed_ms: int, time_limit_s: int, stake: int | None = None
) -> Outcome:
    """Score one response under a round's rule (see the module docstring)."""
    partial = rule.partial and question.kind is QuestionKind.MULTIPLE
    verdict = check_answer(question, response, partial=partial)
    if rule.kind == "buzzer":
        value = rule.points or question.points
        return Outcome(verdict.correct, value if verdict.correct else -value)
    if rule.kind == "risk":
        value = stake if stake is not None else min(rule.stakes or (question.points,))
        return Outcome(verdict.correct, value if verdict.correct else -value)
    full = speed_points(question.points, elapsed_ms, time_limit_s) if rule.scoring == "speed" else question.points
    return Outcome(verdict.correct, math.floor(full * verdict.fraction + 0.5))
