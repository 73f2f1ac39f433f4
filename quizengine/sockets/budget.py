"""The work one socket may cause: a token bucket per connection, so one flooding phone cannot slow the hall.

Every event a socket sends spends one token; tokens come back at RATE a
second up to BURST. An honest phone sends a few events a minute (a join, an
answer, a retry now and then), so the budget is far above it. An event over
budget is refused at once with `too_many_events`, before any payload is read
or the database is touched; after STRIKES refused events in a row the
socket is disconnected, so the rest of a flood is never handled at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

RATE = 10.0  # events a second, sustained
BURST = 30  # events at once
STRIKES = 20  # refused events before the socket is dropped


@dataclass
class _Bucket:
    tokens: float
    at: float
    strikes: int = 0


class EventBudget:
    """Token buckets by socket id (per process: a socket is served by one process)."""

    def __init__(self, rate: float = RATE, burst: int = BURST, strikes: int = STRIKES):
        self.rate, self.burst, self.strikes = rate, burst, strikes
        self._buckets: dict[str, _Bucket] = {}

    def spend(self, sid: str, now: float | None = None) -> str:
        """`ok` to handle the event, `refuse` to refuse it, `drop` to disconnect the socket."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(sid)
        if bucket is None:
            bucket = self._buckets[sid] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.strikes = 0
            return "ok"
        bucket.strikes += 1
        return "drop" if bucket.strikes >= self.strikes else "refuse"

    def forget(self, sid: str) -> None:
        """A socket went away."""
        self._buckets.pop(sid, None)


event_budget = EventBudget()
