"""The namespaces' base class: each event spends from its socket's budget, and every event gets an acknowledgement.

- A socket that floods is refused with `too_many_events` before any payload
  is read, then dropped (sockets.budget): one phone cannot slow the hall.
- Flask-SocketIO ignores an event without an `on_<event>` handler, and the
  client then gets an empty acknowledgement (or none). Here it gets the
  protocol's error shape with code `unknown_event` (docs/protocol.md): a host
  event sent to `/play`, any event sent to `/board`, a misspelt name.
- "connect" and "disconnect" are dispatched by the server when a client really
  connects or leaves, while the socket is not (or no longer) counted as
  connected. The same names sent as events by a connected client are not
  those: they are refused too, so a phone cannot fake its own disconnect to the
  host panel, re-run a connect handler, or reset its budget.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flask_socketio import Namespace

from quizengine.models.types import utcnow
from quizengine.services.errors import Refused
from quizengine.sockets import quiet
from quizengine.sockets.budget import event_budget

RESERVED = ("connect", "disconnect")
# When the event being handled was read off its socket (green-thread local under eventlet and gevent).
_arrival = threading.local()


def arrived_at() -> datetime:
    """The server time the current event arrived: answers and buzzer presses are timed by it, not by when
    their handler got its turn (see `GuardedNamespace.trigger_event`)."""
    return getattr(_arrival, "at", None) or utcnow()


def unknown_event(event) -> dict:
    """The acknowledgement of an event no handler of the namespace knows."""
    name = event[:40] if isinstance(event, str) else ""
    return {"ok": False, "error": Refused("unknown_event", name or None).as_error()}


class GuardedNamespace(Namespace):
    """A Flask-SocketIO namespace with a per-socket event budget that answers unknown events with `unknown_event`."""

    def trigger_event(self, event, *args):
        """Spend from the budget, then dispatch to `on_<event>` or acknowledge that there is no such event here."""
        sid = args[0] if args else None
        from_server = event in RESERVED and not (
            sid is not None and self.server.manager.is_connected(sid, self.namespace)
        )
        if from_server:
            quiet.event_seen()  # a storm of connections is not a quiet moment either
            if event == "disconnect":
                event_budget.forget(sid)
            return super().trigger_event(event, *args)
        # Stamp the arrival, then let every other socket take its turn first: a socket whose data keeps
        # arriving never blocks on reading, so without this a flood would be handled before the hall.
        _arrival.at = utcnow()
        quiet.event_seen()
        self.socketio.sleep(0)
        verdict = event_budget.enter(sid)
        if verdict != "ok":
            if verdict == "drop":
                self._drop(sid)
            return {"ok": False, "error": Refused("too_many_events").as_error()}
        try:
            if event in RESERVED or not isinstance(event, str) or not hasattr(self, f"on_{event}"):
                return unknown_event(event)
            return super().trigger_event(event, *args)
        finally:
            event_budget.leave(sid)
            _arrival.at = None

    def _drop(self, sid: str) -> None:
        """Close the whole connection, so what is left of a flood is never read."""
        eio_sid = self.server.manager.eio_sid_from_sid(sid, self.namespace)
        if eio_sid is not None:
            self.server.eio.disconnect(eio_sid)
