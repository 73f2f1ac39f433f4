"""Self-paced contests (笔试): start, save as you go, submit, time-out. Every function takes `now`.

The server decides time: an attempt's deadline is stored when it starts
(core.paper.attempt_deadline). A save counts only until the deadline plus
GRACE; after that the attempt is closed with what was saved, by whichever
comes first: the person's next request, the organizer's pages or the sweeper
(`close_due`). Answer keys leave the server only in `review`, which exists
only for a closed attempt whose results are visible.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizengine.core.paper import (
    AttemptResult,
    PaperError,
    Section,
    attempt_deadline,
    counted_attempt,
    draw_paper,
    person_seed,
    score_item,
    window_state,
)
from quizengine.core.questions import Question as CoreQuestion
from quizengine.core.questions import QuestionKind, canonical_response, valid_response
from quizengine.extensions import db
from quizengine.models import Attempt, AttemptItem, Contest, Player, Question, RoundQuestion, Staff
from quizengine.services import audit, learning
from quizengine.services.banks import to_core
from quizengine.services.live import GRACE, LiveError, freeze_scores, iso
from quizengine.timezone import local_text

MESSAGES = {
    "not_self_paced": "这场竞赛不是自定进度的笔试",
    "contest_not_open": "考试尚未发布",
    "window_not_open": "考试尚未开始",
    "window_closed": "考试已经截止",
    "no_attempts_left": "作答次数已用完",
    "attempt_closed": "本次作答已经交卷",
    "time_up": "作答时间已到，已按已保存的答案交卷",
    "no_attempt": "还没有开始作答",
    "unknown_item": "试卷中没有这道题",
    "invalid_response": "答案格式不正确",
    "not_your_group": "这场考试不面向您所在的组",
    "kicked": "组织者已取消您的参赛资格",
}


def refuse(code: str) -> LiveError:
    """A refusal with this module's message for `code`."""
    return LiveError(code, MESSAGES[code])


# --- finding things ----------------------------------------------------------------


def papers_for(staff: Staff) -> list[Contest]:
    """Published self-paced contests of the person's group, newest window first."""
    rows = db.session.scalars(
        select(Contest)
        .where(Contest.mode == "self_paced", Contest.status != "draft")
        .order_by(Contest.opens_at.desc(), Contest.id.desc())
    )
    return [c for c in rows if staff.center.group in c.groups]


def paper_contest(contest: Contest | None, staff: Staff) -> Contest:
    """The contest, if it is a published paper this person may take."""
    if contest is None or contest.mode != "self_paced":
        raise refuse("not_self_paced")
    if contest.status == "draft":
        raise refuse("contest_not_open")
    if staff.center.group not in contest.groups:
        raise refuse("not_your_group")
    return contest


def _player(contest: Contest, staff: Staff, *, create: bool) -> Player | None:
    player = db.session.scalar(select(Player).where(Player.contest_id == contest.id, Player.staff_id == staff.id))
    if player is None and create:
        player = Player(contest_id=contest.id, staff_id=staff.id, token=secrets.token_urlsafe(24))
        db.session.add(player)
        try:
            db.session.flush()
        except IntegrityError:  # the same person started on two phones at once
            db.session.rollback()
            return _player(contest, staff, create=False)
    if player is not None and player.kicked_at is not None:
        raise refuse("kicked")
    return player


def _attempts(player: Player | None) -> list[Attempt]:
    if player is None:
        return []
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.player_id == player.id)
            .order_by(Attempt.number)
            .options(selectinload(Attempt.items).selectinload(AttemptItem.question))
        )
    )


def results_visible(contest: Contest, attempt: Attempt, now: datetime) -> bool:
    """Whether the person may see this closed attempt's marks, answers and explanations."""
    if attempt.closed_at is None:
        return False
    if contest.settings.get("results") == "after_close":
        return contest.status == "finished" or now >= contest.closes_at
    return True


# --- starting, saving, submitting -----------------------------------------------------


def start(contest: Contest, staff: Staff, now: datetime) -> Attempt:
    """Start the next attempt, or return the one still open (a reload or a second phone resumes it)."""
    paper_contest(contest, staff)
    player = _player(contest, staff, create=False)
    for attempt in _attempts(player):
        if attempt.closed_at is None and not close_if_due(attempt, now):
            return attempt
    if contest.status != "open":
        raise refuse("window_closed")
    state = window_state(now, contest.opens_at, contest.closes_at)
    if state != "open":
        raise refuse("window_not_open" if state == "before" else "window_closed")
    player = player or _player(contest, staff, create=True)
    done = len(_attempts(player))
    if done >= contest.settings.get("attempts", 1):
        raise refuse("no_attempts_left")
    number = done + 1
    seed = person_seed(contest.settings.get("seed", 0), staff.staff_no, number)
    pools = _pools(contest)
    items = _draw(contest, pools, seed)
    attempt = Attempt(
        contest_id=contest.id,
        player_id=player.id,
        number=number,
        seed=seed,
        started_at=now,
        deadline=attempt_deadline(now, contest.settings["time_limit"], contest.closes_at),
    )
    db.session.add(attempt)
    for position, item in enumerate(items, 1):
        section = pools.sections[item.section]
        db.session.add(
            AttemptItem(
                attempt=attempt,
                position=position,
                round_id=pools.round_ids[item.section],
                question_id=pools.row_ids[item.question_id],
                option_order=list(item.option_order),
                points_value=section.points or pools.questions[item.question_id].points,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:  # the same attempt was started from another phone in the same instant
        db.session.rollback()
        return start(contest, staff, now)
    return attempt


@dataclass(frozen=True)
class _Pools:
    """A paper's sections with their pools, as plain data: what every draw starts from."""

    sections: tuple[Section, ...]
    round_ids: tuple[int, ...]
    questions: dict[str, CoreQuestion]
    row_ids: dict[str, int]


# A paper's pools never change after import, so they are read once per process. The key holds
# the contest's creation time too, so another database reusing the id never gets these.
_pool_cache: dict[tuple[int, datetime], _Pools] = {}
POOL_CACHE_SIZE = 32


def _pools(contest: Contest) -> _Pools:
    key = (contest.id, contest.created_at)
    if key in _pool_cache:
        return _pool_cache[key]
    found = db.session.execute(
        select(RoundQuestion.round_id, Question)
        .join(Question, RoundQuestion.question_id == Question.id)
        .where(RoundQuestion.round_id.in_([r.id for r in contest.rounds]))
        .order_by(RoundQuestion.round_id, RoundQuestion.position)
    ).all()
    questions, row_ids, by_round = {}, {}, defaultdict(list)
    for round_id, row in found:
        questions[row.key], row_ids[row.key] = to_core(row), row.id
        by_round[round_id].append(row.key)
    sections = tuple(
        Section(r.title, r.scoring["count"], tuple(by_round[r.id]), r.scoring.get("points")) for r in contest.rounds
    )
    pools = _Pools(sections, tuple(r.id for r in contest.rounds), questions, row_ids)
    if len(_pool_cache) >= POOL_CACHE_SIZE:
        _pool_cache.pop(next(iter(_pool_cache)))
    _pool_cache[key] = pools
    return pools


def _draw(contest: Contest, pools: _Pools, seed: int):
    """One paper drawn from the contest's stored pools."""
    shuffle = contest.settings.get("shuffle_options", True)
    try:
        return draw_paper(list(pools.sections), pools.questions, seed, shuffle_options=shuffle)
    except PaperError as exc:  # checked at import; only a changed pool gets here
        raise LiveError("paper_error", str(exc)) from exc


def replay(contest: Contest, attempt: Attempt) -> list[tuple[str, tuple[str, ...]]]:
    """Draw an attempt's paper again from its seed: (question id, option order) per position, for disputes."""
    items = _draw(contest, _pools(contest), attempt.seed)
    return [(item.question_id, item.option_order) for item in items]


def current_attempt(contest: Contest, staff: Staff, now: datetime) -> Attempt | None:
    """The person's open attempt (closing it first if its time is up)."""
    player = _player(contest, staff, create=False)
    for attempt in _attempts(player):
        if attempt.closed_at is None and not close_if_due(attempt, now):
            return attempt
    return None


def _locked_open_attempt(contest: Contest, staff: Staff, now: datetime) -> Attempt:
    """The open attempt, row-locked so a save and a close cannot interleave (SQLite writes one at a time anyway)."""
    player = _player(contest, staff, create=False)
    attempt = None
    if player is not None:
        attempt = db.session.scalar(
            select(Attempt)
            .where(Attempt.player_id == player.id, Attempt.closed_at.is_(None))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    if attempt is None:
        raise refuse("attempt_closed" if _attempts(player) else "no_attempt")
    if close_if_due(attempt, now):
        raise refuse("time_up")
    return attempt


def save(contest: Contest, staff: Staff, position, response, revision, now: datetime, client="") -> dict:
    """Store one answer of the open attempt (None clears it); acknowledged after commit.

    `client` names the page that sends (one per page load) and `revision`
    counts its edits of this question. A save from the page that saved last
    whose revision is not above the stored one (a retry, or one overtaken by
    a later edit) changes nothing; a save from another page is newer by
    arrival and is stored. The acknowledgement says whether it was stored and
    what the server now holds.
    """
    if not isinstance(position, int) or isinstance(position, bool):
        raise LiveError("invalid_payload", "position 应为整数")
    if not isinstance(revision, int) or isinstance(revision, bool) or not 0 < revision < 2**31:
        raise LiveError("invalid_payload", "revision 应为正整数")
    if not isinstance(client, str) or len(client) > 64:
        raise LiveError("invalid_payload", "client 应为不超过 64 字的文字")
    attempt = _locked_open_attempt(contest, staff, now)
    item = db.session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position)
    )
    if item is None:
        db.session.rollback()
        raise refuse("unknown_item")
    value = _stored_response(item, response)
    fresh = client != item.client or revision > item.revision
    if fresh:
        item.response, item.revision, item.client, item.saved_at = value, revision, client, now
        db.session.commit()
    else:
        db.session.rollback()
    return {
        "ok": True,
        "stored": fresh,
        "position": item.position,
        "revision": item.revision,
        "client": item.client,
        "response": item.response,
        "saved_at": iso(item.saved_at),
    }


def _stored_response(item: AttemptItem, response):
    if response is None or response == "" or response == []:
        return None
    question = to_core(item.question)
    if not valid_response(question, response):
        db.session.rollback()
        raise refuse("invalid_response")
    stored = canonical_response(question, response)
    return None if stored == "" else stored


def submit(contest: Contest, staff: Staff, now: datetime) -> Attempt:
    """Hand in the open attempt (交卷). After the deadline it is closed as timed out instead."""
    attempt = _locked_open_attempt(contest, staff, now)
    close(attempt, now, "submit")
    return attempt


def close_if_due(attempt: Attempt, now: datetime) -> bool:
    """Close an open attempt whose time is up (at its deadline); True when it is (now) closed."""
    if attempt.closed_at is not None:
        return True
    if now <= attempt.deadline + GRACE:
        return False
    close(attempt, attempt.deadline, "timeout")
    return True


def close(attempt: Attempt, at: datetime, by: str) -> None:
    """Score every item with `fixed` points and close the attempt (commits)."""
    contest = db.session.get(Contest, attempt.contest_id)
    partial = contest.settings.get("partial", False)
    points = correct = answered = 0
    items = db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id).options(selectinload(AttemptItem.question))
    )
    given = []
    for item in items:
        result = score_item(to_core(item.question), item.response, points=item.points_value, partial=partial)
        item.correct, item.points = (result.correct, result.points) if result.answered else (None, None)
        points, correct, answered = points + result.points, correct + result.correct, answered + result.answered
        if result.answered:
            given.append((item.question, result.correct, at))
    learning.note_answers(attempt.player.staff_id, given)
    attempt.closed_at, attempt.closed_by = at, by
    attempt.points, attempt.correct, attempt.answered = points, correct, answered
    db.session.commit()


def close_due(now: datetime) -> int:
    """Close every attempt whose time is up (the sweeper's job); returns how many."""
    ids = list(
        db.session.scalars(select(Attempt.id).where(Attempt.closed_at.is_(None), Attempt.deadline < now - GRACE))
    )
    for attempt_id in ids:
        attempt = db.session.scalar(
            select(Attempt).where(Attempt.id == attempt_id).with_for_update().execution_options(populate_existing=True)
        )
        if not close_if_due(attempt, now):
            db.session.rollback()
    return len(ids)


def finish(contest: Contest, now: datetime, actor=None, address: str = "") -> int:
    """End a self-paced contest: close open attempts now, freeze the scores. Returns attempts closed early."""
    if contest.mode != "self_paced" or contest.status != "open":
        raise LiveError("wrong_phase")
    cut = 0
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.contest_id == contest.id, Attempt.closed_at.is_(None))
    ).all():
        if not close_if_due(attempt, now):
            close(attempt, now, "finish")
            cut += 1
    contest.status, contest.phase = "finished", "finished"
    freeze_scores(contest)
    audit.record(actor, "contest.finish", contest.code, address, attempts_cut=cut)
    db.session.commit()
    return cut


# --- what the phone sees --------------------------------------------------------------


def state(contest: Contest, staff: Staff, now: datetime) -> dict:
    """The person's view of a paper: window, attempts, the open paper (no keys) or a visible review."""
    paper_contest(contest, staff)
    current = current_attempt(contest, staff, now)
    player = _player(contest, staff, create=False)
    attempts = _attempts(player)
    settings = contest.settings
    closed = [a for a in attempts if a.closed_at is not None]
    latest = closed[-1] if closed else None
    window = window_state(now, contest.opens_at, contest.closes_at) if contest.status == "open" else "closed"
    return {
        "contest": {
            "code": contest.code,
            "title": contest.title,
            "status": contest.status,
            "window": window,
            "opens_at": iso(contest.opens_at),
            "closes_at": iso(contest.closes_at),
            # the window as the organizer wrote it (QUIZ_TIMEZONE), whatever the phone's own zone
            "opens_text": local_text(contest.opens_at),
            "closes_text": local_text(contest.closes_at),
            "time_limit": settings["time_limit"],
            "attempts": settings.get("attempts", 1),
            "counting": settings.get("counting", "best"),
            "layout": settings.get("layout", "single"),
            "results": settings.get("results", "after_submit"),
            "sections": [
                {"title": r.title, "count": r.scoring["count"], "points": r.scoring.get("points")}
                for r in contest.rounds
            ],
        },
        "staff": {"staff_no": staff.staff_no, "name": staff.name, "center": staff.center.name},
        "now": iso(now),
        "attempts": [_attempt_summary(contest, a, now) for a in attempts],
        "attempts_left": max(0, settings.get("attempts", 1) - len(attempts)),
        "current": _paper(current) if current else None,
        "review": _review(latest) if latest and results_visible(contest, latest, now) else None,
    }


def summary(contest: Contest, staff: Staff, now: datetime) -> dict:
    """One line of the person's home page: window, attempts used and left, the counted result when visible."""
    current = current_attempt(contest, staff, now)
    attempts = _attempts(_player(contest, staff, create=False))
    closed = [a for a in attempts if a.closed_at is not None]
    window = window_state(now, contest.opens_at, contest.closes_at) if contest.status == "open" else "closed"
    visible = [a for a in closed if results_visible(contest, a, now)]
    counted = None
    if visible and len(visible) == len(closed):
        results = [attempt_result(a) for a in closed]
        best = counted_attempt(results, contest.settings.get("counting", "best"))
        counted = next(a for a in closed if a.number == best.number)
    return {
        "window": window,
        "used": len(attempts),
        "left": max(0, contest.settings.get("attempts", 1) - len(attempts)),
        "open": current is not None,
        "counted": {"points": counted.points, "max_points": _max_points(counted)} if counted else None,
    }


def attempt_result(attempt: Attempt) -> AttemptResult:
    """A closed attempt's totals for core.paper.counted_attempt."""
    duration = int((attempt.closed_at - attempt.started_at).total_seconds() * 1000)
    return AttemptResult(attempt.number, attempt.points, attempt.correct, attempt.answered, duration, attempt.closed_at)


def _attempt_summary(contest: Contest, attempt: Attempt, now: datetime) -> dict:
    summary = {
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "closed_at": iso(attempt.closed_at),
        "closed_by": attempt.closed_by,
        "answered": sum(item.response is not None for item in attempt.items),
        "total": len(attempt.items),
    }
    if results_visible(contest, attempt, now):
        summary.update(points=attempt.points, correct=attempt.correct, max_points=_max_points(attempt))
    return summary


def _max_points(attempt: Attempt) -> int:
    return sum(item.points_value for item in attempt.items)


def _options(item: AttemptItem) -> list[list[str]]:
    texts = dict(item.question.options)
    return [[key, texts[key]] for key in item.option_order]


def _item(item: AttemptItem) -> dict:
    return {
        "position": item.position,
        "section": item.round.title,
        "kind": item.question.kind,
        "kind_label": QuestionKind(item.question.kind).label,
        "stem": item.question.stem,
        "options": _options(item),
        "points": item.points_value,
        "response": item.response,
        "revision": item.revision,
    }


def _paper(attempt: Attempt) -> dict:
    """The open paper: questions, option order and saved answers, never the keys."""
    return {
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "items": [_item(item) for item in attempt.items],
    }


def _review(attempt: Attempt) -> dict:
    """A closed attempt with marks, keys, explanations and sources."""
    items = []
    for item in attempt.items:
        question = item.question
        items.append(
            {
                **_item(item),
                "answer": question.answer,
                "correct": item.correct,
                "earned": item.points or 0,
                "explanation": question.explanation,
                "source": " ".join(p for p in (question.source_document, question.source_section) if p),
            }
        )
    return {
        "number": attempt.number,
        "points": attempt.points,
        "max_points": _max_points(attempt),
        "correct": attempt.correct,
        "answered": attempt.answered,
        "closed_by": attempt.closed_by,
        "items": items,
    }


def attempts_table(contest: Contest, now: datetime) -> list[dict]:
    """Every attempt of a contest for the organizer (closing timed-out ones first)."""
    close_due(now)
    rows = db.session.execute(
        select(Attempt, Staff)
        .join(Player, Attempt.player_id == Player.id)
        .join(Staff, Player.staff_id == Staff.id)
        .where(Attempt.contest_id == contest.id)
        .order_by(Staff.staff_no, Attempt.number)
    ).all()
    return [
        {"attempt": attempt, "staff": staff, "answered": sum(item.response is not None for item in attempt.items)}
        for attempt, staff in rows
    ]


def update_paper(
    contest: Contest, *, opens_at: datetime, closes_at: datetime, settings: dict, actor, address=""
) -> str | None:
    """Change a paper's window and settings; returns an error message when refused.

    Before publication everything may change. Once published only the close
    may move (an extension for a center that could not make it, say); the
    deadlines of attempts already started stay as they were decided.
    """
    if contest.mode != "self_paced" or contest.status == "finished":
        return "已结束的考试不能再修改"
    if closes_at <= opens_at:
        return "截止时间应晚于开放时间"
    changes = {}
    if contest.status == "open":
        if opens_at != contest.opens_at or any(contest.settings.get(k) != v for k, v in settings.items()):
            return "考试发布后只能修改截止时间"
    else:
        if opens_at != contest.opens_at:
            changes["opens_at"] = f"{iso(contest.opens_at)} → {iso(opens_at)}"
        changes.update(
            {k: f"{contest.settings.get(k)} → {v}" for k, v in settings.items() if contest.settings.get(k) != v}
        )
        contest.opens_at, contest.settings = opens_at, {**contest.settings, **settings}
    if closes_at != contest.closes_at:
        changes["closes_at"] = f"{iso(contest.closes_at)} → {iso(closes_at)}"
        contest.closes_at = closes_at
    if changes:
        audit.record(actor, "contest.edit", contest.code, address, **changes)
    db.session.commit()
    return None


def get_attempt(contest: Contest, attempt_id: int) -> Attempt | None:
    """An attempt of this contest."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.contest_id == contest.id else None
