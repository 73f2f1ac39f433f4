"""What each question drew and what each person answered, for the results pages and exports.

Live contests read their `Answer` rows; papers read the items of each
person's counted attempt (core.paper.counted_attempt, the attempt their score
comes from), so a question of a paper is counted among those whose draw had
it. Kicked players are left out, as they are from the standings. Offline
contests have no questions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizengine.core.live import Mode
from quizengine.core.paper import counted_attempt
from quizengine.core.questions import Question as CoreQuestion
from quizengine.core.questions import QuestionKind, TypedAnswer, typed_answers
from quizengine.extensions import db
from quizengine.models import Answer, Attempt, AttemptItem, Contest, Player, RoundQuestion
from quizengine.models.mapping import to_core
from quizengine.services.correctable import active_corrections, corrected
from quizengine.services.results import attempt_result, voided_questions, voided_round_questions

# A judge question's two options, by the stored answer ("true"/"false") and as shown.
JUDGE_OPTIONS = (("true", "正确"), ("false", "错误"))


@dataclass(frozen=True)
class OptionCount:
    """How many chose one option; `is_key` marks the right ones. A judge question's keys are 正确 and 错误."""

    key: str
    text: str
    count: int
    is_key: bool


@dataclass(frozen=True)
class QuestionStats:
    """One question of a contest: who had it, answered it, got it right, what they chose, how long they took."""

    number: int
    round_title: str
    key: str
    stem: str
    kind: str  # 单选 / 多选 / 判断 / 填空
    answer: str
    had: int | None  # papers: counted attempts whose draw had it; None for live (everyone saw it)
    answered: int
    correct: int
    options: tuple[OptionCount, ...]
    average_ms: float | None  # papers keep no time per question
    typed: tuple[TypedAnswer, ...]
    voided: bool = False  # voided after the contest (复核): it counts for nobody

    @property
    def accuracy(self) -> float | None:
        """Correct / answered; None (blank, not 0%) when nobody answered."""
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class AnswerRow:
    """One answer of one person, as they gave it."""

    player_id: int
    number: int
    round_title: str
    key: str
    stem: str
    response: str  # as given ("未作答" for a paper's skipped question)
    answered: bool
    correct: bool
    points: int
    elapsed_ms: int | None  # live: from the question's open; papers: None
    at: datetime | None  # received (live) or last saved (paper)
    voided: bool = False


def answer_text(question: CoreQuestion) -> str:
    """The key of a question in words: "A", "A、B、C", "正确", or the accepted fill-in answers."""
    if question.kind is QuestionKind.JUDGE:
        return "正确" if question.answer[0] == "true" else "错误"
    return "、".join(question.answer)


def response_text(question: CoreQuestion, value) -> str:
    """A stored response in words, the way the person gave it."""
    if value is None:
        return "未作答"
    if question.kind is QuestionKind.JUDGE:
        return "正确" if value is True else "错误"
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def _choices(question: CoreQuestion, value) -> list[str]:
    if value is None:
        return []
    if question.kind is QuestionKind.JUDGE:
        return ["true" if value is True else "false"]
    return list(value) if isinstance(value, list) else [str(value)]


def _stats(number, round_title, question, responses, correct, had, times, voided=False) -> QuestionStats:
    """A question's figures from its responses (None: had it, did not answer); a voided one has nobody right."""
    given = [r for r in responses if r is not None]
    chosen = Counter(key for value in given for key in _choices(question, value))
    judge = question.kind is QuestionKind.JUDGE
    options = JUDGE_OPTIONS if judge else question.options
    fill = question.kind is QuestionKind.FILL
    return QuestionStats(
        number=number,
        round_title=round_title,
        key=question.id,
        stem=question.stem,
        kind=question.kind.label,
        answer=f"已作废（原答案：{answer_text(question)}）" if voided else answer_text(question),
        had=had,
        answered=len(given),
        correct=0 if voided else correct,
        options=()
        if fill
        else tuple(
            OptionCount(text if judge else k, text, chosen.get(k, 0), k in question.answer) for k, text in options
        ),
        average_ms=round(mean(times), 1) if times else None,
        typed=tuple(typed_answers(question, given)) if fill else (),
        voided=voided,
    )


def question_stats(contest: Contest) -> list[QuestionStats] | None:
    """Every question of a paper, or every question a live contest asked, with its figures, numbered in contest
    order; None for offline contests."""
    if contest.mode == Mode.OFFLINE:
        return None
    if contest.mode == Mode.SELF_PACED:
        return _paper_stats(contest)
    answers: dict[int, list[Answer]] = {}
    for answer in _live_answers(contest):
        answers.setdefault(answer.round_question_id, []).append(answer)
    result = []
    corrections = active_corrections(contest)
    for number, rq in enumerate(_round_questions(contest), 1):
        if rq.opened_at is None:  # never asked (the host finished before it): nothing to show
            continue
        rows = answers.get(rq.id, [])
        correction = corrections.get(rq.id)
        result.append(
            _stats(
                number,
                rq.round.title,
                corrected(to_core(rq.question), correction),
                [a.response.get("value") for a in rows],
                sum(1 for a in rows if a.correct),
                None,
                [a.elapsed_ms for a in rows],
                voided=correction is not None and correction.kind == "void",
            )
        )
    return result


def _round_questions(contest: Contest) -> list[RoundQuestion]:
    return [rq for round_ in contest.rounds for rq in round_.questions]


def _live_answers(contest: Contest, player_id: int | None = None) -> list[Answer]:
    query = select(Answer).join(Player, Answer.player_id == Player.id).where(Player.contest_id == contest.id)
    # One person's answers are shown even after a kick (for a dispute); the figures leave kicked players out.
    query = query.where(Player.id == player_id) if player_id is not None else query.where(Player.kicked_at.is_(None))
    return list(db.session.scalars(query.order_by(Answer.id)))


def counted_attempts(contest: Contest, player_id: int | None = None) -> dict[int, Attempt]:
    """Player id -> the closed attempt their result is (the contest's `counting`); kicked players are left out,
    unless `player_id` asks for one person."""
    query = (
        select(Attempt)
        .join(Player, Attempt.player_id == Player.id)
        .where(Attempt.contest_id == contest.id, Attempt.closed_at.is_not(None))
    )
    query = query.where(Player.id == player_id) if player_id is not None else query.where(Player.kicked_at.is_(None))
    query = query.options(selectinload(Attempt.items))
    by_player: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(query):
        by_player.setdefault(attempt.player_id, []).append(attempt)
    counting = contest.settings.get("counting", "best")
    result = {}
    for pid, attempts in by_player.items():
        chosen = counted_attempt([attempt_result(a) for a in attempts], counting)
        result[pid] = next(a for a in attempts if a.number == chosen.number)
    return result


def _paper_stats(contest: Contest) -> list[QuestionStats]:
    """A paper's pool questions, each counted among the counted attempts whose draw had it."""
    items: dict[int, list[AttemptItem]] = {}
    attempt_ids = [a.id for a in counted_attempts(contest).values()]
    if attempt_ids:
        for item in db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id.in_(attempt_ids))):
            items.setdefault(item.question_id, []).append(item)
    result = []
    corrections = active_corrections(contest)
    for number, rq in enumerate(_round_questions(contest), 1):
        rows = items.get(rq.question_id, [])
        correction = corrections.get(rq.question_id)
        result.append(
            _stats(
                number,
                rq.round.title,
                corrected(to_core(rq.question), correction),
                [i.response for i in rows],
                sum(1 for i in rows if i.correct),
                len(rows),
                [],
                voided=correction is not None and correction.kind == "void",
            )
        )
    return result


def answers_by_player(contest: Contest, player_id: int | None = None) -> dict[int, list[AnswerRow]]:
    """Player id -> their answers in contest order (live: every answer given; paper: every item of the
    counted attempt, skipped ones included), kicked players left out; only `player_id`'s (kicked or not) when
    given. Empty for offline contests."""
    if contest.mode == Mode.OFFLINE:
        return {}
    if contest.mode == Mode.SELF_PACED:
        return _paper_answers(contest, player_id)
    numbers = {rq.id: (number, rq) for number, rq in enumerate(_round_questions(contest), 1)}
    voided = voided_round_questions(contest.id)
    result: dict[int, list[AnswerRow]] = {}
    for answer in _live_answers(contest, player_id):
        number, rq = numbers[answer.round_question_id]
        question = to_core(rq.question)
        result.setdefault(answer.player_id, []).append(
            AnswerRow(
                answer.player_id,
                number,
                rq.round.title,
                question.id,
                question.stem,
                response_text(question, answer.response.get("value")),
                True,
                answer.correct,
                answer.points,
                answer.elapsed_ms,
                answer.received_at,
                answer.round_question_id in voided,
            )
        )
    for rows in result.values():
        rows.sort(key=lambda row: row.number)
    return result


def _paper_answers(contest: Contest, player_id: int | None) -> dict[int, list[AnswerRow]]:
    result = {}
    voided = voided_questions(contest.id)
    for pid, attempt in counted_attempts(contest, player_id).items():
        rows = []
        for item in attempt.items:
            question = to_core(item.question)
            rows.append(
                AnswerRow(
                    pid,
                    item.position,
                    item.round.title,
                    question.id,
                    question.stem,
                    response_text(question, item.response),
                    item.response is not None,
                    bool(item.correct),
                    item.points or 0,
                    None,
                    item.saved_at,
                    item.question_id in voided,
                )
            )
        result[pid] = rows
    return result
