"""Practice (学习), the wrong-answer book (错题本) and the centers' learning report.

The rules (when a question enters and leaves the book, what a study session
is) live in core.learning; this module finds the rows and keeps them.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quizengine.core.learning import RECENT_DAYS, REQUIRED_SESSIONS, BookEntry, Tally, study_sessions
from quizengine.core.questions import canonical_response, check_answer, valid_response
from quizengine.extensions import db
from quizengine.models import (
    Answer,
    Attempt,
    AttemptItem,
    Bank,
    BankRevision,
    Center,
    Group,
    Mistake,
    Player,
    PracticeAnswer,
    Question,
    RoundQuestion,
    Staff,
)
from quizengine.services.banks import to_core
from quizengine.services.live import LiveError
from quizengine.timezone import local_zone


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def identify(staff_no: str, name: str) -> Staff:
    """The roster member with this staff id and name (names compare ignoring spaces and width)."""
    staff = db.session.scalar(select(Staff).where(Staff.staff_no == (staff_no or "").strip()))
    if staff is None:
        raise LiveError("unknown_staff")
    if _fold(staff.name) != _fold(name):
        raise LiveError("wrong_name")
    return staff


def staff_by_id(staff_id: int) -> Staff | None:
    """A roster member by row id (a phone's session)."""
    return db.session.get(Staff, staff_id)


# --- what a person may practise ------------------------------------------------------


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
    for bank, revision in _revisions():
        if revision.groups and staff.center.group.key not in revision.groups:
            continue
        result.append(PracticeBank(bank.key, revision.title, dict(revision.tags), len(revision.questions)))
    return result


def _revisions():
    return db.session.execute(
        select(Bank, BankRevision)
        .join(BankRevision, Bank.current_revision_id == BankRevision.id)
        .where(BankRevision.active.is_(True))
        .order_by(Bank.key)
    ).all()


def practice_pool(staff: Staff, bank_key: str | None = None, tag: str | None = None) -> list[Question]:
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
    return [q for q in rows if not tag or tag in q.tags]


def next_question(staff: Staff, bank_key: str | None, tag: str | None, rng: random.Random | None = None):
    """A question not practised yet (at random), else the one practised longest ago; None for an empty pool."""
    pool = practice_pool(staff, bank_key, tag)
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
        raise LiveError("invalid_payload", "页面已过期，请重新打开题目")
    existing = db.session.scalar(
        select(PracticeAnswer).where(PracticeAnswer.staff_id == staff.id, PracticeAnswer.nonce == nonce)
    )
    if existing is not None:
        return existing
    row = practisable(staff, question_id)
    if row is None:
        raise LiveError("invalid_payload", "没有这道练习题")
    core = to_core(row)
    if response is None or not valid_response(core, response):
        raise LiveError("invalid_response", "请先选择或填写答案")
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


def practisable(staff: Staff, question_id: int) -> Question | None:
    """The question, if the person may practise it (a bank of their group, or an open entry of their book)."""
    row = db.session.get(Question, question_id)
    if row is None:
        return None
    in_pool = row.revision.bank.current_revision_id == row.revision_id and row.revision.active
    if in_pool and row.revision.bank.key in {b.key for b in practice_banks(staff)}:
        return row
    return row if _in_book(staff, row.key) else None


def practice_answer(staff: Staff, answer_id: int) -> PracticeAnswer | None:
    """One of the person's own practice answers."""
    record = db.session.get(PracticeAnswer, answer_id)
    return record if record is not None and record.staff_id == staff.id else None


# --- the wrong-answer book ---------------------------------------------------------------


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


def _in_book(staff: Staff, key: str) -> bool:
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


# --- the learning report ------------------------------------------------------------------


@dataclass
class CenterLearning:
    """One center's learning figures over the report's period."""

    center: str
    group: str
    window_staff: set[int]  # staff ids of the center's staff at a window
    learners: set[int] = field(default_factory=set)  # staff who practised or answered in a contest
    practised: set[int] = field(default_factory=set)  # staff who practised
    practice_answers: int = 0
    contest_answers: int = 0
    total: Tally = field(default_factory=Tally)
    topics: dict[str, Tally] = field(default_factory=dict)
    by_day: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    sessions: list[date] = field(default_factory=list)

    @property
    def staff_at_window(self) -> int:
        """How many of the center's staff work at a window."""
        return len(self.window_staff)

    @property
    def met(self) -> bool:
        """Whether the center held the plan's minimum of study sessions."""
        return len(self.sessions) >= REQUIRED_SESSIONS

    @property
    def coverage(self) -> float:
        """Share of staff at a window who took part at all."""
        return len(self.learners & self.window_staff) / self.staff_at_window if self.staff_at_window else 0.0


@dataclass(frozen=True)
class Activity:
    """One answer given by a person, wherever it was given."""

    staff_id: int
    at: datetime
    tags: tuple[str, ...]
    correct: bool | None  # None: a paper answer whose attempt is still open
    practice: bool


def _activities(staff_ids: list[int], start: datetime, end: datetime) -> list[Activity]:
    """Practice answers, paper answers and live answers of these staff in [start, end)."""
    found: list[Activity] = []
    practice = db.session.execute(
        select(PracticeAnswer.staff_id, PracticeAnswer.answered_at, Question.tags, PracticeAnswer.correct)
        .join(Question, PracticeAnswer.question_id == Question.id)
        .where(
            PracticeAnswer.staff_id.in_(staff_ids),
            PracticeAnswer.answered_at >= start,
            PracticeAnswer.answered_at < end,
        )
    )
    found += [Activity(s, at, tuple(tags), correct, True) for s, at, tags, correct in practice]
    papers = db.session.execute(
        select(Player.staff_id, AttemptItem.saved_at, Question.tags, AttemptItem.correct)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Player, Attempt.player_id == Player.id)
        .join(Question, AttemptItem.question_id == Question.id)
        .where(
            Player.staff_id.in_(staff_ids),
            AttemptItem.saved_at >= start,
            AttemptItem.saved_at < end,
            AttemptItem.response.is_not(None),
        )
    )
    found += [Activity(s, at, tuple(tags), correct, False) for s, at, tags, correct in papers]
    live = db.session.execute(
        select(Player.staff_id, Answer.received_at, Question.tags, Answer.correct)
        .join(Player, Answer.player_id == Player.id)
        .join(RoundQuestion, Answer.round_question_id == RoundQuestion.id)
        .join(Question, RoundQuestion.question_id == Question.id)
        .where(Player.staff_id.in_(staff_ids), Answer.received_at >= start, Answer.received_at < end)
    )
    found += [Activity(s, at, tuple(tags), correct, False) for s, at, tags, correct in live]
    return found


def topic_labels() -> dict[str, str]:
    """Policy topic labels (tag -> label) from every current bank."""
    labels: dict[str, str] = {}
    for _, revision in _revisions():
        labels.update(revision.tags)
    return labels


def learning_report(group_keys, first: date, last: date, min_share: float) -> list[CenterLearning]:
    """Per center of the groups: who practised, how much, accuracy by topic, study sessions (core.learning)."""
    zone = local_zone()
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    rows = db.session.execute(
        select(Center, Group)
        .join(Group, Center.group_id == Group.id)
        .where(Group.key.in_(list(group_keys)))
        .order_by(Group.position, Center.name)
    ).all()
    centers: dict[int, CenterLearning] = {}
    center_of: dict[int, int] = {}
    for center, group in rows:
        centers[center.id] = CenterLearning(center.name, group.name, {s.id for s in center.staff if s.at_window})
        center_of.update({s.id: center.id for s in center.staff})
    for activity in _activities(list(center_of), start, end):
        report = centers[center_of[activity.staff_id]]
        report.learners.add(activity.staff_id)
        report.by_day[activity.at.astimezone(zone).date()].add(activity.staff_id)
        if activity.practice:
            report.practised.add(activity.staff_id)
            report.practice_answers += 1
        else:
            report.contest_answers += 1
        if activity.correct is None:
            continue
        report.total = report.total.add(activity.correct)
        for tag in activity.tags:
            report.topics[tag] = report.topics.get(tag, Tally()).add(activity.correct)
    for report in centers.values():
        report.sessions = study_sessions(report.by_day, report.staff_at_window, min_share)
    return list(centers.values())
