"""Live contests: joining, answering and the host's actions. Every function takes `now`.

The phases, the moves between them and when an answer counts are
core.live's; this module keeps them in the database. One answer per player
and question is enforced by the database; a retry returns the original
acknowledgement.

What a phone writes (join, answer, buzz, stake) is done by functions that add
rows but never commit: sockets.writer runs them many to a transaction and
commits them together (group commit). The host's actions commit themselves.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from quizengine.core.identity import fold_staff_no
from quizengine.core.live import Mode, Phase, Status, answer_elapsed_ms, may_move
from quizengine.core.questions import Question as CoreQuestion
from quizengine.core.questions import canonical_response, valid_response
from quizengine.core.scoring import RoundRule, score_answer
from quizengine.database import batch_memo
from quizengine.extensions import db
from quizengine.models import Answer, Contest, Player, Press, RoundQuestion, Staff, Stake
from quizengine.models.mapping import to_core
from quizengine.models.types import utcnow
from quizengine.services import audit
from quizengine.services.contests import contest_by_code, upcoming_question
from quizengine.services.errors import Refused, only
from quizengine.services.identity import identified, staff_by_numbers
from quizengine.services.results import freeze_scores
from quizengine.timezone import iso

# --- players -------------------------------------------------------------------


def join(code: str, staff_no: str, name: str, token: str | None) -> Player:
    """Join a contest by roster identity; an existing player is taken over only with its token. The caller commits."""
    return only(join_many([(code, staff_no, name, token)]))


def join_many(argsets: list[tuple]) -> list[Player | Refused]:
    """Join a batch of phones, each `(code, staff id, name, token)`: each one's player or refusal, in order.
    The caller commits.

    A join storm costs a few queries whatever its size: the contests by code
    (once per writer batch), the staff by their ids, the seats they already
    have, and one INSERT of the new players. The same person twice in a batch
    is a first join and then a second phone (refused without the token), as if
    they came one after the other. Should the INSERT conflict (another process
    seated one of them meanwhile), the new ones are seated one by one.
    """
    outcomes: list[Player | Refused | None] = [None] * len(argsets)
    staff = staff_by_numbers([args[1] for args in argsets])
    contests: dict[str, Contest | None] = {}
    wanted: dict[int, tuple[Contest, object, str | None]] = {}
    for index, (code, staff_no, name, token) in enumerate(argsets):
        try:
            contest = _open_live_contest(code, contests)
            wanted[index] = (contest, identified(staff.get(fold_staff_no(staff_no)), name, contest.groups), token)
        except Refused as refusal:
            outcomes[index] = refusal
    seats = _seats({(contest.id, person.id) for contest, person, _ in wanted.values()})
    new: dict[int, dict] = {}  # index -> the row of a new player
    pending: set[tuple[int, int]] = set()
    now = utcnow()
    for index, (contest, person, token) in wanted.items():
        pair = (contest.id, person.id)
        if pair in seats:
            outcomes[index] = _taken_over(seats[pair], token)
        elif pair in pending:  # a second phone in the same batch: it has no token yet
            outcomes[index] = Refused("already_joined")
        else:
            pending.add(pair)
            new[index] = {"contest_id": contest.id, "staff_id": person.id, "token": _token(), "joined_at": now}
    if new:
        try:
            with db.session.begin_nested():
                rows = db.session.scalars(insert(Player).returning(Player), list(new.values()))
                seated = {player.token: player for player in rows}
            for index, row in new.items():
                outcomes[index] = seated[row["token"]]
        except IntegrityError:  # seated meanwhile by another process (or a second phone there)
            for index in new:
                outcomes[index] = _join_one(*wanted[index])
    return outcomes


def _open_live_contest(code, seen: dict) -> Contest:
    """The contest a join code stands for, if it is a live one open to joins; each code is looked up once per
    batch (`seen`, and database.batch_memo across a writer's batch)."""
    folded = (code or "").strip().upper() if isinstance(code, str) else ""
    if folded not in seen:
        seen[folded] = batch_memo(db.session(), ("contest", folded), lambda: contest_by_code(folded))
    contest = seen[folded]
    if contest is None:
        raise Refused("contest_not_found")
    if contest.mode != Mode.LIVE:
        raise Refused("self_paced")
    if contest.status != Status.OPEN:
        raise Refused("contest_not_open")
    return contest


def _seats(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Player]:
    """The players already seated, of these (contest id, staff id) pairs, in one query."""
    if not pairs:
        return {}
    contests, people = {c for c, _ in pairs}, {p for _, p in pairs}
    rows = db.session.scalars(select(Player).where(Player.contest_id.in_(contests), Player.staff_id.in_(people)))
    return {(p.contest_id, p.staff_id): p for p in rows if (p.contest_id, p.staff_id) in pairs}


def _taken_over(player: Player, token: str | None) -> Player | Refused:
    """An existing seat is taken over only with its token, and never once kicked."""
    if player.kicked_at is not None:
        return Refused("kicked")
    if not token or not isinstance(token, str) or not secrets.compare_digest(token, player.token):
        return Refused("already_joined")
    return player


def _token() -> str:
    return secrets.token_urlsafe(24)


def _join_one(contest: Contest, person, token: str | None) -> Player | Refused:
    player = Player(contest_id=contest.id, staff_id=person.id, token=_token())
    try:
        with db.session.begin_nested():
            db.session.add(player)
        return player
    except IntegrityError:
        return _taken_over(_player_of(contest.id, person.id), token)


def _player_of(contest_id: int, staff_id: int) -> Player | None:
    return db.session.scalar(select(Player).where(Player.contest_id == contest_id, Player.staff_id == staff_id))


def resume(token: str) -> Player:
    """The player a phone's token stands for."""
    return only(resume_many([token]))


def resume_many(tokens: list[str]) -> list[Player | Refused]:
    """The players a batch of phones' tokens stand for (a hall coming back after its Wi-Fi dropped), with their
    staff and centers, in one query; `invalid_token` or `kicked` in place of a player refused."""
    wanted = {token for token in tokens if token}
    found = {}
    if wanted:
        query = (
            select(Player).where(Player.token.in_(wanted)).options(joinedload(Player.staff).joinedload(Staff.center))
        )
        found = {player.token: player for player in db.session.scalars(query).unique()}
    outcomes: list[Player | Refused] = []
    for token in tokens:
        player = found.get(token) if token else None
        if player is None:
            outcomes.append(Refused("invalid_token"))
        elif player.kicked_at is not None:
            outcomes.append(Refused("kicked"))
        else:
            outcomes.append(player)
    return outcomes


def live_player(player_id: int) -> Player:
    """A player still in the game (not kicked)."""
    player = db.session.get(Player, player_id)
    if player is None:
        raise Refused("not_joined")
    if player.kicked_at is not None:
        raise Refused("kicked")
    return player


# --- answering ------------------------------------------------------------------


def submit_answer(player_id: int, round_question_id: int, response, key: str, now: datetime) -> dict:
    """Store one answer (the caller commits) and return its acknowledgement; `submit_answers` of one."""
    return only(submit_answers([(player_id, round_question_id, response, key, now)]))


def submit_answers(argsets: list[tuple]) -> list[dict | Refused]:
    """Store a batch of answers, each `(player id, round question id, response, key, received at)`, and return
    each one's acknowledgement (to be sent after the caller's commit) or refusal, in order.

    A retry of an answer already stored — before, or earlier in this batch — gets
    the original acknowledgement, even after the question closed. The batch costs
    three statements whatever its size: its players with the answers and risk
    stakes they already have, its questions with their contests' phase, and one
    INSERT of all the new rows (Core, statements built once). Should
    that INSERT conflict (a key reused for another question, or the same answer
    stored meanwhile by another process), the rows are inserted one by one.
    """
    players, stored, stakes = _players_of_batch({args[0] for args in argsets}, _ids(args[1] for args in argsets))
    now_open = _open_questions(_ids(args[1] for args in argsets))
    outcomes: list[dict | Refused] = []
    new: dict[tuple[int, int], dict] = {}
    repeats: list[tuple[int, int]] = []  # (index, index of the first) of an answer sent twice in this batch
    first: dict[tuple[int, int], int] = {}
    for index, (player_id, rq_id, response, key, now) in enumerate(argsets):
        original = stored.get((player_id, rq_id))
        if original is not None:
            outcomes.append(_ack(original, duplicate=True))
            continue
        try:
            row = _answer_row(players.get(player_id), now_open.get(rq_id), response, key, now, stakes)
        except Refused as refusal:
            outcomes.append(refusal)
            continue
        pair = (player_id, rq_id)
        if pair in new:  # sent twice in one batch: the first one counts
            outcomes.append(_ack(new[pair], duplicate=True))
            repeats.append((index, first[pair]))
            continue
        new[pair], first[pair] = row, index
        outcomes.append(_ack(row, duplicate=False))
    if new:
        try:
            with db.session.begin_nested():
                db.session.connection().execute(Answer.__table__.insert(), list(new.values()))
        except IntegrityError:
            _insert_one_by_one(argsets, outcomes, new)
            for index, of in repeats:  # a repeat shares the fate of the answer it repeats
                if isinstance(outcomes[of], Refused):
                    outcomes[index] = outcomes[of]
                else:
                    outcomes[index] = {**outcomes[of], "duplicate": True}
    return outcomes


def _ids(values) -> list[int]:
    return sorted({value for value in values if isinstance(value, int) and not isinstance(value, bool)})


# The batch's lookups, built once and run on the session's connection (Core: no ORM work per statement):
# a lone answer (a spread of answers comes one by one) costs two small queries before its INSERT.
_QUESTIONS, _PLAYERS = bindparam("questions", expanding=True), bindparam("players", expanding=True)
_BATCH_PLAYERS = (
    select(
        Player.id,
        Player.contest_id,
        Player.kicked_at,
        Answer.round_question_id,
        Answer.received_at,
        Stake.round_question_id.label("stake_question_id"),
        Stake.stake,
    )
    .outerjoin(Answer, (Answer.player_id == Player.id) & Answer.round_question_id.in_(_QUESTIONS))
    .outerjoin(Stake, (Stake.player_id == Player.id) & Stake.round_question_id.in_(_QUESTIONS))
    .where(Player.id.in_(_PLAYERS))
)
_OPEN_QUESTIONS = (
    select(
        RoundQuestion.id,
        RoundQuestion.opened_at,
        RoundQuestion.closes_at,
        RoundQuestion.closed_at,
        RoundQuestion.buzz_player_id,
        Contest.id.label("contest_id"),
        Contest.phase,
        Contest.paused_at,
    )
    .join(Contest, Contest.current_id == RoundQuestion.id)
    .where(RoundQuestion.id.in_(_QUESTIONS))
)


@dataclass(frozen=True)
class _Seat:
    id: int
    contest_id: int
    kicked_at: datetime | None


def _players_of_batch(player_ids, questions):
    """The batch's players, the answers they already stored and the stakes they chose, on these questions."""
    players: dict[int, _Seat] = {}
    stored: dict[tuple[int, int], dict] = {}
    stakes: dict[tuple[int, int], int] = {}
    if not player_ids:
        return players, stored, stakes
    params = {"players": sorted(player_ids), "questions": questions or [0]}
    rows = db.session.connection().execute(_BATCH_PLAYERS, params)
    for player_id, contest_id, kicked_at, answered, received_at, staked, stake in rows:
        players[player_id] = _Seat(player_id, contest_id, kicked_at)
        if answered is not None:
            stored[player_id, answered] = {"round_question_id": answered, "received_at": received_at}
        if staked is not None:
            stakes[player_id, staked] = stake
    return players, stored, stakes


def _open_questions(questions) -> dict:
    """The batch's questions that are their contest's current one, with the times and phase that time an answer."""
    if not questions:
        return {}
    return {row.id: row for row in db.session.connection().execute(_OPEN_QUESTIONS, {"questions": questions})}


def _answer_row(player: _Seat | None, rq, response, key, now: datetime, stakes: dict) -> dict:
    """The row of one answer, checked and scored; refuses it as the protocol says. `rq` is the question's
    row of `_OPEN_QUESTIONS` (None: not its contest's current question)."""
    if player is None:
        raise Refused("not_joined")
    if player.kicked_at is not None:
        raise Refused("kicked")
    if rq is None or rq.contest_id != player.contest_id or rq.opened_at is None:
        raise Refused("not_current")
    info = _question_info(rq.id)
    elapsed_ms = _elapsed_ms(rq, info, now)
    if not valid_response(info.question, response):
        raise Refused("invalid_response")
    if info.rule.kind == "buzzer" and rq.buzz_player_id != player.id:
        raise Refused("not_your_buzz")
    stake = stakes.get((player.id, rq.id)) if info.rule.kind == "risk" else None
    outcome = score_answer(
        info.question, response, info.rule, elapsed_ms=elapsed_ms, time_limit_s=info.time_limit, stake=stake
    )
    return {
        "player_id": player.id,
        "round_question_id": rq.id,
        "idempotency_key": str(key)[:64],
        "response": {"value": canonical_response(info.question, response)},
        "received_at": now,
        "elapsed_ms": elapsed_ms,
        "correct": outcome.correct,
        "points": outcome.points,
        "stake": stake,
    }


def _insert_one_by_one(argsets, outcomes: list, new: dict) -> None:
    """After a conflicting batch INSERT: each new row in its own savepoint; a conflict is resolved to the
    answer already stored (a duplicate) or refused (the key was used for another question)."""
    for index, (player_id, rq_id, *_rest) in enumerate(argsets):
        row = new.get((player_id, rq_id))
        outcome = outcomes[index]
        if row is None or isinstance(outcome, Refused) or outcome["duplicate"]:
            continue
        try:
            with db.session.begin_nested():
                db.session.execute(insert(Answer), [row])
        except IntegrityError:
            original = _existing_answer(player_id, rq_id)
            outcomes[index] = (
                _ack(original, duplicate=True)
                if original is not None
                else Refused("invalid_payload", "key 已用于另一道题")
            )
        new.pop((player_id, rq_id))


submit_answer.batch = submit_answers  # the writer hands it all the batch's answers at once


@dataclass(frozen=True)
class _QuestionInfo:
    contest_id: int
    question: CoreQuestion
    rule: RoundRule
    time_limit: int


# What a round question asks and how it scores never changes once stored, so
# it is read once per process (the most recent QUESTION_INFOS of them); its
# times and the contest's phase are read fresh.
QUESTION_INFOS = 512
_question_infos: dict[int, _QuestionInfo] = {}


def _question_info(round_question_id: int) -> _QuestionInfo:
    info = _question_infos.get(round_question_id)
    if info is None:
        rq = db.session.get(RoundQuestion, round_question_id)
        question = to_core(rq.question)
        info = _QuestionInfo(
            rq.round.contest_id, question, RoundRule(**rq.round.scoring), rq.round.time_limit or question.time_limit
        )
        if len(_question_infos) >= QUESTION_INFOS:
            del _question_infos[next(iter(_question_infos))]  # the oldest
        _question_infos[round_question_id] = info
    return info


def _elapsed_ms(rq, info: _QuestionInfo, now: datetime) -> int:
    """Milliseconds from the open to the answer (core.live.answer_elapsed_ms); refuses answers that are too
    early (during the "get ready" seconds) or too late. `rq` has the question's times and its contest's phase."""
    if now < rq.opened_at:
        raise Refused("not_open_yet")
    elapsed = answer_elapsed_ms(
        phase=rq.phase,
        opened_at=rq.opened_at,
        closes_at=rq.closes_at,
        closed_at=rq.closed_at,
        paused_at=rq.paused_at,
        time_limit_s=info.time_limit,
        now=now,
    )
    if elapsed is None:
        raise Refused("late")
    return elapsed


def _existing_answer(player_id: int, round_question_id: int) -> Answer | None:
    return db.session.scalar(
        select(Answer).where(Answer.player_id == player_id, Answer.round_question_id == round_question_id)
    )


def _ack(answer, *, duplicate: bool) -> dict:
    """The acknowledgement of an answer: a stored row, or the row of a new one (a dict)."""
    if isinstance(answer, dict):
        round_question_id, received_at = answer["round_question_id"], answer["received_at"]
    else:
        round_question_id, received_at = answer.round_question_id, answer.received_at
    return {"ok": True, "duplicate": duplicate, "round_question_id": round_question_id, "received_at": iso(received_at)}


@dataclass(frozen=True)
class Buzz:
    """What a press of the buzzer did."""

    contest_id: int
    first: bool
    false_start: bool


def buzz(player_id: int, round_question_id: int, now: datetime) -> Buzz:
    """Press the buzzer (the caller commits). A press before the open is a false start, and is kept as one."""
    player = live_player(player_id)
    rq = db.session.get(RoundQuestion, round_question_id)
    if rq is None or rq.round.contest_id != player.contest_id or rq.round.kind != "buzzer":
        raise Refused("not_current")
    early = rq.opened_at is None or now < rq.opened_at
    if not early and rq.closed_at is not None:
        raise Refused("late")
    db.session.add(Press(player_id=player.id, round_question_id=rq.id, at=now, false_start=early))
    if early:
        return Buzz(player.contest_id, first=False, false_start=True)
    # One conditional UPDATE decides the race: only the first press finds the slot empty.
    won = db.session.execute(
        update(RoundQuestion)
        .where(RoundQuestion.id == rq.id, RoundQuestion.buzz_player_id.is_(None))
        .values(buzz_player_id=player.id)
    ).rowcount
    return Buzz(player.contest_id, first=bool(won), false_start=False)


def choose_stake(player_id: int, round_question_id: int, stake: int, now: datetime) -> int:
    """Set the stake for a risk question until it opens (its "get ready" seconds included; the caller commits)."""
    player = live_player(player_id)
    rq = db.session.get(RoundQuestion, round_question_id)
    if rq is None or rq.round.contest_id != player.contest_id or rq.round.kind != "risk":
        raise Refused("invalid_stake")
    if rq.opened_at is not None and now >= rq.opened_at:
        raise Refused("invalid_stake")
    if stake not in rq.round.scoring.get("stakes", []):
        raise Refused("invalid_stake")
    row = db.session.scalar(select(Stake).where(Stake.player_id == player.id, Stake.round_question_id == rq.id))
    if row is None:
        db.session.add(Stake(player_id=player.id, round_question_id=rq.id, stake=stake))
    else:
        row.stake = stake
    return stake


# --- the host's actions ------------------------------------------------------------


def open_contest(contest: Contest, actor, address: str = "") -> None:
    """Let players join (draft -> open)."""
    if contest.status != Status.DRAFT:
        raise Refused("wrong_phase")
    contest.status, contest.phase = Status.OPEN, Phase.LOBBY
    audit.record(actor, "contest.open", contest.code, address)
    db.session.commit()


def next_question(contest: Contest, now: datetime, actor=None) -> RoundQuestion:
    """Show the next question: its "get ready" seconds (the contest's `ready_seconds`), then its options
    and countdown from the stored `opened_at`; the deadline is stored now."""
    if contest.mode != Mode.LIVE:
        raise Refused("not_live")
    if not may_move(contest.status, contest.phase, Phase.QUESTION):
        raise Refused("wrong_phase")
    rq = upcoming_question(contest)
    if rq is None:
        raise Refused("no_more_questions")
    time_limit = rq.round.time_limit or rq.question.time_limit
    rq.opened_at = now + timedelta(seconds=ready_seconds(contest))
    rq.closes_at = rq.opened_at + timedelta(seconds=time_limit)
    contest.current_id, contest.phase, contest.paused_at = rq.id, Phase.QUESTION, None
    audit.record(actor, "question.open", contest.code, round=rq.round.position, number=rq.position)
    db.session.commit()
    return rq


def close_question(contest: Contest, now: datetime, actor=None, *, unless_paused: bool = False) -> RoundQuestion | None:
    """Close the open question (early or at its deadline); None if nothing was open or it closed meanwhile.

    One conditional UPDATE (`closed_at IS NULL`) decides, so when the host and a
    deadline watcher, or two processes, close at once exactly one gets the question
    back (and emits `closed`). `unless_paused` (the watchers): a pause that came in
    meanwhile wins, and the question stays open.
    """
    rq_id = contest.current_id
    if rq_id is None or contest.phase != Phase.QUESTION:
        return None
    closed = db.session.execute(
        update(RoundQuestion)
        .where(RoundQuestion.id == rq_id, RoundQuestion.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    still_open = [Contest.id == contest.id, Contest.current_id == rq_id, Contest.phase == Phase.QUESTION]
    if unless_paused:
        still_open.append(Contest.paused_at.is_(None))
    moved = (
        closed
        and db.session.execute(
            update(Contest)
            .where(*still_open)
            .values(phase=Phase.CLOSED, paused_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    )
    if not moved:
        db.session.rollback()  # and the objects reload what the winner stored
        return None
    rq = db.session.get(RoundQuestion, rq_id)
    if actor is not None:
        audit.record(actor, "question.close", contest.code, round=rq.round.position, number=rq.position)
    db.session.commit()
    return rq


def pause(contest: Contest, now: datetime, actor=None) -> None:
    """Freeze the countdown for everyone."""
    if contest.phase != Phase.QUESTION or contest.paused_at is not None:
        raise Refused("wrong_phase")
    contest.paused_at = now
    audit.record(actor, "question.pause", contest.code)
    db.session.commit()


def resume_countdown(contest: Contest, now: datetime, actor=None) -> RoundQuestion:
    """Continue: the open question's times move on by the pause's length."""
    if contest.phase != Phase.QUESTION or contest.paused_at is None:
        raise Refused("wrong_phase")
    rq = db.session.get(RoundQuestion, contest.current_id)
    shift = now - contest.paused_at
    rq.opened_at += shift
    rq.closes_at += shift
    contest.paused_at = None
    audit.record(actor, "question.resume", contest.code, paused_ms=int(shift.total_seconds() * 1000))
    db.session.commit()
    return rq


def set_phase(contest: Contest, phase: Phase, actor=None) -> None:
    """Move to `reveal` (after a close) or `leaderboard`, as core.live.MOVES allows."""
    if phase not in (Phase.REVEAL, Phase.LEADERBOARD) or not may_move(contest.status, contest.phase, phase):
        raise Refused("wrong_phase")
    contest.phase = phase
    db.session.commit()


def finish(contest: Contest, actor=None, address: str = "") -> None:
    """End the contest; phones see the podium."""
    if contest.mode != Mode.LIVE:
        raise Refused("not_live")
    if not may_move(contest.status, contest.phase, Phase.FINISHED):
        raise Refused("wrong_phase")
    contest.status, contest.phase = Status.FINISHED, Phase.FINISHED
    freeze_scores(contest)
    audit.record(actor, "contest.finish", contest.code, address)
    db.session.commit()


def kick(contest: Contest, player_id: int, now: datetime, actor=None, address: str = "") -> Player:
    """Remove a player: their token stops working."""
    player = db.session.get(Player, player_id)
    if player is None or player.contest_id != contest.id:
        raise Refused("invalid_payload", "没有这位选手")
    player.kicked_at = now
    audit.record(actor, "player.kick", contest.code, address, staff=player.staff.staff_no, name=player.staff.name)
    db.session.commit()
    return player


def ready_seconds(contest: Contest) -> int:
    """The seconds of "get ready" before a live question's options and countdown (contest setting, default 3)."""
    return int(contest.settings.get("ready_seconds", 3))


def answering_done(contest: Contest, rq: RoundQuestion, answered: int, joined: int) -> bool:
    """Whether the open question may close before its deadline: every joined player has answered
    (a buzzer question: its winner has), unless the contest's `close_early` setting is off."""
    if not contest.settings.get("close_early", True):
        return False
    if rq.round.kind == "buzzer":
        return rq.buzz_player_id is not None and answered > 0
    return joined > 0 and answered >= joined
