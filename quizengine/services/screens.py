"""What phones, the board and the host are sent: the open question, the reveal, counts, snapshots to resume from.

Question payloads never carry the answer key; it appears first in
`reveal_payload`, which is only built once the question is closed.
Sockets emit these; this module only builds them.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from quizengine.core.live import SHOWS_LEADERBOARD, SHOWS_QUESTION, Phase
from quizengine.core.questions import QuestionKind, canonical_response, typed_answers, valid_response
from quizengine.database import batch_memo
from quizengine.extensions import db
from quizengine.models import Answer, Center, Contest, Player, RoundQuestion, Staff
from quizengine.models.mapping import to_core
from quizengine.services.contests import upcoming_question
from quizengine.services.correctable import active_corrections, corrected
from quizengine.services.results import NO_FIGURES, leaderboard, player_figures, player_result, podium
from quizengine.timezone import iso

# How many distinct fill-in answers a reveal lists (the rest are counted together).
TYPED_SHOWN = 8


def question_count(contest: Contest) -> int:
    """How many questions the contest has in all."""
    return sum(len(r.questions) for r in contest.rounds)


def question_number(rq: RoundQuestion) -> int:
    """1-based position of a question across all rounds."""
    number = 0
    for round_ in rq.round.contest.rounds:
        for other in round_.questions:
            number += 1
            if other.id == rq.id:
                return number
    return number


def _round_info(rq: RoundQuestion) -> dict:
    round_ = rq.round
    return {
        "id": round_.id,
        "position": round_.position,
        "kind": round_.kind,
        "title": round_.title,
        "stakes": round_.scoring.get("stakes", []),
    }


def question_payload(rq: RoundQuestion, now: datetime) -> dict:
    """The open question as phones and the board get it: no answer, explanation or source.

    During its "get ready" seconds (before `opened_at`) it is `ready` and has no
    options: they go out, in the same event, at `opened_at` (sockets.ready), so
    no phone can read them before anyone may answer.
    """
    q = rq.question
    ready = rq.closed_at is None and now < rq.opened_at
    return {
        "contest_id": rq.round.contest_id,
        "round_question_id": rq.id,
        "number": question_number(rq),
        "total": question_count(rq.round.contest),
        "round": _round_info(rq),
        "kind": q.kind,
        "stem": q.stem,
        "options": [] if ready else [list(option) for option in q.options],
        "ready": ready,
        "points": rq.round.scoring.get("points") or q.points,
        "time_limit": rq.round.time_limit or q.time_limit,
        "opened_at": iso(rq.opened_at),
        "closes_at": iso(rq.closes_at),
        "server_now": iso(now),
    }


def reveal_payload(rq: RoundQuestion) -> dict:
    """The answer key, explanation, source and answer distribution of a closed question."""
    if rq.closed_at is None:
        raise ValueError("a question's key is revealed only after it closes")
    q = rq.question
    core = corrected(to_core(q), active_corrections(rq.round.contest).get(rq.id))  # 复核 may have changed the key
    values = [
        row.response.get("value") for row in db.session.scalars(select(Answer).where(Answer.round_question_id == rq.id))
    ]
    distribution: Counter = Counter()
    for value in values:
        if core.kind is QuestionKind.FILL or not valid_response(core, value):
            continue
        given = canonical_response(core, value)  # "B", ["A", "C"] or True/False
        if core.kind is QuestionKind.JUDGE:
            distribution["true" if given else "false"] += 1
        else:
            distribution.update([given] if isinstance(given, str) else given)
    answer: object = list(core.answer)
    if core.kind is QuestionKind.JUDGE:
        answer = core.answer[0] == "true"
    typed = typed_answers(core, values) if core.kind is QuestionKind.FILL else []
    buzzer = db.session.get(Player, rq.buzz_player_id) if rq.buzz_player_id else None
    return {
        "round_question_id": rq.id,
        "kind": q.kind,
        "answer": answer,
        "explanation": q.explanation,
        "source": " ".join(filter(None, [q.source_document, q.source_section])),
        # the policy's dates, so a hall sees which version of the rule the key follows
        "effective": q.effective.isoformat() if q.effective else None,
        "expires": q.expires.isoformat() if q.expires else None,
        "distribution": dict(distribution),
        # fill-in: the distinct answers given, counted (the first TYPED_SHOWN; `typed_other` people gave others)
        "typed": [{"text": t.text, "count": t.count, "correct": t.correct} for t in typed[:TYPED_SHOWN]],
        "typed_other": sum(t.count for t in typed[TYPED_SHOWN:]),
        "answered": len(values),
        "correct": db.session.scalar(
            select(func.count()).where(Answer.round_question_id == rq.id, Answer.correct.is_(True))
        ),
        "buzzer": {"player_id": buzzer.id, "name": buzzer.staff.name, "center": buzzer.staff.center.name}
        if buzzer
        else None,
        "upcoming": upcoming_payload(rq.round.contest),
    }


def snapshot(contest: Contest, now: datetime, player: Player | None = None) -> dict:
    """Everything a (re)connecting client needs to show the right screen.

    In a batch of the writer (a join storm) the part that is the same for every
    phone is built once (database.batch_memo) and each phone gets its own copy
    with its own figures and the current `server_now`.
    """
    common = batch_memo(db.session(), ("snapshot", contest.id), lambda: _common_state(contest, now))
    state = {**common, "server_now": iso(now)}
    if common["reveal"] is not None:
        state["reveal"] = dict(common["reveal"])
    if player is None:
        return state
    rq = db.session.get(RoundQuestion, contest.current_id) if contest.current_id else None
    if rq is not None:
        state["answered"] = _answered(rq, player)
        if contest.phase == Phase.REVEAL:
            state["reveal"]["you"] = player_result(rq, player)
    # Before the first question nobody has scored: a join storm need not rank the hall per join.
    # Until the reveal a phone's figures are as they were at the last one: a resume must not tell
    # whether the open question's answer was right.
    hidden = contest.current_id if contest.phase in (Phase.QUESTION, Phase.CLOSED) else None
    state["you"] = player_figures(contest, player, hidden) if contest.current_id else NO_FIGURES
    return state


def _answered(rq: RoundQuestion, player: Player) -> bool:
    """Whether the player has answered the question; in a writer's batch (a storm of resumes) who has is read once."""
    session = db.session()
    if session.info.get("memo") is None:
        found = select(func.count()).where(Answer.player_id == player.id, Answer.round_question_id == rq.id)
        return db.session.scalar(found) > 0
    who = select(Answer.player_id).where(Answer.round_question_id == rq.id)
    return player.id in batch_memo(session, ("answered", rq.id), lambda: set(db.session.scalars(who)))


def _common_state(contest: Contest, now: datetime) -> dict:
    rq = db.session.get(RoundQuestion, contest.current_id) if contest.current_id else None
    question = question_payload(rq, now) if rq is not None and contest.phase in SHOWS_QUESTION else None
    state = {
        "server_now": iso(now),
        "contest": {
            "id": contest.id,
            "title": contest.title,
            "status": contest.status,
            "phase": contest.phase,
            "code": contest.code,
        },
        "question": question,
        "paused": contest.paused_at is not None,
        "paused_at": iso(contest.paused_at),
        "buzzer": _buzzer(rq) if rq is not None and contest.phase == Phase.QUESTION else None,
        "reveal": reveal_payload(rq) if rq is not None and contest.phase == Phase.REVEAL else None,
        "upcoming": upcoming_payload(contest),
        "answered": False,
        "you": None,
    }
    if contest.phase in SHOWS_LEADERBOARD:
        state["leaderboard"] = leaderboard(contest)
    if contest.phase == Phase.FINISHED:
        state["podium"] = podium(contest)
    return state


def _buzzer(rq: RoundQuestion) -> dict | None:
    """Who won the buzzer on the open question, if anyone yet."""
    if rq.buzz_player_id is None:
        return None
    player = db.session.get(Player, rq.buzz_player_id)
    return {"player_id": player.id, "name": player.staff.name, "center": player.staff.center.name}


def upcoming_payload(contest: Contest) -> dict | None:
    """The next question's round, so phones can stake or arm the buzzer before it opens."""
    rq = upcoming_question(contest)
    if rq is None:
        return None
    return {"round_question_id": rq.id, "round": _round_info(rq)}


def counts(contest: Contest) -> dict:
    """Joined players by center and answers to the current question, for the board."""
    joined = db.session.execute(
        select(Center.name, func.count(Player.id))
        .join(Staff, Staff.center_id == Center.id)
        .join(Player, Player.staff_id == Staff.id)
        .where(Player.contest_id == contest.id, Player.kicked_at.is_(None))
        .group_by(Center.name)
    ).all()
    answered_ids: list[int] = []
    if contest.current_id:
        answered_ids = list(
            db.session.scalars(select(Answer.player_id).where(Answer.round_question_id == contest.current_id))
        )
    answered = len(answered_ids)
    return {
        "joined_by_center": {name: int(n) for name, n in joined},
        "joined": sum(int(n) for _, n in joined),
        "answered": answered,
        "answered_players": answered_ids,
    }


def players_panel(contest: Contest, is_connected) -> list[dict]:
    """Every player of the contest for the host's panel; `is_connected(player_id)` says who is online."""
    players = db.session.scalars(select(Player).where(Player.contest_id == contest.id).order_by(Player.id))
    return [
        {
            "id": p.id,
            "name": p.staff.name,
            "center": p.staff.center.name,
            "kicked": p.kicked_at is not None,
            "connected": is_connected(p.id),
        }
        for p in players
    ]


def closed_payload(contest: Contest, rq: RoundQuestion, now: datetime) -> dict:
    """What `closed` carries: the question, the time, and the next question's round (for stakes/buzzer)."""
    return {"round_question_id": rq.id, "server_now": iso(now), "upcoming": upcoming_payload(contest)}
