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


def _wrote(session, _context) -> None:
    session.info["wrote"] = True


def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("wrote", None)


def track_writes(session) -> None:
    """Keep `session.info["wrote"]` true from a flush until its transaction ends (see `end_transaction`)."""
    for name, listener in (("after_flush", _wrote), ("after_transaction_end", _ended)):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


def end_transaction(session) -> None:
    """End the session's read transaction before the caller yields (an emit, a sleep).

    SQLite transactions here hold the write lock from their BEGIN, and one left
    open while its green thread waits stalls every other writer of the process
    (they wait in C, where no other green thread runs). A transaction that
    wrote must be committed by its owner before any emit: that is a bug, and
    it raises.
    """
    if not session.in_transaction():
        return
    if session.info.get("wrote") or session.new or session.dirty or session.deleted:
        raise RuntimeError("a write transaction is open at an emit: commit it first")
    session.rollback()


def batch_memo(session, key, load):
    """`load()`, remembered for the rest of the writer's batch (sockets.writer) when `session` runs one.

    For lookups every unit of a batch repeats with the same answer (a contest by
    its join code); outside a batch it is just `load()`.
    """
    memo = session.info.get("memo")
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]
