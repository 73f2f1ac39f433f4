"""Housekeeping at quiet moments, not in the middle of a join storm or a question.

Two kinds of work stop the whole serving process for tens of milliseconds,
every phone's acknowledgement waiting behind them:

- a full (generation 2) garbage collection walks every object alive: with a
  thousand phones connected it took 13 to 117 ms, eight times during one
  drill's join storm and burst (measured with gc.callbacks);
- a SQLite WAL checkpoint copies the log into the database file and syncs it,
  in C: SQLite ran one by itself every thousand pages of log, in the middle of
  a question (a spread of answers' p99 acknowledgement 38-52 ms with them,
  15-23 ms without).

At start-up what lives as long as the process is frozen out of the collector
(server.serve); here the automatic full collections and SQLite's automatic
checkpoints are switched off, and one task does both once the process has
handled no socket event (nor connection) for QUIET_SECONDS, and at least every
MAX_WAIT_SECONDS however busy the hall is, so reference cycles are still
reclaimed and the log does not grow without bound. The young generations
still collect as usual. PostgreSQL needs no checkpoint from here.
"""

from __future__ import annotations

import gc
import time

from flask import Flask
from sqlalchemy import event

from quizengine.extensions import db, socketio

QUIET_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0
LOOK_SECONDS = 0.5
# The oldest generation's threshold, set out of reach (the young ones keep Python's defaults).
NEVER = 1_000_000_000

_last_event = [time.monotonic()]


def event_seen() -> None:
    """Note that a socket event or connection is being handled now (sockets.namespace calls this)."""
    _last_event[0] = time.monotonic()


def due(now: float, last_event: float, last_done: float) -> bool:
    """Whether to do the housekeeping now: quiet for QUIET_SECONDS since something happened after it was last
    done, or MAX_WAIT_SECONDS since then whatever happens."""
    if now - last_done >= MAX_WAIT_SECONDS:
        return True
    return last_event > last_done and now - last_event >= QUIET_SECONDS


def start(app: Flask) -> None:
    """Switch off automatic full collections (and SQLite's automatic checkpoints) and do them at quiet moments."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    with app.app_context():
        checkpoint = _sqlite_checkpoint(db.engine)
    socketio.start_background_task(_housekeep, app, checkpoint)


def _no_autocheckpoint(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _sqlite_checkpoint(engine):
    """For SQLite: connections from now on leave checkpoints to the returned function; else None."""
    if engine.dialect.name != "sqlite":
        return None
    event.listen(engine, "connect", _no_autocheckpoint)
    engine.dispose()  # connections opened before now would still checkpoint by themselves

    def checkpoint() -> None:
        # The raw connection is in autocommit (database.configure_engine): no transaction around the checkpoint.
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.close()
        finally:
            connection.close()

    return checkpoint


def _housekeep(app: Flask, checkpoint) -> None:
    last_done = time.monotonic()
    while True:
        socketio.sleep(LOOK_SECONDS)
        if not due(time.monotonic(), _last_event[0], last_done):
            continue
        if checkpoint is not None:
            try:
                checkpoint()
            except Exception:  # the next quiet moment tries again; the log only grows meanwhile
                app.logger.exception("checkpointing the SQLite log failed")
        gc.collect()
        last_done = time.monotonic()
