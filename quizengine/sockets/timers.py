"""Deadlines: one watcher per open live question, and one sweeper for self-paced attempts.

A watcher closes its question at the stored `closes_at` (after a pause, at
the moved one), or as soon as every joined player has answered (the
contest's `close_early`, services.live.answering_done), and meanwhile sends
the board and host the answered count at most twice a second, never one
message per answer. Watchers read everything
from the database, so a restarted server re-arms them with `rearm_all`.
"""

from __future__ import annotations

from flask import current_app

from quizengine.core.live import Phase
from quizengine.extensions import db, socketio
from quizengine.models import Contest, RoundQuestion
from quizengine.models.types import utcnow
from quizengine.services import book, live, papers
from quizengine.services.screens import closed_payload, counts
from quizengine.sockets.broadcast import to_everyone, to_screens

TICK_SECONDS = 0.5
SWEEP_SECONDS = 10
_watching: set[tuple[int, int]] = set()


def arm(contest_id: int) -> None:
    """Start watching the contest's open question (once per question)."""
    app = current_app._get_current_object()
    socketio.start_background_task(_watch, app, contest_id)


def rearm_all(app) -> int:
    """Arm a watcher for every open question in the database (after a restart)."""
    with app.app_context():
        due = live.due_for_closing(utcnow())
        db.session.remove()
    for contest_id, _ in due:
        socketio.start_background_task(_watch, app, contest_id)
    return len(due)


def book_answers_later(contest_id: int) -> None:
    """Fill the players' wrong-answer books from a finished contest, after the podium has gone out."""
    socketio.start_background_task(_book_answers, current_app._get_current_object(), contest_id)


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


def _watch(app, contest_id: int) -> None:
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        if contest is None or contest.current_id is None:
            return
        key = (contest_id, contest.current_id)
        if key in _watching:
            return
        _watching.add(key)
        try:
            _run(contest_id, key[1])
        finally:
            _watching.discard(key)
            db.session.remove()


def _run(contest_id: int, round_question_id: int) -> None:
    while True:
        db.session.expire_all()
        contest = db.session.get(Contest, contest_id)
        rq = db.session.get(RoundQuestion, round_question_id)
        if contest.current_id != round_question_id or contest.phase != Phase.QUESTION or rq.closed_at is not None:
            return
        now = utcnow()
        tally = counts(contest)
        running = contest.paused_at is None
        if running and (now >= rq.closes_at or live.answering_done(contest, rq, tally["answered"], tally["joined"])):
            if live.close_question(contest, now) is not None:
                to_screens(contest_id, "counts", tally)
                to_everyone(contest_id, "closed", closed_payload(contest, rq, now))
            return
        to_screens(contest_id, "counts", tally)
        remaining = (rq.closes_at - now).total_seconds() if contest.paused_at is None else TICK_SECONDS
        db.session.commit()
        socketio.sleep(max(0.01, min(TICK_SECONDS, remaining)))
