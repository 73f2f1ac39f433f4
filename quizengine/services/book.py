"""The wrong-answer book (错题本): entries kept from practice, papers and live contests.

When a question enters and leaves the book is core.learning's rule
(`BookEntry.after`); this module finds and keeps the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizengine.core.learning import RECENT_DAYS, BookEntry
from quizengine.extensions import db
from quizengine.models import Answer, Bank, BankRevision, Contest, Mistake, Player, Question, RoundQuestion, Staff


def note_answer(staff_id: int, question: Question, correct: bool, at: datetime) -> dict | None:
    """Update the person's wrong-answer book after an answer (in the caller's transaction).

    Returns the question's book entry after this answer, {wrong_count, streak, cleared, left}
    (`left`: this answer took it out of the book), or None when it is not and was never in the book.
    """
    return note_answers(staff_id, [(question, correct, at)])[0]


def note_answers(staff_id: int, answers: list[tuple[Question, bool, datetime]]) -> list[dict | None]:
    """`note_answer` for several different questions at once (a closed paper, a finished contest), in
    the order given (question, correct, when), reading the book once."""
    keys = [question.key for question, _, _ in answers]
    book = {
        m.question_key: m
        for m in db.session.scalars(select(Mistake).where(Mistake.staff_id == staff_id, Mistake.question_key.in_(keys)))
    }
    return [_note(staff_id, question, correct, at, book.get(question.key)) for question, correct, at in answers]


def _note(staff_id: int, question: Question, correct: bool, at: datetime, mistake: Mistake | None) -> dict | None:
    if mistake is None and correct:
        return None
    entry = BookEntry(mistake.wrong_count, mistake.streak, mistake.cleared) if mistake else BookEntry()
    after = entry.after(correct)
    state = {
        "wrong_count": after.wrong_count,
        "streak": after.streak,
        "cleared": after.cleared,
        "left": after.cleared and not entry.cleared,
    }
    if after == entry:  # a right answer to a question already out of the book
        return state
    fields = {"wrong_count": after.wrong_count, "streak": after.streak, "cleared": after.cleared, "updated_at": at}
    if not correct:
        fields.update(question_id=question.id, last_wrong_at=at)
    if mistake is None:
        try:
            with db.session.begin_nested():
                db.session.add(Mistake(staff_id=staff_id, question_key=question.key, **fields))
        except IntegrityError:  # entered by a parallel answer of the same person at the same instant
            pass
        return state
    for name, value in fields.items():
        setattr(mistake, name, value)
    return state


def in_book(staff: Staff, key: str) -> bool:
    """Whether the question (by id) is an open entry of the person's book."""
    return (
        db.session.scalar(
            select(Mistake.id).where(
                Mistake.staff_id == staff.id, Mistake.question_key == key, Mistake.cleared.is_(False)
            )
        )
        is not None
    )


def book(staff: Staff, now: datetime) -> list[Mistake]:
    """The open entries answered wrongly within the last RECENT_DAYS, most recent first."""
    return list(
        db.session.scalars(
            select(Mistake)
            .where(
                Mistake.staff_id == staff.id,
                Mistake.cleared.is_(False),
                Mistake.last_wrong_at >= now - timedelta(days=RECENT_DAYS),
            )
            .order_by(Mistake.last_wrong_at.desc(), Mistake.id.desc())
        )
    )


def book_question(mistake: Mistake) -> Question:
    """The question to retry: its bank's current wording when it still exists, else the one answered."""
    current = db.session.scalar(
        select(Question)
        .join(BankRevision, Question.revision_id == BankRevision.id)
        .join(Bank, Bank.current_revision_id == BankRevision.id)
        .where(Question.key == mistake.question_key)
    )
    return current or mistake.question


def next_from_book(staff: Staff, now: datetime, after_key: str | None = None) -> Question | None:
    """The next question to retry: the oldest-touched open entry, not the one just answered when others wait."""
    entries = sorted(book(staff, now), key=lambda m: (m.updated_at, m.id))
    if not entries:
        return None
    others = [m for m in entries if m.question_key != after_key]
    return book_question((others or entries)[0])


def book_entry(staff: Staff, key: str) -> Mistake | None:
    """The person's book entry for a question id, if any."""
    return db.session.scalar(select(Mistake).where(Mistake.staff_id == staff.id, Mistake.question_key == key))


def note_contest(contest: Contest) -> None:
    """Put every player's answers of a finished live contest into their books (commits).

    Run after the podium went out (sockets.timers.book_answers_later): a hall of players takes a moment."""

    rows = db.session.execute(
        select(Player.staff_id, Question, Answer.correct, Answer.received_at)
        .join(Answer, Answer.player_id == Player.id)
        .join(RoundQuestion, Answer.round_question_id == RoundQuestion.id)
        .join(Question, RoundQuestion.question_id == Question.id)
        .where(Player.contest_id == contest.id)
        .order_by(Player.staff_id, Answer.received_at)
    ).all()
    by_staff: dict[int, list] = {}
    for staff_id, question, correct, at in rows:
        by_staff.setdefault(staff_id, []).append((question, correct, at))
    for staff_id, answers in by_staff.items():
        note_answers(staff_id, answers)
    db.session.commit()
