"""Socket.IO namespaces: validate payload -> call a service -> emit."""

from __future__ import annotations

from quizengine.extensions import socketio


def register_namespaces() -> None:
    """Attach every namespace handler to the Socket.IO server."""
    from quizengine.sockets.board import BoardNamespace
    from quizengine.sockets.host import HostNamespace
    from quizengine.sockets.play import PlayNamespace

    socketio.on_namespace(PlayNamespace("/play"))
    socketio.on_namespace(HostNamespace("/host"))
    socketio.on_namespace(BoardNamespace("/board"))
