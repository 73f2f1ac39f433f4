"""The socket layer's short background tasks, counted.

A deadline's watcher, a batch of counts for the screens, the ranking after a
close, the options at the end of "get ready", the wrong-answer books after a
finish: each runs on its own green thread (or OS thread under threading) with
its own database session, after the handler that started it has returned.
They are started here so the process knows how many are still running, and
whoever is about to take the database away (a test's teardown, a stopping
server) can wait for them first instead of leaving a task with a connection
of a pool that is gone. The process's endless loops (the writer, the claimer,
the sweeper, the housekeeping) are not counted: they never end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from quizengine.extensions import socketio

_lock = threading.Lock()
_running = [0]


def start(task: Callable, *args) -> None:
    """Run `task(*args)` in the background, counted until it returns or raises."""
    with _lock:
        _running[0] += 1
    socketio.start_background_task(_counted, task, args)


def _counted(task: Callable, args: tuple) -> None:
    try:
        task(*args)
    finally:
        with _lock:
            _running[0] -= 1


def running() -> int:
    """How many counted tasks have started and not yet ended."""
    return _running[0]


def wait_idle(timeout: float) -> bool:
    """Wait until no counted task runs, for at most `timeout` seconds; whether none does."""
    deadline = time.monotonic() + timeout
    while running() and time.monotonic() < deadline:
        socketio.sleep(0.01)
    return not running()
