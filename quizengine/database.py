"""Engine set-up that SQLite needs to be safe under many writers."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine, *, busy_timeout_ms: int) -> None:
    """Give SQLite WAL, a busy timeout, foreign keys and immediate write transactions.

    A deferred SQLite transaction that reads and then writes can fail with
    "database is locked" despite the busy timeout (the lock upgrade cannot
    wait); beginning every transaction IMMEDIATE takes the write lock up front,
    where the busy timeout applies. This follows SQLAlchemy's pysqlite notes.
    Other databases are left untouched.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Stop pysqlite from issuing its own BEGIN; the "begin" hook does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: an acknowledged answer survives a power cut, not only kill -9.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
