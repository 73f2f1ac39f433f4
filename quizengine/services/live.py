"""Live contests: joining, answering and the host's actions. Every function takes `now`.

The server decides time: a question's `opened_at` and `closes_at` are stored
when it opens; an answer counts only for the open question and only until
`closes_at` + GRACE. One answer per player and question is enforced by the
database; a retry returns the original acknowledgement.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from quizengine.core.questions import Question as CoreQuestion
from quizengine.core.questions import valid_response
from quizengine.core.ranking import rank_people
from quizengine.core.scoring import RoundRule, score_answer
from quizengine.extensions import db
from quizengine.models import Answer, Contest, Player, Press, Question, RoundQuestion, Score, Staff, Stake
from quizengine.services import audit
from quizengine.services.banks import to_core
from quizengine.services.contests import contest_by_code

# Network latency between a phone's tap and the server; answers received
# within this much after closes_at still count (scored at the full time).
GRACE = timedelta(milliseconds=1500)

MESSAGES = {
    "invalid_payload": "请求格式不正确",
    "contest_not_found": "没有这个参赛码的竞赛",
    "contest_not_open": "竞赛尚未开放或已经结束",
    "unknown_staff": "名单中没有这个工号，请核对或联系组织者",
    "wrong_name": "姓名与工号不符",
    "already_joined": "这个工号已在另一台手机上参赛",
    "invalid_token": "登录信息已失效，请重新输入工号和姓名",
    "kicked": "您已被主持人移出本场竞赛",
    "not_joined": "请先加入竞赛",
    "not_current": "这道题不是当前的题目",
    "late": "本题已结束作答",
    "invalid_response": "答案格式不正确",
    "false_start": "抢答过早（题目尚未开放）",
    "not_your_buzz": "其他选手已抢先作答",
    "invalid_stake": "无效的赌注",
    "wrong_phase": "当前环节不能进行此操作",
    "forbidden": "您无权主持这场竞赛",
    "signed_out": "请先用工号和姓名登录",
    "self_paced": "这是自定进度的笔试，请打开“学习与考试”页面作答",
}


class LiveError(Exception):
    """A refused request, with a code from docs/protocol.md."""

    def __init__(self, code: str, message: str | None = None):
        super().__init__(code)
        self.code = code
        self.message = message or MESSAGES.get(code, code)

    def as_ack(self) -> dict:
        """The acknowledgement a client receives."""
        return {"ok": False, "error": {"code": self.code, "message": self.message}}


def iso(moment: datetime | None) -> str | None:
    """An aware datetime as an ISO 8601 string (milliseconds)."""
    return moment.isoformat(timespec="milliseconds") if moment else None


def _same_name(a: str, b: str) -> bool:
    fold = lambda s: "".join(unicodedata.normalize("NFKC", s).split()).casefold()  # noqa: E731
    return fold(a) == fold(b)


# --- players -------------------------------------------------------------------


def join(code: str, staff_no: str, name: str, token: str | None) -> Player:
    """Join a contest by roster identity; an existing player is taken over only with its token."""
    contest = contest_by_code(code)
    if contest is None:
        raise LiveError("contest_not_found")
    if contest.mode != "live":
        raise LiveError("self_paced")
    if contest.status != "open":
        raise LiveError("contest_not_open")
    staff = db.session.scalar(select(Staff).where(Staff.staff_no == (staff_no or "").strip()))
    if staff is None or staff.center.group not in contest.groups:
        raise LiveError("unknown_staff")
    if not _same_name(staff.name, name or ""):
        raise LiveError("wrong_name")
    player = _player_of(contest.id, staff.id)
    if player is None:
        player = Player(contest_id=contest.id, staff_id=staff.id, token=secrets.token_urlsafe(24))
        db.session.add(player)
        try:
            db.session.commit()
            return player
        except IntegrityError:  # the same person joined from two phones at once
            db.session.rollback()
            player = _player_of(contest.id, staff.id)
    if player.kicked_at is not None:
        raise LiveError("kicked")
    if not token or not secrets.compare_digest(token, player.token):
        raise LiveError("already_joined")
    return player


def _player_of(contest_id: int, staff_id: int) -> Player | None:
    return db.session.scalar(select(Player).where(Player.contest_id == contest_id, Player.staff_id == staff_id))


def resume(token: str) -> Player:
    """The player a phone's token stands for."""
    player = db.session.scalar(select(Player).where(Player.token == token)) if token else None
    if player is None:
        raise LiveError("invalid_token")
    if player.kicked_at is not None:
        raise LiveError("kicked")
    return player


def live_player(player_id: int) -> Player:
    """A player still in the game (not kicked)."""
    player = db.session.get(Player, player_id)
    if player is None:
        raise LiveError("not_joined")
    if player.kicked_at is not None:
        raise LiveError("kicked")
    return player


# --- answering ------------------------------------------------------------------


def submit_answer(player: Player, round_question_id: int, response, key: str, now: datetime) -> dict:
    """Store one answer and return its acknowledgement (after commit).

    A retry of an answer already stored gets the original acknowledgement,
    even after the question closed; the hot path costs two reads and the insert.
    """
    contest = db.session.get(Contest, player.contest_id)
    rq = db.session.get(RoundQuestion, round_question_id)
    try:
        info = _question_info(rq, contest)
        elapsed_ms = _elapsed_ms(contest, rq, info, now)
    except LiveError:
        original = _existing_answer(player.id, round_question_id)
        if original is not None:
            return _ack(original, duplicate=True)
        raise
    if not valid_response(info.question, response):
        raise LiveError("invalid_response")
    if info.rule.kind == "buzzer" and rq.buzz_player_id != player.id:
        raise LiveError("not_your_buzz")
    stake = None
    if info.rule.kind == "risk":
        stake = db.session.scalar(
            select(Stake.stake).where(Stake.player_id == player.id, Stake.round_question_id == rq.id)
        )
    outcome = score_answer(
        info.question, response, info.rule, elapsed_ms=elapsed_ms, time_limit_s=info.time_limit, stake=stake
    )
    answer = Answer(
        player_id=player.id,
        round_question_id=rq.id,
        idempotency_key=str(key)[:64],
        response={"value": response},
        received_at=now,
        elapsed_ms=elapsed_ms,
        correct=outcome.correct,
        points=outcome.points,
        stake=stake,
    )
    db.session.add(answer)
    try:
        db.session.commit()
    except IntegrityError:  # this player's answer is already stored (a retry, or a race with one)
        db.session.rollback()
        original = _existing_answer(player.id, round_question_id)
        if original is None:
            raise
        return _ack(original, duplicate=True)
    return _ack(answer, duplicate=False)


@dataclass(frozen=True)
class _QuestionInfo:
    contest_id: int
    question: CoreQuestion
    rule: RoundRule
    time_limit: int


# What a round question asks and how it scores never changes once stored, so
# it is read once per process; its times and the contest's phase are read fresh.
_question_infos: dict[int, _QuestionInfo] = {}


def _question_info(rq: RoundQuestion | None, contest: Contest) -> _QuestionInfo:
    if rq is None:
        raise LiveError("not_current")
    info = _question_infos.get(rq.id)
    if info is None:
        question = to_core(rq.question)
        info = _QuestionInfo(
            rq.round.contest_id, question, RoundRule(**rq.round.scoring), rq.round.time_limit or question.time_limit
        )
        _question_infos[rq.id] = info
    if info.contest_id != contest.id or rq.opened_at is None or contest.current_id != rq.id:
        raise LiveError("not_current")
    return info


def _elapsed_ms(contest: Contest, rq: RoundQuestion, info: _QuestionInfo, now: datetime) -> int:
    """Milliseconds from the open to the answer (capped at the limit); refuses answers that are too late."""
    # Once the key is revealed nothing more is taken; until then a tap that was
    # in flight at the close still counts within GRACE.
    closed = rq.closed_at if rq.closed_at and rq.closed_at < rq.closes_at else rq.closes_at
    # The countdown is frozen during a pause, so an answer then is timed at the pause.
    judged_at = min(now, contest.paused_at) if contest.paused_at else now
    if contest.phase not in ("question", "closed") or judged_at > closed + GRACE:
        raise LiveError("late")
    elapsed = int((judged_at - rq.opened_at).total_seconds() * 1000)
    return max(0, min(elapsed, info.time_limit * 1000))


def _existing_answer(player_id: int, round_question_id: int) -> Answer | None:
    return db.session.scalar(
        select(Answer).where(Answer.player_id == player_id, Answer.round_question_id == round_question_id)
    )


def _ack(answer: Answer, *, duplicate: bool) -> dict:
    return {
        "ok": True,
        "duplicate": duplicate,
        "round_question_id": answer.round_question_id,
        "received_at": iso(answer.received_at),
    }


def buzz(player: Player, round_question_id: int, now: datetime) -> bool:
    """Press the buzzer; True when this player pressed first. A press before the open is a false start."""
    rq = db.session.get(RoundQuestion, round_question_id)
    if rq is None or rq.round.contest_id != player.contest_id or rq.round.kind != "buzzer":
        raise LiveError("not_current")
    if rq.opened_at is None:
        db.session.add(Press(player_id=player.id, round_question_id=rq.id, at=now, false_start=True))
        db.session.commit()
        raise LiveError("false_start")
    if rq.closed_at is not None:
        raise LiveError("late")
    db.session.add(Press(player_id=player.id, round_question_id=rq.id, at=now, false_start=False))
    # One conditional UPDATE decides the race: only the first press finds the slot empty.
    won = db.session.execute(
        update(RoundQuestion)
        .where(RoundQuestion.id == rq.id, RoundQuestion.buzz_player_id.is_(None))
        .values(buzz_player_id=player.id)
    ).rowcount
    db.session.commit()
    return bool(won)


def choose_stake(player: Player, round_question_id: int, stake: int) -> int:
    """Set the stake for a risk question that has not opened yet."""
    rq = db.session.get(RoundQuestion, round_question_id)
    if rq is None or rq.round.contest_id != player.contest_id or rq.round.kind != "risk" or rq.opened_at:
        raise LiveError("invalid_stake")
    if stake not in rq.round.scoring.get("stakes", []):
        raise LiveError("invalid_stake")
    row = db.session.scalar(select(Stake).where(Stake.player_id == player.id, Stake.round_question_id == rq.id))
    if row is None:
        db.session.add(Stake(player_id=player.id, round_question_id=rq.id, stake=stake))
    else:
        row.stake = stake
    db.session.commit()
    return stake


# --- the host's actions ------------------------------------------------------------


def open_contest(contest: Contest, actor, address: str = "") -> None:
    """Let players join (draft -> open)."""
    if contest.status != "draft":
        raise LiveError("wrong_phase")
    contest.status, contest.phase = "open", "lobby"
    audit.record(actor, "contest.open", contest.code, address)
    db.session.commit()


def next_question(contest: Contest, now: datetime, actor=None) -> RoundQuestion:
    """Open the next question: its deadline is stored now."""
    if contest.mode != "live":
        raise LiveError("self_paced", "自定进度的笔试没有主持台")
    if contest.status != "open" or contest.phase not in ("lobby", "closed", "reveal", "leaderboard"):
        raise LiveError("wrong_phase")
    rq = upcoming_question(contest)
    if rq is None:
        raise LiveError("wrong_phase", "所有题目都已出完")
    time_limit = rq.round.time_limit or rq.question.time_limit
    rq.opened_at = now
    rq.closes_at = now + timedelta(seconds=time_limit)
    contest.current_id, contest.phase, contest.paused_at = rq.id, "question", None
    audit.record(actor, "question.open", contest.code, round=rq.round.position, number=rq.position)
    db.session.commit()
    return rq


def upcoming_question(contest: Contest) -> RoundQuestion | None:
    """The next question not yet opened, in round and position order."""
    for round_ in contest.rounds:
        for rq in round_.questions:
            if rq.opened_at is None:
                return rq
    return None


def close_question(contest: Contest, now: datetime, actor=None) -> RoundQuestion | None:
    """Close the open question (early or at its deadline); None if nothing was open."""
    rq = db.session.get(RoundQuestion, contest.current_id) if contest.current_id else None
    if rq is None or contest.phase != "question" or rq.closed_at is not None:
        return None
    rq.closed_at = now
    contest.phase, contest.paused_at = "closed", None
    if actor is not None:
        audit.record(actor, "question.close", contest.code, round=rq.round.position, number=rq.position)
    db.session.commit()
    return rq


def pause(contest: Contest, now: datetime, actor=None) -> None:
    """Freeze the countdown for everyone."""
    if contest.phase != "question" or contest.paused_at is not None:
        raise LiveError("wrong_phase")
    contest.paused_at = now
    audit.record(actor, "question.pause", contest.code)
    db.session.commit()


def resume_countdown(contest: Contest, now: datetime, actor=None) -> RoundQuestion:
    """Continue: the open question's times move on by the pause's length."""
    if contest.phase != "question" or contest.paused_at is None:
        raise LiveError("wrong_phase")
    rq = db.session.get(RoundQuestion, contest.current_id)
    shift = now - contest.paused_at
    rq.opened_at += shift
    rq.closes_at += shift
    contest.paused_at = None
    audit.record(actor, "question.resume", contest.code, paused_ms=int(shift.total_seconds() * 1000))
    db.session.commit()
    return rq


def set_phase(contest: Contest, phase: str, actor=None) -> None:
    """Move to `reveal` (after a close) or `leaderboard`."""
    allowed_from = {"reveal": ("closed", "reveal"), "leaderboard": ("closed", "reveal", "leaderboard", "lobby")}
    if contest.status != "open" or contest.phase not in allowed_from[phase]:
        raise LiveError("wrong_phase")
    contest.phase = phase
    db.session.commit()


def finish(contest: Contest, actor=None, address: str = "") -> None:
    """End the contest; phones see the podium."""
    if contest.mode != "live":
        raise LiveError("self_paced", "自定进度的笔试请在竞赛管理页结束")
    if contest.status != "open" or contest.phase == "question":
        raise LiveError("wrong_phase")
    contest.status, contest.phase = "finished", "finished"
    freeze_scores(contest)
    audit.record(actor, "contest.finish", contest.code, address)
    db.session.commit()


def book_answers(contest: Contest) -> None:
    """Put every player's wrong answers into their wrong-answer book (services.learning) after the contest ended.

    Run after the podium went out (timers.book_answers_later): a hall of players takes a moment."""
    from quizengine.services import learning  # learning builds on this module

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
        learning.note_answers(staff_id, answers)
    db.session.commit()


def freeze_scores(contest: Contest) -> None:
    """Keep the final standings the awards are decided on (the tie-break is core.ranking's).

    `rank` is the rank within the player's group: awards go per group, and a contest
    (a district-wide paper, say) may span several.
    """
    from quizengine.services.standings import group_of_centers, standings  # standings builds on this module

    group_of = group_of_centers(contest)
    by_group = {}
    for standing in standings(contest):
        by_group.setdefault(group_of.get(standing.center), []).append(standing)
    for ranked in (r for people in by_group.values() for r in rank_people(people)):
        s = ranked.standing
        db.session.add(
            Score(
                contest_id=contest.id,
                player_id=s.player_id,
                points=s.score,
                correct=s.correct,
                answered=s.answered,
                total_time_ms=s.total_time_ms,
                rank=ranked.rank,
            )
        )


def kick(contest: Contest, player_id: int, now: datetime, actor=None, address: str = "") -> Player:
    """Remove a player: their token stops working."""
    player = db.session.get(Player, player_id)
    if player is None or player.contest_id != contest.id:
        raise LiveError("invalid_payload", "没有这位选手")
    player.kicked_at = now
    audit.record(actor, "player.kick", contest.code, address, staff=player.staff.staff_no, name=player.staff.name)
    db.session.commit()
    return player


def due_for_closing(now: datetime) -> list[tuple[int, datetime]]:
    """(contest id, closes_at) of every open, unpaused question, for (re)arming deadline timers."""
    rows = db.session.execute(
        select(Contest.id, RoundQuestion.closes_at)
        .join(RoundQuestion, Contest.current_id == RoundQuestion.id)
        .where(Contest.phase == "question", Contest.paused_at.is_(None), RoundQuestion.closed_at.is_(None))
    ).all()
    return [(contest_id, closes_at) for contest_id, closes_at in rows]
