"""Housekeeping at quiet moments (sockets.quiet): when it is due, and SQLite's checkpoints taken over."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from quizengine.extensions import db
from quizengine.sockets import quiet

Q, MAX = quiet.QUIET_SECONDS, quiet.MAX_WAIT_SECONDS


@pytest.mark.parametrize(
    ("now", "last_event", "last_done", "expected"),
    [
        (100.0, 100.0 - Q, 90.0, True),  # quiet for a second since the last event, which came after the last pass
        (100.0, 100.0 - Q / 2, 90.0, False),  # the hall is still busy
        (100.0, 80.0, 90.0, False),  # nothing happened since the last pass: nothing to do
        (100.0, 100.0, 100.0 - MAX, True),  # busy all along, but the longest wait is over
        (100.0, 100.0, 100.0 - MAX + 1, False),
    ],
)
def test_housekeeping_waits_for_a_quiet_moment_but_not_for_ever(now, last_event, last_done, expected):
    assert quiet.due(now, last_event, last_done) is expected


def test_sqlite_connections_leave_the_checkpoints_to_the_housekeeping(sqlite_app):
    with sqlite_app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1000  # SQLite's own
        checkpoint = quiet._sqlite_checkpoint(db.engine)
        with db.engine.begin() as connection:
            assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
            connection.execute(text("CREATE TABLE scratch (n INTEGER)"))
            connection.execute(text("INSERT INTO scratch VALUES (1), (2)"))
        checkpoint()
        raw = db.engine.raw_connection()  # outside a transaction, as the housekeeping's own
        try:
            busy, log_frames, copied = raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            raw.close()
        assert busy == 0 and log_frames > 0 and copied == log_frames  # the log was all copied into the file


def test_postgresql_needs_no_checkpoint_from_here(app):
    with app.app_context():
        checkpoint = quiet._sqlite_checkpoint(db.engine)
        assert (checkpoint is None) is (db.engine.dialect.name != "sqlite")
