"""Full garbage collections at quiet moments, not in the middle of a join storm or a question.

A full (generation 2) collection stops the whole process for as long as it
walks every object alive. With a thousand phones connected that took 13 to
117 ms, eight times during one drill's join storm and burst (measured with
gc.callbacks), each one a pause for every phone. At start-up what lives as
long as the process is frozen out of the collector (server.serve); here the
automatic full collections are switched off, the young generations still
collect as usual, and one task runs the full collection once the process has
handled no socket event for QUIET_SECONDS, and at least every MAX_WAIT_SECONDS
however busy the hall is, so garbage in reference cycles is still reclaimed.
"""

from __future__ import annotations

import gc
import time

from quizengine.extensions import socketio

QUIET_SECONDS = 1.0
MAX_WAIT_SECONDS = 120.0
LOOK_SECONDS = 0.5
# Python's default young thresholds; the oldest generation's is set out of reach.
NEVER = 1_000_000_000

_last_event = [time.monotonic()]


def event_seen() -> None:
    """Note that a socket event is being handled now (sockets.namespace calls this for every event)."""
    _last_event[0] = time.monotonic()


def due(now: float, last_event: float, last_collection: float) -> bool:
    """Whether to collect now: quiet for QUIET_SECONDS since something happened after the last collection,
    or MAX_WAIT_SECONDS since the last one."""
    if now - last_collection >= MAX_WAIT_SECONDS:
        return True
    return last_event > last_collection and now - last_event >= QUIET_SECONDS


def start() -> None:
    """Switch off automatic full collections and run them at quiet moments from now on."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    socketio.start_background_task(_collect_when_quiet)


def _collect_when_quiet() -> None:
    last_collection = time.monotonic()
    while True:
        socketio.sleep(LOOK_SECONDS)
        now = time.monotonic()
        if due(now, _last_event[0], last_collection):
            gc.collect()
            last_collection = time.monotonic()
