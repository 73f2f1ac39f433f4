"""What a person and an organizer see of a paper: its window, attempts, the open paper (no keys), the review.

Answer keys leave the server only in a review, which exists only for a
closed attempt whose results are visible (`papers.results_visible`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from quizengine.core.live import Status
from quizengine.core.paper import counted_attempt, window_state
from quizengine.core.questions import QuestionKind
from quizengine.extensions import db
from quizengine.models import Attempt, AttemptItem, Contest, Player, Staff
from quizengine.services.correctable import active_corrections
from quizengine.services.papers import (
    attempts_of,
    close_due,
    current_attempt,
    paper_contest,
    player_of,
    results_visible,
)
from quizengine.services.results import attempt_result
from quizengine.timezone import iso, local_text


def state(contest: Contest, staff: Staff, now: datetime) -> dict:
    """The person's view of a paper: window, attempts, the open paper (no keys) or a visible review."""
    paper_contest(contest, staff)
    current = current_attempt(contest, staff, now)
    player = player_of(contest, staff, create=False)
    attempts = attempts_of(player)
    settings = contest.settings
    closed = [a for a in attempts if a.closed_at is not None]
    latest = closed[-1] if closed else None
    window = window_state(now, contest.opens_at, contest.closes_at) if contest.status == Status.OPEN else "closed"
    return {
        "contest": {
            "code": contest.code,
            "title": contest.title,
            "status": contest.status,
            "window": window,
            "opens_at": iso(contest.opens_at),
            "closes_at": iso(contest.closes_at),
            # the window as the organizer wrote it (QUIZ_TIMEZONE), whatever the phone's own zone
            "opens_text": local_text(contest.opens_at),
            "closes_text": local_text(contest.closes_at),
            "time_limit": settings["time_limit"],
            "attempts": settings.get("attempts", 1),
            "counting": settings.get("counting", "best"),
            "layout": settings.get("layout", "single"),
            "results": settings.get("results", "after_submit"),
            "sections": [
                {"title": r.title, "count": r.scoring["count"], "points": r.scoring.get("points")}
                for r in contest.rounds
            ],
        },
        "staff": {"staff_no": staff.staff_no, "name": staff.name, "center": staff.center.name},
        "now": iso(now),
        "attempts": [_attempt_summary(contest, a, now) for a in attempts],
        "attempts_left": max(0, settings.get("attempts", 1) - len(attempts)),
        "current": _paper(current) if current else None,
        "review": _review(latest) if latest and results_visible(contest, latest, now) else None,
    }


def summary(contest: Contest, staff: Staff, now: datetime) -> dict:
    """One line of the person's home page: window, attempts used and left, the counted result when visible."""
    current = current_attempt(contest, staff, now)
    attempts = attempts_of(player_of(contest, staff, create=False))
    closed = [a for a in attempts if a.closed_at is not None]
    window = window_state(now, contest.opens_at, contest.closes_at) if contest.status == Status.OPEN else "closed"
    visible = [a for a in closed if results_visible(contest, a, now)]
    counted = None
    if visible and len(visible) == len(closed):
        results = [attempt_result(a) for a in closed]
        best = counted_attempt(results, contest.settings.get("counting", "best"))
        counted = next(a for a in closed if a.number == best.number)
    return {
        "window": window,
        "used": len(attempts),
        "left": max(0, contest.settings.get("attempts", 1) - len(attempts)),
        "open": current is not None,
        "counted": {"points": counted.points, "max_points": _max_points(counted)} if counted else None,
    }


def _attempt_summary(contest: Contest, attempt: Attempt, now: datetime) -> dict:
    summary = {
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "closed_at": iso(attempt.closed_at),
        "closed_by": attempt.closed_by,
        "answered": sum(item.response is not None for item in attempt.items),
        "total": len(attempt.items),
    }
    if results_visible(contest, attempt, now):
        summary.update(points=attempt.points, correct=attempt.correct, max_points=_max_points(attempt))
    return summary


def _max_points(attempt: Attempt) -> int:
    return sum(item.points_value for item in attempt.items)


def _options(item: AttemptItem) -> list[list[str]]:
    texts = dict(item.question.options)
    return [[key, texts[key]] for key in item.option_order]


def _item(item: AttemptItem) -> dict:
    return {
        "position": item.position,
        "section": item.round.title,
        "kind": item.question.kind,
        "kind_label": QuestionKind(item.question.kind).label,
        "stem": item.question.stem,
        "options": _options(item),
        "points": item.points_value,
        "response": item.response,
        "revision": item.revision,
    }


def _paper(attempt: Attempt) -> dict:
    """The open paper: questions, option order and saved answers, never the keys."""
    return {
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "items": [_item(item) for item in attempt.items],
    }


def _review(attempt: Attempt) -> dict:
    """A closed attempt with marks, keys (as corrected after a dispute, 复核), explanations and sources."""
    fixes = active_corrections(db.session.get(Contest, attempt.contest_id))
    items = []
    for item in attempt.items:
        question, fix = item.question, fixes.get(item.question_id)
        items.append(
            {
                **_item(item),
                "answer": fix.answer if fix is not None and fix.kind == "rekey" else question.answer,
                "voided": fix is not None and fix.kind == "void",
                "correct": item.correct,
                "earned": item.points or 0,
                "explanation": question.explanation,
                "source": " ".join(p for p in (question.source_document, question.source_section) if p),
            }
        )
    return {
        "number": attempt.number,
        "points": attempt.points,
        "max_points": _max_points(attempt),
        "correct": attempt.correct,
        "answered": attempt.answered,
        "closed_by": attempt.closed_by,
        "items": items,
    }


def attempts_table(contest: Contest, now: datetime) -> list[dict]:
    """Every attempt of a contest for the organizer (closing timed-out ones first)."""
    close_due(now)
    rows = db.session.execute(
        select(Attempt, Staff)
        .join(Player, Attempt.player_id == Player.id)
        .join(Staff, Player.staff_id == Staff.id)
        .where(Attempt.contest_id == contest.id)
        .order_by(Staff.staff_no, Attempt.number)
    ).all()
    return [
        {"attempt": attempt, "staff": staff, "answered": sum(item.response is not None for item in attempt.items)}
        for attempt, staff in rows
    ]
