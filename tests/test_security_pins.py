"""The installed releases are at or above the ones that fix published CVEs."""

from __future__ import annotations

from importlib.metadata import version


def as_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def test_socketio_and_eventlet_are_past_their_security_fixes():
    assert as_tuple(version("python-socketio")) >= (5, 16, 2)
    assert as_tuple(version("eventlet")) >= (0, 40, 3)
