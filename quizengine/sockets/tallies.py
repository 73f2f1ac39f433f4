"""The board's and host's join counts, sent at most every INTERVAL seconds per contest, not once per join.

A join storm of a thousand phones would otherwise cost a thousand counting
queries and a thousand messages to every screen. The first join of a quiet
contest schedules one count INTERVAL later; the joins until then ride on it.
"""

from __future__ import annotations

from flask import Flask, current_app

from quizengine.extensions import db, socketio
from quizengine.models import Contest
from quizengine.services.screens import counts
from quizengine.sockets.broadcast import to_screens

INTERVAL = 0.5
_scheduled: set[int] = set()


def counts_soon(contest_id: int) -> None:
    """Send the contest's counts to its screens within INTERVAL seconds."""
    if contest_id in _scheduled:
        return
    _scheduled.add(contest_id)
    socketio.start_background_task(_send, current_app._get_current_object(), contest_id)


def _send(app: Flask, contest_id: int) -> None:
    socketio.sleep(INTERVAL)
    _scheduled.discard(contest_id)  # joins from now on schedule the next count
    with app.app_context():
        try:
            contest = db.session.get(Contest, contest_id)
            if contest is not None:
                to_screens(contest_id, "counts", counts(contest))
        except Exception:  # a missed count is corrected by the next one
            app.logger.exception("sending the counts of contest %s failed", contest_id)
        finally:
            db.session.remove()
