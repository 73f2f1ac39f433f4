"""The installed releases are at or above the ones that fix published CVEs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pytest


def as_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def test_socketio_and_eventlet_are_past_their_security_fixes():
    assert as_tuple(version("python-socketio")) >= (5, 16, 2)
    assert as_tuple(version("eventlet")) >= (0, 40, 3)


def test_gevent_when_installed_is_past_its_security_fix():
    try:
        installed = version("gevent")
    except PackageNotFoundError:
        pytest.skip("gevent is not installed (the optional extra 'gevent')")
    assert as_tuple(installed) >= (23, 9, 0)
