"""Statistics over a set of questions, for trainers (`bank stats`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from quizengine.core.questions import Question, QuestionKind


@dataclass(frozen=True)
class BankStats:
    """Counts by type, tag and difficulty, and the questions missing a part."""

    total: int
    by_kind: dict[QuestionKind, int]  # in QuestionKind's order; show `kind.label`
    by_tag: dict[str, int]
    by_difficulty: dict[int, int]
    without_explanation: tuple[str, ...]
    without_source: tuple[str, ...]
    untagged: tuple[str, ...]


def summarize(questions: list[Question] | tuple[Question, ...]) -> BankStats:
    """Summarise questions; counts are ordered by type, then tag, then difficulty."""
    kinds = Counter(q.kind for q in questions)
    tags = Counter(tag for q in questions for tag in q.tags)
    return BankStats(
        total=len(questions),
        by_kind={kind: kinds[kind] for kind in QuestionKind if kinds[kind]},
        by_tag=dict(sorted(tags.items(), key=lambda item: (-item[1], item[0]))),
        by_difficulty=dict(sorted(Counter(q.difficulty for q in questions).items())),
        without_explanation=tuple(q.id for q in questions if not q.explanation.strip()),
        without_source=tuple(q.id for q in questions if q.source is None),
        untagged=tuple(q.id for q in questions if not q.tags),
    )
