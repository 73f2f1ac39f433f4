"""The namespaces' base class: every client event is acknowledged, also one no handler knows.

Flask-SocketIO ignores an event without an `on_<event>` handler, and the
client then gets an empty acknowledgement (or none). Here it gets the
protocol's error shape with code `unknown_event` (docs/protocol.md): a host
event sent to `/play`, any event sent to `/board`, a misspelt name.

"connect" and "disconnect" are dispatched by the server when a client really
connects or leaves, while the socket is not (or no longer) counted as
connected. The same names sent as events by a connected client are not those:
they are refused too, so a phone cannot fake its own disconnect to the host
panel, nor re-run a connect handler.
"""

from __future__ import annotations

from flask_socketio import Namespace

RESERVED = ("connect", "disconnect")


def unknown_event(event) -> dict:
    """The acknowledgement of an event no handler of the namespace knows."""
    name = event[:40] if isinstance(event, str) else ""
    return {"ok": False, "error": {"code": "unknown_event", "message": f"不支持的操作 {name}".strip()}}


class AckingNamespace(Namespace):
    """A Flask-SocketIO namespace that answers unknown events with `unknown_event`."""

    def trigger_event(self, event, *args):
        """Dispatch to `on_<event>`, or acknowledge that there is no such event here."""
        if event in RESERVED:
            sid = args[0] if args else None
            if sid is not None and self.server.manager.is_connected(sid, self.namespace):
                return unknown_event(event)  # sent by a connected client, not the server's own
            return super().trigger_event(event, *args)
        if not isinstance(event, str) or not hasattr(self, f"on_{event}"):
            return unknown_event(event)
        return super().trigger_event(event, *args)
