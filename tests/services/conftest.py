"""Fixtures of the service tests."""

from __future__ import annotations

import pytest

from quizengine.formats.roster import read_roster
from quizengine.services.roster import import_roster
from tests.conftest import REPO, store_banks


@pytest.fixture
def loaded(db):
    """The sample banks and roster, in an app context (the `db` handle)."""
    store_banks(REPO / "question_banks")
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)
    return db
