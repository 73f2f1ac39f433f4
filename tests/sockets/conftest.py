"""Socket test fixtures."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True)
def collect_garbage():
    """Collect after each test, so a leaked socket is reported by the test that leaked it."""
    yield
    gc.collect()
