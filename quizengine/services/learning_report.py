"""The centers' learning report: who practised or answered, how much, accuracy by policy topic, study sessions.

What counts as a study session (集中学习) is core.learning's rule; this
module gathers every answer a center's staff gave, wherever they gave it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from quizengine.core.learning import REQUIRED_SESSIONS, Tally, study_sessions
from quizengine.extensions import db
from quizengine.models import (
    Answer,
    Attempt,
    AttemptItem,
    Center,
    ContestCorrection,
    Group,
    Player,
    PracticeAnswer,
    Question,
    RoundQuestion,
)
from quizengine.services.practice import current_revisions
from quizengine.timezone import local_zone


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
    correct: bool | None  # None: a paper answer whose attempt is still open, or a question voided (复核)
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
        select(Player.staff_id, Answer.received_at, Question.tags, Answer.correct, Answer.round_question_id)
        .join(Player, Answer.player_id == Player.id)
        .join(RoundQuestion, Answer.round_question_id == RoundQuestion.id)
        .join(Question, RoundQuestion.question_id == Question.id)
        .where(Player.staff_id.in_(staff_ids), Answer.received_at >= start, Answer.received_at < end)
    )
    voided = _voided_round_questions()
    found += [
        Activity(s, at, tuple(tags), None if rq_id in voided else correct, False)
        for s, at, tags, correct, rq_id in live
    ]
    return found


def _voided_round_questions() -> set[int]:
    """Live questions voided after a dispute (复核): an answer to one is study, not a right or wrong answer."""
    query = select(ContestCorrection.round_question_id).where(
        ContestCorrection.active, ContestCorrection.kind == "void", ContestCorrection.round_question_id.is_not(None)
    )
    return set(db.session.scalars(query))


def topic_labels() -> dict[str, str]:
    """Policy topic labels (tag -> label) from every current bank."""
    labels: dict[str, str] = {}
    for _, revision in current_revisions():
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
