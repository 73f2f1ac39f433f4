"""Emitting to a contest's rooms in all three namespaces (only sockets/ emits).

Every emit first ends the caller's database transaction (database.end_transaction):
with a message queue an emit is a network write that yields, and no
transaction may stay open across a yield.
"""

from __future__ import annotations

from quizengine.database import end_transaction
from quizengine.extensions import db, socketio


def room(contest_id: int) -> str:
    """The room of everyone following a contest, in each namespace."""
    return f"contest:{contest_id}"


def player_room(player_id: int) -> str:
    """The room of one player's phones."""
    return f"player:{player_id}"


def to_everyone(contest_id: int, event: str, payload: dict) -> None:
    """Phones, board and host: one encoded message per namespace room."""
    end_transaction(db.session())
    for namespace in ("/play", "/board", "/host"):
        socketio.emit(event, payload, to=room(contest_id), namespace=namespace)


def to_screens(contest_id: int, event: str, payload: dict) -> None:
    """Board and host only."""
    end_transaction(db.session())
    for namespace in ("/board", "/host"):
        socketio.emit(event, payload, to=room(contest_id), namespace=namespace)


def to_player(player_id: int, event: str, payload: dict) -> None:
    """One player's phones."""
    end_transaction(db.session())
    socketio.emit(event, payload, to=player_room(player_id), namespace="/play")
