"""Failed join attempts per address, so a hall behind one Wi-Fi address can still join.

Only failures count: 200 phones joining correctly from one address are never
throttled, while 100 wrong guesses a minute from one address are (80 per
address), and guessing the name for one staff id stops after 10.
"""

from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from quizengine.services.errors import Refused

FAILED_JOINS_PER_ADDRESS = 80
FAILED_JOINS_PER_IDENTITY = 10


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
            raise Refused("rate_limited")

    def fail(self, key: str) -> None:
        """Count one failure."""
        self.limiter.hit(self.limit, "join", key)


class JoinAttempts:
    """Failed joins per address and per (address, staff id)."""

    def __init__(self):
        self.by_address = FailedAttempts(FAILED_JOINS_PER_ADDRESS)
        self.by_identity = FailedAttempts(FAILED_JOINS_PER_IDENTITY)

    def configure(self, storage_uri: str) -> None:
        """Use another storage for both counts."""
        self.by_address.configure(storage_uri)
        self.by_identity.configure(storage_uri)

    def check(self, address: str, staff_id: str) -> None:
        """Refuse when either count is used up."""
        self.by_address.check(address)
        self.by_identity.check(f"{address}|{staff_id}")

    def fail(self, address: str, staff_id: str) -> None:
        """Count a failed join."""
        self.by_address.fail(address)
        self.by_identity.fail(f"{address}|{staff_id}")


join_attempts = JoinAttempts()
