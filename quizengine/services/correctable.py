"""Which questions of a contest may be corrected (复核), and how the contest now shows their keys.

The question a correction is about is a live contest's round question (the
same bank question may be asked twice) or a paper's bank question (every
person's draw differs). What changes scores is services.corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from quizengine.core.live import Mode, Phase, Status
from quizengine.core.questions import Question as CoreQuestion
from quizengine.extensions import db
from quizengine.models import Answer, Attempt, AttemptItem, Contest, ContestCorrection, RoundQuestion
from quizengine.services.errors import Refused

OFFLINE = "线下竞赛没有题目，成绩有误请更正成绩表后重新导入"


@dataclass(frozen=True)
class Subject:
    """The question a correction is about: a live contest's round question, or a paper's bank question."""

    contest: Contest
    question: object  # the bank Question row
    round_question: RoundQuestion | None
    ref: int  # the round question id (live) or the question id (paper)
    label: str


def subjects(contest: Contest) -> list[Subject]:
    """Every question of a contest one may correct: a live contest's round questions, a paper's pool questions."""
    if contest.mode == Mode.OFFLINE:
        raise Refused("not_correctable", OFFLINE)
    result: dict[int, Subject] = {}
    for round_ in contest.rounds:
        for rq in round_.questions:
            if contest.mode == Mode.LIVE:
                result[rq.id] = Subject(contest, rq.question, rq, rq.id, f"第 {round_.position} 轮第 {rq.position} 题")
            else:
                result.setdefault(rq.question_id, Subject(contest, rq.question, None, rq.question_id, "题池题目"))
    return list(result.values())


def subject(contest: Contest, ref: int) -> Subject | None:
    """The correctable question `ref` of a contest (None when the contest has no such question)."""
    return next((s for s in subjects(contest) if s.ref == ref), None)


def find_subject(contest: Contest, text: str) -> Subject:
    """A contest's question by its bank key (`hcp-001`) or, in a live contest, by round and number (`2.1`)."""
    text = (text or "").strip()
    found = [s for s in subjects(contest) if s.question.key == text]
    if contest.mode == Mode.LIVE and not found:
        found = [
            s for s in subjects(contest) if f"{s.round_question.round.position}.{s.round_question.position}" == text
        ]
    if not found:
        raise Refused("invalid_correction", f"竞赛 {contest.code} 没有题目 {text}")
    if len(found) > 1:
        raise Refused("invalid_correction", f"题目 {text} 在本竞赛中出现了 {len(found)} 次，请写成 轮.题（如 2.1）")
    return found[0]


def refusal(subj: Subject) -> str | None:
    """Why this question cannot be corrected now, or None: only closed questions of a live or paper contest."""
    contest, rq = subj.contest, subj.round_question
    if contest.mode == Mode.OFFLINE:
        return OFFLINE
    if contest.mode == Mode.SELF_PACED:
        return None if contest.status == Status.FINISHED else "笔试结束并冻结成绩后才能复核"
    if rq.opened_at is None:
        return "这道题还没有出题"
    if rq.closed_at is None or (contest.current_id == rq.id and contest.phase in (Phase.QUESTION, Phase.CLOSED)):
        return "这道题正在作答，公布答案后才能复核"
    return None


def active_corrections(contest: Contest) -> dict[int, ContestCorrection]:
    """The active correction of each corrected question, by round question id (live) or question id (paper)."""
    rows = db.session.scalars(
        select(ContestCorrection).where(ContestCorrection.contest_id == contest.id, ContestCorrection.active)
    )
    return {c.round_question_id if contest.mode == Mode.LIVE else c.question_id: c for c in rows}


def history(subj: Subject) -> list[ContestCorrection]:
    """Every correction of this question, newest first."""
    return list(db.session.scalars(of_subject(subj).order_by(ContestCorrection.id.desc())))


def corrected(question: CoreQuestion, correction: ContestCorrection | None) -> CoreQuestion:
    """The question as this contest now scores it: with the corrected key (a voided one keeps its key)."""
    if correction is None or correction.kind != "rekey":
        return question
    return replace(question, answer=tuple(correction.answer))


def matches(subj: Subject):
    """The rows of `contest_corrections` about this question."""
    if subj.round_question is not None:
        return (ContestCorrection.contest_id == subj.contest.id) & (
            ContestCorrection.round_question_id == subj.round_question.id
        )
    return (ContestCorrection.contest_id == subj.contest.id) & (ContestCorrection.question_id == subj.question.id)


def of_subject(subj: Subject):
    """The corrections of this question."""
    return select(ContestCorrection).where(matches(subj))


def distribution(subj: Subject) -> list[tuple[str, int]]:
    """How the question was answered: (response as stored, how many), most given first."""
    if subj.round_question is not None:
        values = db.session.scalars(select(Answer.response).where(Answer.round_question_id == subj.ref))
        responses = [v.get("value") for v in values]
    else:
        responses = list(
            db.session.scalars(
                select(AttemptItem.response)
                .join(Attempt, AttemptItem.attempt_id == Attempt.id)
                .where(Attempt.contest_id == subj.contest.id, AttemptItem.question_id == subj.question.id)
            )
        )
    counts: dict[str, int] = {}
    for response in responses:
        text = _response_text(response)
        counts[text] = counts.get(text, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def _response_text(response) -> str:
    if response is None:
        return "未作答"
    if isinstance(response, bool):
        return "正确" if response else "错误"
    if isinstance(response, list):
        return "".join(response)
    return str(response)
