"""What the board and host hear of phones coming and going, sent at most every INTERVAL seconds per contest.

A join storm of a thousand phones (or a hall's Wi-Fi coming back) would
otherwise cost a counting query and four messages to the screens per phone;
with a message queue each message is a publish. The first join, arrival or
departure of a quiet contest schedules one send INTERVAL later, and
everything until then rides on it: one `joined` with every new player, one
`presence` with each player's latest state, one `counts`.
"""

from __future__ import annotations

from flask import Flask, current_app

from quizengine.extensions import db, socketio
from quizengine.models import Contest
from quizengine.services.screens import counts
from quizengine.sockets import tasks
from quizengine.sockets.broadcast import to_screens

INTERVAL = 0.5
_scheduled: set[int] = set()
_joined: dict[int, list[dict]] = {}  # contest id -> players who joined since the last send
_presence: dict[int, dict[int, bool]] = {}  # contest id -> player id -> connected, the latest


def counts_soon(contest_id: int) -> None:
    """Send the contest's counts to its screens within INTERVAL seconds."""
    if contest_id in _scheduled:
        return
    _scheduled.add(contest_id)
    tasks.start(_send, current_app._get_current_object(), contest_id)


def joined_soon(contest_id: int, player: dict) -> None:
    """Announce a new player (`{player_id, name, center}`) and the new counts within INTERVAL seconds."""
    _joined.setdefault(contest_id, []).append(player)
    counts_soon(contest_id)


def presence_soon(contest_id: int, player_id: int, connected: bool) -> None:
    """Tell the host within INTERVAL seconds that a player's first phone came back or last one went away."""
    _presence.setdefault(contest_id, {})[player_id] = connected
    counts_soon(contest_id)


def _send(app: Flask, contest_id: int) -> None:
    socketio.sleep(INTERVAL)
    _scheduled.discard(contest_id)  # what happens from now on schedules the next send
    joined, presence = _joined.pop(contest_id, []), _presence.pop(contest_id, {})
    with app.app_context():
        try:
            if joined:
                to_screens(contest_id, "joined", {"players": joined})
            if presence:
                players = [{"player_id": p, "connected": c} for p, c in presence.items()]
                to_screens(contest_id, "presence", {"players": players})
            contest = db.session.get(Contest, contest_id)
            if contest is not None:
                to_screens(contest_id, "counts", counts(contest))
        except Exception:  # the host's panel is corrected by its next `watch`, the counts by the next send
            app.logger.exception("sending the joins and counts of contest %s failed", contest_id)
        finally:
            db.session.remove()
