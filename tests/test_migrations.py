"""The Alembic migrations create exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quizengine.extensions import db as _db


def test_models_and_migrations_agree(db):
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_app):
    with sqlite_app.app_context(), _db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_concurrent_read_then_write_transactions_never_hit_database_is_locked(sqlite_app):
    """Deferred SQLite transactions that read then write fail under contention; ours begin immediately."""
    import threading

    from sqlalchemy import func, select

    from quizengine.models import Group

    errors: list[Exception] = []

    def worker(number: int) -> None:
        with sqlite_app.app_context():
            for i in range(25):
                try:
                    count = _db.session.scalar(select(func.count(Group.id)))
                    _db.session.add(Group(key=f"w{number}-{i}", name=f"{count}", lead_unit=""))
                    _db.session.commit()
                except Exception as exc:  # collected and asserted below
                    errors.append(exc)
                    _db.session.rollback()
            _db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite_app.app_context():
        assert _db.session.scalar(select(func.count(Group.id))) == 100
