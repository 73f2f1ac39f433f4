"""The host console's namespace: organizers and admins only, checked on connect."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import Namespace

from quizengine.core.access import allowed


class HostNamespace(Namespace):
    """`/host`: refuses anyone who is not signed in with the right to run contests."""

    def on_connect(self, auth=None):
        """Authenticate from the signed-in session cookie; refuse everyone else."""
        if not current_user.is_authenticated or not allowed(current_user.role, "contest.run"):
            raise ConnectionRefusedError("unauthorized")
