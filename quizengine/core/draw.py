"""Reproducible question draws: the same pool, blueprint and seed give the same questions."""

from __future__ import annotations

import random
from dataclasses import dataclass

from quizengine.core.questions import Question


@dataclass(frozen=True)
class DrawSpec:
    """Draw `count` questions matching the filters (empty filter = any)."""

    count: int
    seed: int
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    difficulty: tuple[int, int] = (1, 5)


class DrawError(ValueError):
    """The pool cannot satisfy a draw."""


def matches(question: Question, spec: DrawSpec) -> bool:
    """Whether a question fits the draw's filters."""
    if spec.tags and not set(spec.tags) & set(question.tags):
        return False
    if spec.kinds and question.kind.value not in spec.kinds:
        return False
    low, high = spec.difficulty
    return low <= question.difficulty <= high


def draw(pool: list[Question], spec: DrawSpec, exclude: set[str] = frozenset()) -> list[Question]:
    """Pick questions for `spec` from `pool` (ordered by id first, so the input order does not matter)."""
    candidates = sorted((q for q in pool if matches(q, spec) and q.id not in exclude), key=lambda q: q.id)
    if len(candidates) < spec.count:
        raise DrawError(f"只有 {len(candidates)} 道题符合条件，需要 {spec.count} 道")
    return random.Random(spec.seed).sample(candidates, spec.count)
