"""Deadlines: one watcher per open live question, and one sweeper for self-paced attempts.

A watcher closes its question at the stored `closes_at` (after a pause, at
the moved one), or as soon as every joined player has answered (the
contest's `close_early`, services.live.answering_done), and meanwhile sends
the board and host the answered count at most twice a second, never one
message per answer. Watchers read everything from the database.

With several processes (docs/deployment.md) exactly one of them watches a
question: the one holding its lease (services.leases), renewed every tick.
The process whose host opened the question claims it at once; every process
also looks for open questions whose lease ran out (their owner died, or a
restarted server left them) every CLAIM_SECONDS, and claims them. Closing is
one conditional UPDATE (services.live.close_question), so two processes can
never both close a question or both send `closed`.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading

from flask import current_app

from quizengine.core.live import Phase
from quizengine.extensions import db, socketio
from quizengine.models import Contest, RoundQuestion
from quizengine.models.types import utcnow
from quizengine.services import book, leases, live, papers
from quizengine.services.results import rank_contest
from quizengine.services.screens import closed_payload, counts
from quizengine.sockets import tasks
from quizengine.sockets.broadcast import to_everyone, to_screens

TICK_SECONDS = 0.5
CLAIM_SECONDS = 0.5
SWEEP_SECONDS = 10
# This process's name in the leases: host, pid and a random part (a pid is reused after a restart).
OWNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
_watching: set[int] = set()
# Under threading the claimer and a host's handler run on OS threads: looking and adding must be one step.
_watching_lock = threading.Lock()


def arm(contest_id: int) -> None:
    """Watch the contest's open question from this process (the host's), unless another process already does."""
    app = current_app._get_current_object()
    tasks.start(_watch, app, contest_id, None)


def claim_unwatched(app) -> int:
    """Start a watcher (it claims first) for every open question no live process watches; returns how many."""
    with app.app_context():
        try:
            found = leases.unwatched(utcnow(), OWNER)
        finally:
            db.session.remove()
    taken = 0
    for contest_id, rq_id in found:
        if rq_id not in _watching:
            tasks.start(_watch, app, contest_id, rq_id)
            taken += 1
    return taken


def start_claimer(app) -> None:
    """Every CLAIM_SECONDS, take over the open questions whose watcher's process stopped (or never started one)."""
    socketio.start_background_task(_claim_forever, app)


def _claim_forever(app) -> None:
    while True:
        try:
            claim_unwatched(app)
        except Exception:  # the database may be away for a moment; the next look retries
            app.logger.exception("looking for unwatched questions failed")
        socketio.sleep(CLAIM_SECONDS)


def rank_later(contest_id: int) -> None:
    """Rank the hall right after a question closes, off the host's next click: the reveal and the leaderboard
    that follow find the standings ranked (services.results caches them per answers' version)."""
    tasks.start(_rank, current_app._get_current_object(), contest_id)


def _rank(app, contest_id: int) -> None:
    with app.app_context():
        try:
            contest = db.session.get(Contest, contest_id)
            if contest is not None:
                rank_contest(contest)
        except Exception:  # the reveal or the leaderboard ranks it themselves
            app.logger.exception("ranking contest %s after a close failed", contest_id)
        finally:
            db.session.remove()


def book_answers_later(contest_id: int) -> None:
    """Fill the players' wrong-answer books from a finished contest, after the podium has gone out."""
    tasks.start(_book_answers, current_app._get_current_object(), contest_id)


def _book_answers(app, contest_id: int) -> None:
    with app.app_context():
        try:
            book.note_contest(db.session.get(Contest, contest_id))
        except Exception:  # the contest's results stand; only the practice books miss these answers
            app.logger.exception("filling wrong-answer books from contest %s failed", contest_id)
        finally:
            db.session.remove()


def start_sweeper(app) -> None:
    """Close timed-out self-paced attempts every SWEEP_SECONDS (phones and pages also close them when they look)."""
    socketio.start_background_task(_sweep, app)


def _sweep(app) -> None:
    while True:
        sweep_once(app)
        socketio.sleep(SWEEP_SECONDS)


def sweep_once(app) -> int:
    """Close every attempt whose time is up; returns how many (0 when the sweep failed)."""
    with app.app_context():
        try:
            return papers.close_due(utcnow())
        except Exception:  # a failed sweep is retried next time; the deadline itself is stored
            app.logger.exception("closing timed-out attempts failed")
            return 0
        finally:
            db.session.remove()


def _watch(app, contest_id: int, round_question_id: int | None) -> None:
    with app.app_context():
        try:
            if round_question_id is None:
                contest = db.session.get(Contest, contest_id)
                round_question_id = contest.current_id if contest is not None else None
                db.session.rollback()
            if round_question_id is None or not _start_watching(round_question_id):
                return
            try:
                if leases.claim(round_question_id, OWNER, utcnow()):
                    _run(contest_id, round_question_id)
            finally:
                _watching.discard(round_question_id)
        except Exception:  # the lease runs out unrenewed and a claimer (this process's or another's) takes over
            app.logger.exception("watching question %s failed", round_question_id)
        finally:
            db.session.remove()


def _start_watching(round_question_id: int) -> bool:
    """Mark the question watched by this process, before the claim (which yields); False if it already is."""
    with _watching_lock:
        if round_question_id in _watching:
            return False
        _watching.add(round_question_id)
        return True


def _run(contest_id: int, round_question_id: int) -> None:
    while True:
        now = utcnow()
        if not leases.renew(round_question_id, OWNER, now):
            return  # this process stalled past its lease and another one watches the question now
        contest = db.session.get(Contest, contest_id)
        rq = db.session.get(RoundQuestion, round_question_id)
        if contest.current_id != round_question_id or contest.phase != Phase.QUESTION or rq.closed_at is not None:
            db.session.rollback()
            return
        tally = counts(contest)
        running = contest.paused_at is None
        if running and (now >= rq.closes_at or live.answering_done(contest, rq, tally["answered"], tally["joined"])):
            closed = live.close_question(contest, now, unless_paused=True)
            if closed is not None:
                payload = closed_payload(contest, closed, now)
                to_screens(contest_id, "counts", tally)
                to_everyone(contest_id, "closed", payload)
                rank_later(contest_id)
                return
            socketio.sleep(0.01)  # closed by the host, or paused, meanwhile: the next look tells which
            continue
        remaining = (rq.closes_at - now).total_seconds() if running else TICK_SECONDS
        to_screens(contest_id, "counts", tally)  # ends the read transaction before the sleep
        socketio.sleep(max(0.01, min(TICK_SECONDS, remaining)))
