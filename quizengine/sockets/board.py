"""`/board`: the projector, read-only, admitted with the contest's board key."""

from __future__ import annotations

import secrets

from flask_socketio import join_room

from quizengine.extensions import db
from quizengine.models import Contest
from quizengine.models.types import utcnow
from quizengine.services.screens import counts, snapshot
from quizengine.sockets.broadcast import room
from quizengine.sockets.guard import GuardedNamespace


class BoardNamespace(GuardedNamespace):
    """Sends nothing but what a projector shows; accepts no events."""

    def on_connect(self, auth=None):
        """Admit a board that presents its contest's key; send it the state at once."""
        auth = auth if isinstance(auth, dict) else {}
        contest_id, key = auth.get("contest_id"), auth.get("key")
        contest = db.session.get(Contest, contest_id) if isinstance(contest_id, int) else None
        if contest is None or not isinstance(key, str) or not secrets.compare_digest(key, contest.board_key):
            db.session.remove()
            raise ConnectionRefusedError("unauthorized")
        join_room(room(contest.id))
        self.emit("state", snapshot(contest, utcnow()))
        self.emit("counts", counts(contest))
        db.session.remove()
