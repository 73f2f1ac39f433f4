"""`/board`: the projector, read-only, admitted with the contest's board key."""

from __future__ import annotations

import secrets

from flask_socketio import ConnectionRefusedError, join_room  # socket.io's: the message reaches the client

from quizengine.extensions import db
from quizengine.models import Contest
from quizengine.models.types import utcnow
from quizengine.services.errors import Refused
from quizengine.services.screens import counts, snapshot
from quizengine.sockets.broadcast import room
from quizengine.sockets.namespace import GuardedNamespace
from quizengine.sockets.payloads import field


class BoardNamespace(GuardedNamespace):
    """Sends nothing but what a projector shows; accepts no events."""

    def on_connect(self, auth=None):
        """Admit a board that presents its contest's key; send it the state at once."""
        try:
            contest_id, key = field(auth, "contest_id", int), field(auth, "key", str, max_length=128)
        except Refused:
            raise ConnectionRefusedError("invalid_payload") from None
        contest = db.session.get(Contest, contest_id)
        if contest is None or not secrets.compare_digest(key.encode(), contest.board_key.encode()):
            db.session.remove()
            raise ConnectionRefusedError("unauthorized")
        join_room(room(contest.id))
        state, tally = snapshot(contest, utcnow()), counts(contest)
        db.session.remove()  # no transaction across an emit
        self.emit("state", state)
        self.emit("counts", tally)
