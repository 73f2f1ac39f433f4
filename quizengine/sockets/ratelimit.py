"""Failed join attempts per address, so a hall behind one Wi-Fi address can still join.

Only failures count: 200 phones joining correctly from one address are never
throttled, while 100 wrong guesses a minute from one address are.
"""

from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from quizengine.services.live import LiveError

FAILED_JOINS_PER_MINUTE = 50


class FailedAttempts:
    """A moving-window count of failures per key."""

    def __init__(self, per_minute: int, storage_uri: str = "memory://"):
        self.limit = RateLimitItemPerMinute(per_minute)
        self.configure(storage_uri)

    def configure(self, storage_uri: str) -> None:
        """Use another storage (Redis when several processes serve one hall)."""
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def check(self, key: str) -> None:
        """Refuse when `key` has used up its failures for now."""
        if not self.limiter.test(self.limit, "join", key):
            raise LiveError("rate_limited", "尝试次数过多，请一分钟后再试")

    def fail(self, key: str) -> None:
        """Count one failure."""
        self.limiter.hit(self.limit, "join", key)


join_attempts = FailedAttempts(FAILED_JOINS_PER_MINUTE)
