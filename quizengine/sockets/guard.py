"""The dispatch every namespace shares: an event spends from its socket's budget before any handler runs."""

from __future__ import annotations

from flask_socketio import Namespace

from quizengine.services.errors import Refused
from quizengine.sockets.budget import event_budget


class GuardedNamespace(Namespace):
    """A namespace whose events are refused, and whose socket is dropped, when one socket floods it."""

    def trigger_event(self, event, *args):
        """Check the socket's budget (sockets.budget), then dispatch as Flask-SocketIO does."""
        sid = args[0] if args else None
        if event == "disconnect":
            event_budget.forget(sid)
        elif event != "connect":
            verdict = event_budget.spend(sid)
            if verdict == "drop":
                self._drop(sid)
            if verdict != "ok":
                return {"ok": False, "error": Refused("too_many_events").as_error()}
        return super().trigger_event(event, *args)

    def _drop(self, sid: str) -> None:
        """Close the whole connection, so what is left of a flood is never read."""
        server = self.socketio.server
        eio_sid = server.manager.eio_sid_from_sid(sid, self.namespace)
        if eio_sid is not None:
            server.eio.disconnect(eio_sid)
