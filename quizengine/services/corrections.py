"""Corrections after a dispute (复核): void a question or correct its key, re-score, keep the audit.

A correction applies to one contest only; the bank's stored question is never
changed. Every stored answer of the question is scored again by core.scoring
(live) or core.paper (papers) under the corrected key, exactly as when it
arrived: same response, time, stake and round rule. A voided question counts
for nobody: 0 points, neither answered nor correct. Frozen scores of a
finished contest are recomputed with their ranks. A preview runs the same
re-scoring and rolls it back, so what it shows is what applying stores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, update

from quizengine.core.live import Mode, Status
from quizengine.core.paper import score_item
from quizengine.core.questions import Question as CoreQuestion
from quizengine.core.questions import QuestionKind, normalize_fill, parse_judge_word
from quizengine.core.scoring import RoundRule, score_answer
from quizengine.extensions import db
from quizengine.models import Answer, Attempt, AttemptItem, Contest, ContestCorrection, Score
from quizengine.models.mapping import to_core
from quizengine.services import audit
from quizengine.services.correctable import Subject, matches, of_subject, refusal
from quizengine.services.errors import Refused
from quizengine.services.results import frozen_rows, player_staff_numbers, voided_questions

KINDS = ("void", "rekey")
REASON_MAX = 500


@dataclass(frozen=True)
class Change:
    """One person's figures before and after a correction (points on the question, per attempt for a paper)."""

    player_id: int
    staff_no: str
    name: str
    center: str
    old_points: tuple
    new_points: tuple
    old_score: float
    new_score: float
    old_rank: int | None
    new_rank: int | None


def parse_key(question: CoreQuestion, raw: list[str]) -> list[str]:
    """A new key in the bank's answer format, checked against the question; refuses what a bank would refuse."""
    texts = [t.strip() for t in raw if isinstance(t, str) and t.strip()]
    kind = question.kind
    if kind is QuestionKind.FILL:
        if not texts or any(not normalize_fill(t) for t in texts):
            raise Refused("invalid_correction", "填空题至少需要一个可接受的答案，去掉空白和标点后不能为空")
        return list(dict.fromkeys(texts))
    if kind is QuestionKind.JUDGE:
        if len(texts) == 1 and texts[0] not in ("true", "false") and parse_judge_word(texts[0]) is not None:
            texts = ["true" if parse_judge_word(texts[0]) else "false"]
        if texts not in (["true"], ["false"]):
            raise Refused("invalid_correction", "判断题答案应为“正确”或“错误”")
        return texts
    keys = sorted({t.upper() for t in texts})
    unknown = [k for k in keys if k not in question.option_keys]
    if unknown:
        raise Refused("invalid_correction", f"答案 {'、'.join(unknown)} 不在选项 {'、'.join(question.option_keys)} 中")
    if kind is QuestionKind.SINGLE and len(keys) != 1:
        raise Refused("invalid_correction", "单选题应选一个答案")
    if kind is QuestionKind.MULTIPLE and len(keys) < 2:
        raise Refused("invalid_correction", "多选题至少要有两个正确选项；只有一个请作废本题")
    return keys


def preview(subj: Subject, kind: str, raw_key: list[str], reason: str) -> list[Change]:
    """What applying would change, person by person; nothing is stored."""
    try:
        return _rescore(subj, kind, raw_key, reason, None)
    finally:
        db.session.rollback()


def apply(subj: Subject, kind: str, raw_key: list[str], reason: str, actor, address: str = "") -> list[Change]:
    """Store the correction, re-score every affected answer and total, record old and new figures (commits)."""
    try:
        changes = _rescore(subj, kind, raw_key, reason, actor)
    except Refused:
        db.session.rollback()
        raise
    correction = db.session.scalars(of_subject(subj).where(ContestCorrection.active)).one()
    audit.record(
        actor,
        "contest.correct",
        subj.contest.code,
        address,
        question=f"{subj.label}（{subj.question.key}）",
        kind=kind,
        answer=correction.answer,
        reason=correction.reason,
        people=[
            f"{c.staff_no} {c.name}：本题 {_joined(c.old_points)} → {_joined(c.new_points)}，"
            f"总分 {c.old_score} → {c.new_score}，名次 {c.old_rank or '—'} → {c.new_rank or '—'}"
            for c in changes
        ],
    )
    db.session.commit()
    return changes


def _joined(points: tuple) -> str:
    return "、".join("—" if p is None else str(p) for p in points) or "—"


def _rescore(subj: Subject, kind: str, raw_key: list[str], reason: str, actor) -> list[Change]:
    """Add the correction and re-score in the session (the caller commits or rolls back)."""
    # Lock the contest and read its phase afresh: two corrections, or a correction and the host, never interleave.
    contest = db.session.scalars(
        select(Contest).where(Contest.id == subj.contest.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if subj.round_question is not None:
        db.session.refresh(subj.round_question)
    problem = refusal(subj)
    if problem:
        raise Refused("not_correctable", problem)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("invalid_correction", "请填写复核理由")
    if len(reason) > REASON_MAX:
        raise Refused("invalid_correction", f"复核理由不超过 {REASON_MAX} 字")
    if kind not in KINDS:
        raise Refused("invalid_correction", "请选择作废本题或更正答案")
    question = to_core(subj.question)
    key = parse_key(question, raw_key) if kind == "rekey" else None
    before = _figures(contest)
    db.session.execute(update(ContestCorrection).where(matches(subj)).values(active=False))
    db.session.add(
        ContestCorrection(
            contest_id=contest.id,
            round_question_id=subj.round_question.id if subj.round_question else None,
            question_id=subj.question.id,
            kind=kind,
            answer=key,
            reason=reason,
            user_id=actor.id if actor else None,
            username=actor.username if actor else "system",
        )
    )
    db.session.flush()
    scored = replace(question, answer=tuple(key)) if key else None
    points = _rescore_live(subj, scored) if contest.mode == Mode.LIVE else _rescore_paper(subj, scored)
    if contest.status == Status.FINISHED:
        _refreeze(contest)
    db.session.flush()
    after = _figures(contest)
    numbers = player_staff_numbers(contest)
    moved = {
        p for p, now in after.items() if p not in before or (before[p].score, before[p].rank) != (now.score, now.rank)
    }
    changes = []
    for player_id in sorted((set(points) | moved) & set(after), key=lambda p: (after[p].rank, after[p].name)):
        old, new = before.get(player_id, _Figure("", "", 0, None)), after[player_id]
        olds, news = points.get(player_id, ((), ()))
        changes.append(
            Change(
                player_id,
                numbers.get(player_id, ""),
                new.name,
                new.center,
                olds,
                news,
                old.score,
                new.score,
                old.rank,
                new.rank,
            )
        )
    return changes


def _rescore_live(subj: Subject, question: CoreQuestion | None) -> dict[int, tuple]:
    """Each answer of the round question scored again (void: 0 and wrong); player id -> ((old,), (new,))."""
    rq = subj.round_question
    rule = RoundRule(**rq.round.scoring)
    time_limit = rq.round.time_limit or subj.question.time_limit
    result = {}
    for answer in db.session.scalars(select(Answer).where(Answer.round_question_id == rq.id)):
        old = answer.points
        if question is None:
            answer.correct, answer.points = False, 0
        else:
            outcome = score_answer(
                question,
                answer.response.get("value"),
                rule,
                elapsed_ms=answer.elapsed_ms,
                time_limit_s=time_limit,
                stake=answer.stake,
            )
            answer.correct, answer.points = outcome.correct, outcome.points
        result[answer.player_id] = ((old,), (None if question is None else answer.points,))
    return result


def _rescore_paper(subj: Subject, question: CoreQuestion | None) -> dict[int, tuple]:
    """Each drawn item of the question scored again, then its attempt's totals; player id -> (old, new) per attempt."""
    contest = subj.contest
    partial = contest.settings.get("partial", False)
    voided = voided_questions(contest.id)
    result: dict[int, tuple] = {}
    attempts = db.session.scalars(
        select(Attempt)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.contest_id == contest.id, AttemptItem.question_id == subj.question.id)
        .order_by(Attempt.player_id, Attempt.number)
        .distinct()
    ).all()
    for attempt in attempts:
        for item in attempt.items:
            if item.question_id != subj.question.id:
                continue
            old = item.points
            if question is None:
                item.correct, item.points = None, None
            else:
                scored = score_item(question, item.response, points=item.points_value, partial=partial)
                item.correct, item.points = (scored.correct, scored.points) if scored.answered else (None, None)
            olds, news = result.get(attempt.player_id, ((), ()))
            result[attempt.player_id] = ((*olds, old), (*news, item.points))
        # the totals as papers.close sums them, without every voided question of the contest
        counted = [i for i in attempt.items if i.question_id not in voided]
        attempt.points = sum(i.points or 0 for i in counted)
        attempt.correct = sum(1 for i in counted if i.correct)
        attempt.answered = sum(1 for i in counted if i.response is not None)
    return result


def _refreeze(contest: Contest) -> None:
    """Update the frozen scores of a finished contest to the re-scored standings (ranks within each group)."""
    frozen = {s.player_id: s for s in db.session.scalars(select(Score).where(Score.contest_id == contest.id))}
    for standing, rank in frozen_rows(contest):
        row = frozen.get(standing.player_id)
        if row is None:
            row = Score(contest_id=contest.id, player_id=standing.player_id)
            db.session.add(row)
        row.points, row.correct, row.answered = standing.score, standing.correct, standing.answered
        row.total_time_ms, row.rank = standing.total_time_ms, rank


@dataclass(frozen=True)
class _Figure:
    name: str
    center: str
    score: float
    rank: int | None


def _figures(contest: Contest) -> dict[int, _Figure]:
    """Each player's score and rank within the group, computed afresh (never from the ranking cache)."""
    db.session.flush()
    return {s.player_id: _Figure(s.name, s.center, s.score, rank) for s, rank in frozen_rows(contest)}
