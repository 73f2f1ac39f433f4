"""The end of a live question's "get ready" seconds: at its `opened_at` the question goes out again, with its options.

Until then phones and the board have only its stem (services.screens.question_payload
leaves the options out), and an answer is refused as `not_open_yet`. A pause during
the get-ready seconds moves `opened_at` like the deadline, so this waits for the
moved one. Should this process die before `opened_at`, a phone asks for the state
itself once the countdown ends (static/js/play.js), and gets the options from the
snapshot.
"""

from __future__ import annotations

from flask import Flask, current_app

from quizengine.core.live import Phase
from quizengine.extensions import db, socketio
from quizengine.models import Contest, RoundQuestion
from quizengine.models.types import utcnow
from quizengine.services.screens import question_payload
from quizengine.sockets import tasks
from quizengine.sockets.broadcast import to_everyone

LONGEST_WAIT = 0.25  # seconds between looks at the question while it is paused


def open_when_ready(contest_id: int, round_question_id: int) -> None:
    """Send the question with its options to everyone at its `opened_at`."""
    tasks.start(_open, current_app._get_current_object(), contest_id, round_question_id)


def _open(app: Flask, contest_id: int, round_question_id: int) -> None:
    with app.app_context():
        try:
            while True:
                contest = db.session.get(Contest, contest_id)
                rq = db.session.get(RoundQuestion, round_question_id)
                if contest.current_id != round_question_id or contest.phase != Phase.QUESTION or rq.closed_at:
                    return
                now = utcnow()
                if contest.paused_at is None and now >= rq.opened_at:
                    to_everyone(contest_id, "question", question_payload(rq, now))
                    return
                wait = LONGEST_WAIT if contest.paused_at else (rq.opened_at - now).total_seconds()
                db.session.remove()  # no transaction while waiting
                socketio.sleep(max(0.001, min(wait, LONGEST_WAIT)))
        except Exception:  # the phones fall back on asking for the state
            app.logger.exception("sending the options of question %s failed", round_question_id)
        finally:
            db.session.remove()
