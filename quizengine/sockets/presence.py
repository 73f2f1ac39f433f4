"""Which players have a phone connected right now (this process's sockets).

Socket ids come and go as phones sleep and switch networks; a player counts
as connected while at least one of their sockets is. With several worker
processes each knows only its own sockets: the host panel then shows the
phones of the worker it is connected to (see docs/deployment.md).
"""

from __future__ import annotations

import threading
from collections import defaultdict

_sockets: dict[int, set[str]] = defaultdict(set)
# Under threading a phone's new socket may connect while its old one disconnects, on two OS threads.
_lock = threading.Lock()


def connected(player_id: int, sid: str) -> bool:
    """Record a socket; True when the player was offline before."""
    with _lock:
        was_offline = not _sockets[player_id]
        _sockets[player_id].add(sid)
        return was_offline


def disconnected(player_id: int, sid: str) -> bool:
    """Forget a socket; True when the player has no socket left."""
    with _lock:
        _sockets[player_id].discard(sid)
        if _sockets[player_id]:
            return False
        _sockets.pop(player_id, None)
        return True


def is_connected(player_id: int) -> bool:
    """Whether any socket of the player is connected."""
    return bool(_sockets.get(player_id))
