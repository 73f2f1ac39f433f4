"""The failed-join counts on their own: per connection, per staff id, and the per-address backstop."""

from __future__ import annotations

import pytest

from quizengine.services.errors import Refused
from quizengine.sockets.ratelimit import (
    FAILED_JOINS_PER_ADDRESS,
    FAILED_JOINS_PER_CONNECTION,
    FAILED_JOINS_PER_IDENTITY,
    JoinAttempts,
)

HALL = "10.1.2.3"


def refused(attempts: JoinAttempts, *args) -> bool:
    try:
        attempts.check(*args)
    except Refused as error:
        assert error.code == "rate_limited"
        return True
    return False


def test_a_failing_connection_is_throttled_alone():
    attempts = JoinAttempts()
    for i in range(FAILED_JOINS_PER_CONNECTION):
        assert not refused(attempts, HALL, f"X{i}", "sid-1")
        attempts.fail(HALL, f"X{i}", "sid-1")
    assert refused(attempts, HALL, "PTC0101", "sid-1")
    assert not refused(attempts, HALL, "PTC0101", "sid-2")
    assert not refused(attempts, HALL, "PTC0101")  # the staff sign-in page (no socket)


def test_guessing_one_staff_id_stops_on_every_connection_from_that_address():
    attempts = JoinAttempts()
    for i in range(FAILED_JOINS_PER_IDENTITY):
        attempts.fail(HALL, "PTC0101", f"sid-{i}")
    assert refused(attempts, HALL, "PTC0101", "sid-new")
    assert not refused(attempts, HALL, "PTC0102", "sid-new")
    assert not refused(attempts, "10.9.9.9", "PTC0101", "sid-other")


def test_the_address_backstop_is_far_above_what_a_hall_fails_and_configurable():
    assert FAILED_JOINS_PER_ADDRESS >= 2 * 500  # two failures a minute for each person of a hall of 500
    attempts = JoinAttempts()
    attempts.configure("memory://", per_address=30)
    for i in range(30):  # a script that reconnects for fresh sockets
        attempts.fail(HALL, f"X{i}", f"sid-{i}")
    with pytest.raises(Refused):
        attempts.check(HALL, "PTC0101", "sid-fresh")
    assert not refused(attempts, "10.9.9.9", "PTC0101", "sid-elsewhere")
