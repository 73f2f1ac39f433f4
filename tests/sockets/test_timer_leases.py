"""A process takes over the deadline of an open question whose lease ran out, and leaves one that is held
(sockets.timers with services.leases, in process; the two-process test does it with real processes)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import update

from quizengine.extensions import db
from quizengine.models import Contest, RoundQuestion
from quizengine.models.types import utcnow
from quizengine.services import live
from quizengine.sockets import timers
from tests.sockets.test_transactions import live_contest  # noqa: F401  (the fixture)


def open_question(contest_id: int, owner: str, lease_left: float, closes_in: float) -> int:
    """Open the next question as if process `owner` watched it, its lease running out in `lease_left` s."""
    now = utcnow()
    rq = live.next_question(db.session.get(Contest, contest_id), now)
    rq_id = rq.id
    db.session.execute(
        update(RoundQuestion)
        .where(RoundQuestion.id == rq_id)
        .values(
            timer_owner=owner,
            timer_lease_until=now + timedelta(seconds=lease_left),
            closes_at=now + timedelta(seconds=closes_in),
        )
    )
    db.session.commit()
    return rq_id


def wait_closed(rq_id: int, timeout: float) -> RoundQuestion:
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        rq = db.session.get(RoundQuestion, rq_id)
        if rq.closed_at is not None or time.monotonic() > deadline:
            db.session.rollback()
            return rq
        db.session.rollback()
        time.sleep(0.05)


def test_an_unrenewed_lease_is_taken_over_and_the_question_closes_at_its_deadline(app, live_contest):  # noqa: F811
    contest_id = live_contest[0]
    with app.app_context():
        rq_id = open_question(contest_id, "dead-host:1:0", lease_left=-1, closes_in=1.0)
        assert timers.claim_unwatched(app) == 1
        rq = wait_closed(rq_id, timeout=5)
        assert rq.timer_owner == timers.OWNER
        assert rq.closed_at is not None
        assert abs((rq.closed_at - rq.closes_at).total_seconds()) <= timers.TICK_SECONDS + 0.2
        db.session.remove()


def test_a_held_lease_is_left_to_its_owner(app, live_contest):  # noqa: F811
    contest_id = live_contest[0]
    with app.app_context():
        rq_id = open_question(contest_id, "live-host:1:0", lease_left=30, closes_in=0.2)
        assert timers.claim_unwatched(app) == 0
        time.sleep(1.0)
        rq = wait_closed(rq_id, timeout=0)
        assert rq.timer_owner == "live-host:1:0" and rq.closed_at is None  # past its deadline: the owner closes it
        assert rq_id not in timers._watching
        with app.test_request_context():
            timers.arm(contest_id)  # as if this process's host pressed `next`: its claim fails
        time.sleep(0.5)
        rq = wait_closed(rq_id, timeout=0)
        assert rq.timer_owner == "live-host:1:0" and rq.closed_at is None
        db.session.remove()
