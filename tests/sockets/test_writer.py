"""The group-commit writer: many units per transaction, each isolated by its savepoint, results after the commit."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from quizengine.extensions import db
from quizengine.models import Group
from quizengine.services.errors import Refused
from quizengine.sockets.writer import Writer, _Job, write


def add_group(key: str) -> str:
    db.session.add(Group(key=key, name=key, position=0))
    db.session.flush()
    return key


def refuse(key: str) -> str:
    db.session.add(Group(key=key, name=key, position=0))
    db.session.flush()
    raise Refused("late")


def job(unit, *args) -> _Job:
    return _Job(unit, args, threading.Event())


def stored(app) -> set[str]:
    with app.app_context():
        keys = set(db.session.scalars(select(Group.key)))
        db.session.remove()
    return keys


@pytest.fixture
def commits(app):
    counted = []
    with app.app_context():
        engine = db.engine

    def count(_connection):
        counted.append(1)

    event.listen(engine, "commit", count)
    yield counted
    event.remove(engine, "commit", count)


def test_one_commit_for_a_batch_and_a_refused_unit_changes_nothing(app, commits):
    writer = Writer(app)
    batch = [job(add_group, "g1"), job(refuse, "g2"), job(add_group, "g3"), job(add_group, "g1")]
    writer._write(batch)
    assert [j.result for j in batch] == ["g1", None, "g3", None]
    assert isinstance(batch[1].error, Refused) and batch[1].error.code == "late"
    assert batch[3].error is not None  # the duplicate key: only its own savepoint is rolled back
    assert all(j.done.is_set() for j in batch)
    assert stored(app) == {"g1", "g3"}
    assert len(commits) == 1


def test_a_failed_commit_acknowledges_nothing(app, monkeypatch):
    writer = Writer(app)
    batch = [job(add_group, "g1"), job(add_group, "g2")]
    with app.app_context():
        monkeypatch.setattr(type(db.session()), "commit", lambda self: (_ for _ in ()).throw(RuntimeError("disk")))
        writer._write(batch)
    assert [j.error.code for j in batch] == ["not_saved", "not_saved"]
    assert stored(app) - {"community", "market", "government"} == set()


def test_writes_from_many_threads_share_transactions(app, commits):
    with app.app_context():
        writer = app.extensions["quizengine.writer"] = Writer(app)
        before = db.session.scalar(select(func.count()).select_from(Group))
        db.session.remove()
    start = threading.Barrier(40)
    results = []

    def phone(number: int) -> None:
        with app.app_context():
            start.wait()
            results.append(writer.write(add_group, f"p{number}"))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == sorted(f"p{n}" for n in range(40))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Group)) == before + 40
    assert writer.units == 40 and writer.batches == len(commits) < 40


def test_a_write_stuck_behind_the_database_is_refused_busy_and_what_waited_is_not_written(app, monkeypatch):
    import quizengine.sockets.writer as writer_module

    monkeypatch.setattr(writer_module, "WAIT_SECONDS", 0.3)
    release, writing = threading.Event(), threading.Event()

    def stuck(key: str) -> str:  # a write waiting on a lock held elsewhere
        writing.set()
        release.wait(10)
        return add_group(key)

    with app.app_context():
        writer = app.extensions["quizengine.writer"] = Writer(app)
    outcomes = {}

    def phone(unit, key: str) -> None:
        with app.app_context():
            try:
                outcomes[key] = writer.write(unit, key)
            except Refused as refusal:
                outcomes[key] = refusal.code

    first = threading.Thread(target=phone, args=(stuck, "s1"))
    first.start()
    assert writing.wait(5)
    second = threading.Thread(target=phone, args=(add_group, "s2"))  # queued behind the stuck batch
    second.start()
    second.join(timeout=5)
    first.join(timeout=5)
    assert outcomes == {"s1": "server_busy", "s2": "server_busy"}
    release.set()
    deadline = threading.Event()
    while "s1" not in stored(app) and not deadline.wait(0.05):
        pass
    assert "s1" in stored(app)  # the stuck write committed in the end: a retry with its key finds it
    assert "s2" not in stored(app)  # told busy while still queued: never written


def test_handlers_on_many_threads_start_one_writer(app, monkeypatch):
    """Under threading every handler is an OS thread: of forty first writes at once, one starts the writer's task,
    and none finds it started but not yet ready (creating its events is made slow here to widen the window)."""
    from quizengine.extensions import socketio

    eio, started = socketio.server.eio, []
    create_event, start = eio.create_event, socketio.start_background_task

    def slow_event():
        time.sleep(0.01)
        return create_event()

    def counted_start(target, *args):
        started.append(target)
        return start(target, *args)

    monkeypatch.setattr(eio, "create_event", slow_event)
    monkeypatch.setattr(socketio, "start_background_task", counted_start)
    app.extensions.pop("quizengine.writer", None)
    begin, results = threading.Barrier(40), []

    def phone(number: int) -> None:
        with app.app_context():
            begin.wait()
            results.append(write(add_group, f"t{number}"))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == sorted(f"t{n}" for n in range(40))
    writer = app.extensions["quizengine.writer"]
    assert started == [writer._run, writer._sweep] and writer.units == 40  # the writer and its sweep, once
