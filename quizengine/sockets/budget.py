"""The work one socket may cause at once, so one flooding phone cannot slow the hall.

A phone waits for each acknowledgement before it sends again (a join, an
answer, a retry now and then), so it never has more than a few events being
handled at the same moment. A flood sends thousands without waiting. So each
socket may have at most IN_FLIGHT events in its handlers at once, and at most
BURST events in a moment with RATE a second coming back (a bound on fast
sequential senders too, set far above any person). An event over either
bound is refused at once with `too_many_events`, before its payload is read
or the database is touched; after STRIKES refusals (forgotten after a quiet
minute) the connection is closed, so the rest of a flood is never handled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

IN_FLIGHT = 8  # events of one socket in its handlers at once
RATE = 50.0  # events a second, sustained
BURST = 200  # events in a moment
STRIKES = 20  # refusals before the connection is closed...
STRIKE_MEMORY = 60.0  # ...unless a minute passes without one


@dataclass
class _Socket:
    tokens: float
    at: float
    in_flight: int = 0
    strikes: int = 0
    struck_at: float = 0.0


class EventBudget:
    """Per-socket counts by socket id (per process: a socket is served by one process)."""

    def __init__(self, in_flight: int = IN_FLIGHT, rate: float = RATE, burst: int = BURST, strikes: int = STRIKES):
        self.in_flight, self.rate, self.burst, self.strikes = in_flight, rate, burst, strikes
        self._sockets: dict[str, _Socket] = {}

    def enter(self, sid: str, now: float | None = None) -> str:
        """`ok` to handle the event (call `leave` when done), `refuse` to refuse it, `drop` to close the connection."""
        now = time.monotonic() if now is None else now
        state = self._sockets.get(sid)
        if state is None:
            state = self._sockets[sid] = _Socket(float(self.burst), now)
        state.tokens = min(float(self.burst), state.tokens + (now - state.at) * self.rate)
        state.at = now
        if state.tokens >= 1 and state.in_flight < self.in_flight:
            state.tokens -= 1
            state.in_flight += 1
            return "ok"
        if now - state.struck_at > STRIKE_MEMORY:
            state.strikes = 0
        state.strikes, state.struck_at = state.strikes + 1, now
        return "drop" if state.strikes >= self.strikes else "refuse"

    def leave(self, sid: str) -> None:
        """An event's handler has finished."""
        state = self._sockets.get(sid)
        if state is not None and state.in_flight > 0:
            state.in_flight -= 1

    def forget(self, sid: str) -> None:
        """A socket went away."""
        self._sockets.pop(sid, None)


event_budget = EventBudget()
