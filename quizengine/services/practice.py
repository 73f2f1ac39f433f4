"""Practice (学习): the questions a person may practise, the next one to ask, checking and keeping answers.

Each answer updates the person's wrong-answer book (services.book) in the
same transaction; a page's nonce makes a twice-sent form one answer.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quizengine.core.live import Mode, Status
from quizengine.core.questions import canonical_response, check_answer, in_force, valid_response
from quizengine.extensions import db
from quizengine.models import (
    Bank,
    BankRevision,
    Contest,
    ContestGroup,
    PracticeAnswer,
    Question,
    Round,
    RoundQuestion,
    Staff,
)
from quizengine.models.mapping import to_core
from quizengine.services.book import book, in_book, note_answer
from quizengine.services.errors import Refused
from quizengine.timezone import local_zone


@dataclass(frozen=True)
class PracticeBank:
    """A bank open to a person's group, with its policy topics (tag -> label) and question count."""

    key: str
    title: str
    tags: dict[str, str]
    questions: int


def practice_banks(staff: Staff) -> list[PracticeBank]:
    """Current, active banks of the person's group (a bank naming no group is open to all)."""
    result = []
    for bank, revision in current_revisions():
        if revision.groups and staff.center.group.key not in revision.groups:
            continue
        result.append(PracticeBank(bank.key, revision.title, dict(revision.tags), len(revision.questions)))
    return result


def current_revisions():
    """(bank, current revision) of every bank whose current revision is active."""
    return db.session.execute(
        select(Bank, BankRevision)
        .join(BankRevision, Bank.current_revision_id == BankRevision.id)
        .where(BankRevision.active.is_(True))
        .order_by(Bank.key)
    ).all()


def held_back(staff: Staff, now: datetime) -> set[str]:
    """Ids of questions practice must not show this person now: practice feedback shows the key.

    Those of a paper of the person's group not closed yet (a draft too: it is
    published later with these questions), and of a live contest of the group
    that has not finished, until each question has been shown and closed.
    """
    paper_open = (Contest.mode == Mode.SELF_PACED) & (Contest.closes_at > now)
    live_unshown = (Contest.mode == Mode.LIVE) & RoundQuestion.closed_at.is_(None)
    return set(
        db.session.scalars(
            select(Question.key)
            .join(RoundQuestion, RoundQuestion.question_id == Question.id)
            .join(Round, RoundQuestion.round_id == Round.id)
            .join(Contest, Round.contest_id == Contest.id)
            .join(ContestGroup, ContestGroup.contest_id == Contest.id)
            .where(
                ContestGroup.group_id == staff.center.group_id,
                Contest.status.in_([Status.DRAFT, Status.OPEN]),
                paper_open | live_unshown,
            )
            .distinct()
        )
    )


def practice_pool(
    staff: Staff, bank_key: str | None = None, tag: str | None = None, *, now: datetime
) -> list[Question]:
    """The questions a person may practise, optionally of one bank and/or one policy topic."""
    keys = {b.key for b in practice_banks(staff)}
    if bank_key:
        keys &= {bank_key}
    rows = db.session.scalars(
        select(Question)
        .join(BankRevision, Question.revision_id == BankRevision.id)
        .join(Bank, Bank.current_revision_id == BankRevision.id)
        .where(Bank.key.in_(keys))
        .order_by(Question.id)
    )
    hidden, today = held_back(staff, now), now.astimezone(local_zone()).date()
    return [
        q
        for q in rows
        if (not tag or tag in q.tags) and q.key not in hidden and in_force(q.effective, q.expires, today)
    ]


def next_question(
    staff: Staff, bank_key: str | None, tag: str | None, rng: random.Random | None = None, *, now: datetime
):
    """A question not practised yet (at random), else the one practised longest ago; None for an empty pool."""
    pool = practice_pool(staff, bank_key, tag, now=now)
    if not pool:
        return None
    last_seen = dict(
        db.session.execute(
            select(Question.key, func.max(PracticeAnswer.answered_at))
            .join(Question, PracticeAnswer.question_id == Question.id)
            .where(PracticeAnswer.staff_id == staff.id)
            .group_by(Question.key)
        ).all()
    )
    unseen = [q for q in pool if q.key not in last_seen]
    if unseen:
        return (rng or random.Random()).choice(unseen)
    return min(pool, key=lambda q: (last_seen[q.key], q.id))


def new_nonce() -> str:
    """A question page's one-time key: submitting its form twice stores one answer."""
    return secrets.token_urlsafe(16)


def answer(staff: Staff, question_id: int, response, nonce: str, now: datetime, *, from_book: bool = False):
    """Check and keep one practice answer; the same nonce again returns the first one."""
    if not nonce or len(nonce) > 64:
        raise Refused("page_expired")
    existing = db.session.scalar(
        select(PracticeAnswer).where(PracticeAnswer.staff_id == staff.id, PracticeAnswer.nonce == nonce)
    )
    if existing is not None:
        return existing
    row = practisable(staff, question_id, now)
    if row is None:
        raise Refused("unknown_question")
    core = to_core(row)
    if response is None or not valid_response(core, response):
        raise Refused("no_response")
    verdict = check_answer(core, response)
    record = PracticeAnswer(
        staff_id=staff.id,
        question_id=row.id,
        nonce=nonce,
        from_book=from_book,
        response=canonical_response(core, response),
        correct=verdict.correct,
        answered_at=now,
    )
    record.book = note_answer(staff.id, row, verdict.correct, now)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:  # the same form arrived twice at once
        db.session.rollback()
        return db.session.scalar(
            select(PracticeAnswer).where(PracticeAnswer.staff_id == staff.id, PracticeAnswer.nonce == nonce)
        )
    return record


def practisable(staff: Staff, question_id: int, now: datetime) -> Question | None:
    """The question, if the person may practise it (a bank of their group, or an open entry of their book)."""
    row = db.session.get(Question, question_id)
    if row is None or row.key in held_back(staff, now):
        return None
    if not in_force(row.effective, row.expires, now.astimezone(local_zone()).date()):  # an outdated policy
        return None
    in_pool = row.revision.bank.current_revision_id == row.revision_id and row.revision.active
    if in_pool and row.revision.bank.key in {b.key for b in practice_banks(staff)}:
        return row
    return row if in_book(staff, row.key) else None


def practice_answer(staff: Staff, answer_id: int) -> PracticeAnswer | None:
    """One of the person's own practice answers."""
    record = db.session.get(PracticeAnswer, answer_id)
    return record if record is not None and record.staff_id == staff.id else None


@dataclass(frozen=True)
class MyProgress:
    """A person's own practice figures."""

    answered: int
    correct: int
    days: int
    book: int


def my_progress(staff: Staff, now: datetime) -> MyProgress:
    """How much the person practised, and how many questions wait in the book."""
    answered, correct = db.session.execute(
        select(
            func.count(PracticeAnswer.id), func.count(PracticeAnswer.id).filter(PracticeAnswer.correct.is_(True))
        ).where(PracticeAnswer.staff_id == staff.id)
    ).one()
    times = db.session.scalars(select(PracticeAnswer.answered_at).where(PracticeAnswer.staff_id == staff.id))
    zone = local_zone()
    days = len({t.astimezone(zone).date() for t in times})
    return MyProgress(int(answered), int(correct), days, len(book(staff, now)))
