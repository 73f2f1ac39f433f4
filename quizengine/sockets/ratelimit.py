"""Failed join attempts, counted so that one phone cannot lock out a hall that shares its address.

A hall's phones all reach the server from one Wi-Fi NAT address, so a limit
per address alone lets one phone (80 bad joins in a third of a second) lock out
the whole hall. Only failures count, and they are counted three ways
(docs/admin.md explains the levels):

- per connection (a socket, FAILED_JOINS_PER_CONNECTION a minute): the phone
  that keeps failing is throttled, and only that phone;
- per address and staff id (FAILED_JOINS_PER_IDENTITY a minute): guessing the
  name for one staff id stops, whichever sockets the guesses come from;
- per address, as a backstop only (`FAILED_JOINS_PER_ADDRESS` a minute, by
  default 1,000): a level an honest hall does not reach (two failures a minute
  for every person of a hall of 500), that bounds a script which reconnects to
  get fresh sockets.
"""

from __future__ import annotations

import logging

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from quizengine.services.errors import Refused

FAILED_JOINS_PER_CONNECTION = 20
FAILED_JOINS_PER_IDENTITY = 10
FAILED_JOINS_PER_ADDRESS = 1000

log = logging.getLogger(__name__)


class FailedAttempts:
    """A moving-window count of failures per key."""

    def __init__(self, per_minute: int, storage_uri: str = "memory://", name: str = "join"):
        self.name = name
        self.limit = RateLimitItemPerMinute(per_minute)
        self.configure(storage_uri)

    def configure(self, storage_uri: str, per_minute: int | None = None, pool_size: int | None = None) -> None:
        """Use another storage (Redis when several processes serve one hall), or another level.

        redis-py's connection pool refuses its 101st connection outright (MaxConnectionsError), and
        every socket of a join storm may be checking at the same moment: `pool_size` (the app's
        connection cap) lets the pool grow as far as there can be sockets.
        """
        options = {"max_connections": pool_size} if pool_size and storage_uri.startswith("redis") else {}
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))
        if per_minute is not None:
            self.limit = RateLimitItemPerMinute(per_minute)

    def used_up(self, key: str) -> bool:
        """Whether `key` has used up its failures for now."""
        return not self.limiter.test(self.limit, self.name, key)

    def check(self, key: str) -> None:
        """Refuse when `key` has used up its failures for now."""
        if self.used_up(key):
            raise Refused("rate_limited")

    def fail(self, key: str) -> None:
        """Count one failure."""
        self.limiter.hit(self.limit, self.name, key)


class JoinAttempts:
    """Failed joins per connection, per (address, staff id), and per address as a backstop."""

    def __init__(self):
        self.by_connection = FailedAttempts(FAILED_JOINS_PER_CONNECTION, name="join-connection")
        self.by_identity = FailedAttempts(FAILED_JOINS_PER_IDENTITY)
        self.by_address = FailedAttempts(FAILED_JOINS_PER_ADDRESS, name="join-address")

    def configure(self, storage_uri: str, per_address: int | None = None, pool_size: int | None = None) -> None:
        """Use another storage for every count; `per_address` sets the backstop, `pool_size` a Redis pool's cap."""
        self.by_connection.configure(storage_uri, pool_size=pool_size)
        self.by_identity.configure(storage_uri, pool_size=pool_size)
        self.by_address.configure(storage_uri, per_address, pool_size)

    def check(self, address: str, staff_id: str, connection: str | None = None) -> None:
        """Refuse when this connection, this staff id from this address, or the address has failed too often.

        `connection` is the socket id; the staff sign-in page (plain HTTP) has none.
        """
        if connection is not None:
            self.by_connection.check(connection)
        self.by_identity.check(f"{address}|{staff_id}")
        self.by_address.check(address)

    def fail(self, address: str, staff_id: str, connection: str | None = None) -> None:
        """Count a failed join in each count."""
        if connection is not None:
            self.by_connection.fail(connection)
        self.by_identity.fail(f"{address}|{staff_id}")
        self.by_address.fail(address)
        if self.by_address.used_up(address):
            log.warning("failed joins from %s reached the per-address backstop (%s)", address, self.by_address.limit)


join_attempts = JoinAttempts()
