"""Fixtures of the service tests."""

from __future__ import annotations

import pytest

from quizengine.roster import read_roster
from quizengine.services.banks import import_banks
from quizengine.services.roster import import_roster
from tests.conftest import REPO
from tests.services.test_bank_import import validated


@pytest.fixture
def loaded(db):
    """The sample banks and roster, in an app context (the `db` handle)."""
    import_banks(validated(REPO / "question_banks"))
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)
    return db
