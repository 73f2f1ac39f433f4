"""Which process watches an open live question's deadline: a lease stored on the question's row.

With several processes behind one proxy, exactly one of them runs a question's
watcher (sockets.timers): the one holding its lease, `timer_owner` until
`timer_lease_until`. The owner renews the lease on every tick; a process that
dies stops renewing, and within LEASE_SECONDS every other process may claim
the question (each looks for such questions every few tenths of a second).
Claiming and renewing are single conditional UPDATEs, so of two processes
trying at once exactly one wins. The lease only says who *watches*: closing
is decided by its own conditional UPDATE (services.live.close_question), so
even a stalled owner that lost its lease can never close a question twice.

Lease times are the processes' own clocks, like every deadline here: the
hosts of one deployment keep their clocks synchronised (NTP).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from quizengine.core.live import Phase
from quizengine.extensions import db
from quizengine.models import Contest, RoundQuestion

LEASE_SECONDS = 1.5


def claim(round_question_id: int, owner: str, now: datetime) -> bool:
    """Take the lease of an open question that nobody holds (or whose holder stopped renewing); commits."""
    won = db.session.execute(
        update(RoundQuestion)
        .where(
            RoundQuestion.id == round_question_id,
            RoundQuestion.closed_at.is_(None),
            or_(
                RoundQuestion.timer_owner.is_(None),
                RoundQuestion.timer_owner == owner,
                RoundQuestion.timer_lease_until < now,
            ),
        )
        .values(timer_owner=owner, timer_lease_until=now + timedelta(seconds=LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(won)


def renew(round_question_id: int, owner: str, now: datetime) -> bool:
    """Extend `owner`'s lease; False when another process holds it now (this one was too slow); commits."""
    kept = db.session.execute(
        update(RoundQuestion)
        .where(RoundQuestion.id == round_question_id, RoundQuestion.timer_owner == owner)
        .values(timer_lease_until=now + timedelta(seconds=LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(kept)


def unwatched(now: datetime, owner: str) -> list[tuple[int, int]]:
    """(contest id, round question id) of every open question (paused ones too) that `owner` may claim now:
    nobody holds it, its lease ran out, or `owner` holds it already (its watcher may have stopped)."""
    rows = db.session.execute(
        select(Contest.id, RoundQuestion.id)
        .join(RoundQuestion, Contest.current_id == RoundQuestion.id)
        .where(
            Contest.phase == Phase.QUESTION,
            RoundQuestion.closed_at.is_(None),
            or_(
                RoundQuestion.timer_owner.is_(None),
                RoundQuestion.timer_owner == owner,
                RoundQuestion.timer_lease_until < now,
            ),
        )
        .order_by(RoundQuestion.id)
    ).all()
    db.session.rollback()  # a read: end it, the caller waits next
    return [(contest_id, rq_id) for contest_id, rq_id in rows]
