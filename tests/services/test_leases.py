"""Timer leases: one process watches an open question, another takes over when the lease runs out;
closing is decided once (services.leases, services.live.close_question)."""

from __future__ import annotations

from datetime import timedelta

from quizengine.core.live import Phase
from quizengine.extensions import db
from quizengine.models import Contest, RoundQuestion
from quizengine.services import leases, live
from tests.services import test_live
from tests.services.test_live import T0

contest = test_live.contest  # the fixture: an open live contest, no "get ready" seconds
LEASE = timedelta(seconds=leases.LEASE_SECONDS)


def test_only_one_process_claims_an_open_question_until_its_lease_runs_out(contest):
    rq = live.next_question(contest, T0)
    assert leases.unwatched(T0, "a") == [(contest.id, rq.id)]
    assert leases.claim(rq.id, "a", T0)
    assert not leases.claim(rq.id, "b", T0 + LEASE / 2)
    assert leases.unwatched(T0 + LEASE / 2, "b") == []
    assert leases.unwatched(T0 + LEASE / 2, "a") == [(contest.id, rq.id)]  # its own: a stopped watcher restarts
    assert leases.renew(rq.id, "a", T0 + LEASE / 2)
    assert not leases.claim(rq.id, "b", T0 + LEASE)  # renewed: valid until 1.5 leases
    assert leases.unwatched(T0 + LEASE * 2, "b") == [(contest.id, rq.id)]
    assert leases.claim(rq.id, "b", T0 + LEASE * 2)  # "a" stopped renewing: "b" takes over
    assert not leases.renew(rq.id, "a", T0 + LEASE * 2)  # and "a", if it wakes up, steps down
    assert db.session.get(RoundQuestion, rq.id).timer_owner == "b"


def test_a_paused_question_is_watched_too_and_a_closed_one_never(contest):
    rq = live.next_question(contest, T0)
    live.pause(contest, T0 + timedelta(seconds=1))
    assert leases.unwatched(T0 + timedelta(seconds=2), "a") == [(contest.id, rq.id)]
    live.resume_countdown(contest, T0 + timedelta(seconds=3))
    live.close_question(contest, T0 + timedelta(seconds=4))
    assert leases.unwatched(T0 + timedelta(seconds=5), "a") == []
    assert not leases.claim(rq.id, "a", T0 + timedelta(seconds=5))


def test_a_question_closes_once_when_two_closers_race(contest):
    """The second closer saw the question open (its rows are stale) and still gets nothing."""
    cid, rq_id = contest.id, live.next_question(contest, T0).id
    stale = Contest(id=cid, current_id=rq_id, phase=Phase.QUESTION)  # what the other process read
    assert live.close_question(contest, T0 + timedelta(seconds=2)).id == rq_id
    assert live.close_question(stale, T0 + timedelta(seconds=3)) is None
    assert db.session.get(RoundQuestion, rq_id).closed_at == T0 + timedelta(seconds=2)
    assert db.session.get(Contest, cid).phase == Phase.CLOSED


def test_a_watcher_does_not_close_a_question_paused_meanwhile(contest):
    rq = live.next_question(contest, T0)
    seen = db.session.get(Contest, contest.id)
    live.pause(contest, T0 + timedelta(seconds=1))
    assert live.close_question(seen, T0 + timedelta(seconds=11), unless_paused=True) is None
    assert db.session.get(RoundQuestion, rq.id).closed_at is None
    assert live.close_question(contest, T0 + timedelta(seconds=12)) is not None  # the host may close a paused one
