"""Socket.IO namespaces: validate payload -> call a service -> emit."""

from __future__ import annotations

from quizengine.extensions import socketio


def register_namespaces() -> None:
    """Attach every namespace handler to the Socket.IO server."""
    from quizengine.sockets.host import HostNamespace

    socketio.on_namespace(HostNamespace("/host"))
