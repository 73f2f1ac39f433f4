"""Mapping between stored rows and core types: a bank question as a row, and a row as the core question."""

from __future__ import annotations

from quizengine.core.questions import Question as CoreQuestion
from quizengine.core.questions import QuestionKind, Source
from quizengine.models.banks import Question


def to_core(row: Question) -> CoreQuestion:
    """Rebuild the core question a stored row was loaded from."""
    return CoreQuestion(
        id=row.key,
        kind=QuestionKind(row.kind),
        stem=row.stem,
        answer=tuple(row.answer),
        options=tuple((key, text) for key, text in row.options),
        explanation=row.explanation,
        source=Source(row.source_document, row.source_section) if row.source_document else None,
        tags=tuple(row.tags),
        difficulty=row.difficulty,
        points=row.points,
        time_limit=row.time_limit,
        effective=row.effective,
        expires=row.expires,
    )


def question_fields(question: CoreQuestion) -> dict:
    """The columns of a stored question for a core question (its revision and position aside)."""
    return {
        "key": question.id,
        "kind": question.kind.value,
        "stem": question.stem,
        "options": [list(option) for option in question.options],
        "answer": list(question.answer),
        "explanation": question.explanation,
        "source_document": question.source.document if question.source else "",
        "source_section": question.source.section if question.source else "",
        "tags": list(question.tags),
        "difficulty": question.difficulty,
        "points": question.points,
        "time_limit": question.time_limit,
        "effective": question.effective,
        "expires": question.expires,
    }
