"""Self-paced contests (笔试): start, save as you go, submit, time-out. Every function takes `now`.

The server decides time: an attempt's deadline is stored when it starts
(core.paper.attempt_deadline). A save counts only until the deadline plus
GRACE; after that the attempt is closed with what was saved, by whichever
comes first: the person's next request, the organizer's pages or the sweeper
(`close_due`). What the phone and the organizer see is services.paper_state.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizengine.core.live import GRACE, Mode, Phase, Status, is_overdue
from quizengine.core.paper import attempt_deadline, person_seed, score_item, window_state
from quizengine.core.questions import canonical_response, valid_response
from quizengine.extensions import db
from quizengine.models import Attempt, AttemptItem, Contest, Player, Staff
from quizengine.models.mapping import to_core
from quizengine.services import audit, book
from quizengine.services.errors import Refused
from quizengine.services.paper_pool import draw, pools
from quizengine.services.results import freeze_scores
from quizengine.timezone import iso

# --- finding things ----------------------------------------------------------------


def papers_for(staff: Staff) -> list[Contest]:
    """Published self-paced contests of the person's group, newest window first."""
    rows = db.session.scalars(
        select(Contest)
        .where(Contest.mode == Mode.SELF_PACED, Contest.status != Status.DRAFT)
        .order_by(Contest.opens_at.desc(), Contest.id.desc())
    )
    return [c for c in rows if staff.center.group in c.groups]


def paper_contest(contest: Contest | None, staff: Staff) -> Contest:
    """The contest, if it is a published paper this person may take."""
    if contest is None or contest.mode != Mode.SELF_PACED:
        raise Refused("not_self_paced")
    if contest.status == Status.DRAFT:
        raise Refused("contest_not_open")
    if staff.center.group not in contest.groups:
        raise Refused("not_your_group")
    return contest


def player_of(contest: Contest, staff: Staff, *, create: bool) -> Player | None:
    """The person's player of this paper (made when `create`); refuses one the organizer removed."""
    player = db.session.scalar(select(Player).where(Player.contest_id == contest.id, Player.staff_id == staff.id))
    if player is None and create:
        player = Player(contest_id=contest.id, staff_id=staff.id, token=secrets.token_urlsafe(24))
        db.session.add(player)
        try:
            db.session.flush()
        except IntegrityError:  # the same person started on two phones at once
            db.session.rollback()
            return player_of(contest, staff, create=False)
    if player is not None and player.kicked_at is not None:
        raise Refused("kicked")
    return player


def attempts_of(player: Player | None) -> list[Attempt]:
    """A player's attempts in order, with their items and questions."""
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
        return contest.status == Status.FINISHED or now >= contest.closes_at
    return True


# --- starting, saving, submitting -----------------------------------------------------


def start(contest: Contest, staff: Staff, now: datetime) -> Attempt:
    """Start the next attempt, or return the one still open (a reload or a second phone resumes it)."""
    paper_contest(contest, staff)
    player = player_of(contest, staff, create=False)
    for attempt in attempts_of(player):
        if attempt.closed_at is None and not close_if_due(attempt, now):
            return attempt
    if contest.status != Status.OPEN:
        raise Refused("window_closed")
    state = window_state(now, contest.opens_at, contest.closes_at)
    if state != "open":
        raise Refused("window_not_open" if state == "before" else "window_closed")
    player = player or player_of(contest, staff, create=True)
    done = len(attempts_of(player))
    if done >= contest.settings.get("attempts", 1):
        raise Refused("no_attempts_left")
    number = done + 1
    seed = person_seed(contest.settings.get("seed", 0), staff.staff_no, number)
    paper_pools = pools(contest)
    items = draw(contest, paper_pools, seed)
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
        section = paper_pools.sections[item.section]
        db.session.add(
            AttemptItem(
                attempt=attempt,
                position=position,
                round_id=paper_pools.round_ids[item.section],
                question_id=paper_pools.row_ids[item.question_id],
                option_order=list(item.option_order),
                points_value=section.points or paper_pools.questions[item.question_id].points,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:  # the same attempt was started from another phone in the same instant
        db.session.rollback()
        return start(contest, staff, now)
    return attempt


def current_attempt(contest: Contest, staff: Staff, now: datetime) -> Attempt | None:
    """The person's open attempt (closing it first if its time is up)."""
    player = player_of(contest, staff, create=False)
    for attempt in attempts_of(player):
        if attempt.closed_at is None and not close_if_due(attempt, now):
            return attempt
    return None


def _locked_open_attempt(contest: Contest, staff: Staff, now: datetime) -> Attempt:
    """The open attempt, row-locked so a save and a close cannot interleave (SQLite writes one at a time anyway)."""
    player = player_of(contest, staff, create=False)
    attempt = None
    if player is not None:
        attempt = db.session.scalar(
            select(Attempt)
            .where(Attempt.player_id == player.id, Attempt.closed_at.is_(None))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    if attempt is None:
        raise Refused("attempt_closed" if attempts_of(player) else "no_attempt")
    if close_if_due(attempt, now):
        raise Refused("time_up")
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
        raise Refused("invalid_payload", "position 应为整数")
    if not isinstance(revision, int) or isinstance(revision, bool) or not 0 < revision < 2**31:
        raise Refused("invalid_payload", "revision 应为正整数")
    if not isinstance(client, str) or len(client) > 64:
        raise Refused("invalid_payload", "client 应为不超过 64 字的文字")
    attempt = _locked_open_attempt(contest, staff, now)
    item = db.session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position)
    )
    if item is None:
        db.session.rollback()
        raise Refused("unknown_item")
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
        raise Refused("invalid_response")
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
    if not is_overdue(attempt.deadline, now):
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
    book.note_answers(attempt.player.staff_id, given)
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
    if contest.mode != Mode.SELF_PACED or contest.status != Status.OPEN:
        raise Refused("wrong_phase")
    cut = 0
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.contest_id == contest.id, Attempt.closed_at.is_(None))
    ).all():
        if not close_if_due(attempt, now):
            close(attempt, now, "finish")
            cut += 1
    contest.status, contest.phase = Status.FINISHED, Phase.FINISHED
    freeze_scores(contest)
    audit.record(actor, "contest.finish", contest.code, address, attempts_cut=cut)
    db.session.commit()
    return cut


def update_paper(
    contest: Contest, *, opens_at: datetime, closes_at: datetime, settings: dict, actor, address=""
) -> str | None:
    """Change a paper's window and settings; returns an error message when refused.

    Before publication everything may change. Once published only the close
    may move (an extension for a center that could not make it, say); the
    deadlines of attempts already started stay as they were decided.
    """
    if contest.mode != Mode.SELF_PACED or contest.status == Status.FINISHED:
        return "已结束的考试不能再修改"
    if closes_at <= opens_at:
        return "截止时间应晚于开放时间"
    changes = {}
    if contest.status == Status.OPEN:
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
