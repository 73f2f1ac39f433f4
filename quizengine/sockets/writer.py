"""Group commit: every write a phone causes is queued here and written by one green thread, many per transaction.

A handler calls `write(unit, *args)`. The unit is a services function that
reads and adds rows but never commits; the writer runs it in its own session,
inside a SAVEPOINT of the batch's transaction, so a unit that is refused (a
late answer, a duplicate) changes nothing and the rest of the batch stands.
Then one COMMIT for the whole batch, and only then does each waiting handler
get its unit's result: an answer is acknowledged after it is committed, as
before, but a thousand answers cost a few dozen commits instead of a thousand.

A unit with a `batch(argsets)` (answers: services.live.submit_answers) is
called once with all of the batch's jobs of that unit and returns a result or a
refusal for each; it keeps its own writes atomic. A batch of a thousand answers
is then a handful of queries and one multi-row INSERT.

The writer takes everything queued while it was writing the previous batch
(up to MAX_BATCH), so a lone answer is written at once, and a burst falls into
batches by itself; no timer adds latency. Units run in the order they were
queued. The writer holds no transaction while it waits for work or yields
between batches.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import event

from quizengine.extensions import db, socketio
from quizengine.services.errors import Refused

MAX_BATCH = 256
# A handler gives up waiting after this long and the phone retries (answers are idempotent by their key).
# One sweep a second tells the handlers that waited that long, rather than a timer on every wait (a timer
# per event was a tenth of a join's cost in a storm).
WAIT_SECONDS = 20
# Under threading every handler runs on its own OS thread: the writer's task must be started once.
_starting = threading.Lock()


def _keep(session, instance) -> None:
    """Hold every row a batch loads until the batch ends: the session's identity map holds rows only
    weakly, and without this each unit would load the contest, its rounds and the centers again."""
    kept = session.info.get("batch")
    if kept is not None:
        kept.append(instance)


@dataclass(eq=False)
class _Job:
    unit: object
    args: tuple
    done: object
    queued: float = field(default_factory=time.monotonic)
    result: object = None
    error: BaseException | None = None


@dataclass(eq=False)
class Writer:
    """The process's one writer for an app."""

    app: Flask
    jobs: deque = field(default_factory=deque)
    waiting: set = field(default_factory=set)  # every job whose handler waits, queued or being written
    wake: object = None
    running: bool = False
    batches: int = 0
    units: int = 0

    def write(self, unit, *args):
        """Queue `unit(*args)`, wait until its batch is committed, and return its result (or raise its refusal)."""
        job = _Job(unit, args, socketio.server.eio.create_event())
        self.jobs.append(job)
        self.waiting.add(job)
        if not self.running:
            self._start()
        self.wake.set()
        try:
            job.done.wait()  # set by the writer after the commit, or by the sweep after WAIT_SECONDS
        finally:
            self.waiting.discard(job)
        if job.error is not None:
            raise job.error
        return job.result

    def _start(self) -> None:
        """Start the writer's task, once; `wake` exists before `running` says so."""
        with _starting:
            if not self.running:
                self.wake = socketio.server.eio.create_event()
                socketio.start_background_task(self._run)
                socketio.start_background_task(self._sweep)
                self.running = True

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            while self.jobs:
                batch = [self.jobs.popleft() for _ in range(min(MAX_BATCH, len(self.jobs)))]
                batch = [job for job in batch if not job.done.is_set()]  # refused server_busy: not written
                if not batch:
                    continue
                try:
                    self._write(batch)
                except Exception:  # never lose the writer: its waiting handlers are told, and it goes on
                    self.app.logger.exception("the writer failed on a batch of %d", len(batch))
                    for job in batch:
                        if not job.done.is_set():
                            job.error = job.error or Refused("not_saved")
                            job.done.set()
                # Let the handlers whose data has arrived meanwhile queue their units for the next batch.
                socketio.sleep(0)

    def _sweep(self) -> None:
        """Every second, refuse `server_busy` to the handlers that waited WAIT_SECONDS (a write stuck behind a
        locked database); the phone retries, and a write that commits after all is not stored twice."""
        while True:
            socketio.sleep(1)
            now = time.monotonic()
            for job in [job for job in list(self.waiting) if now - job.queued > WAIT_SECONDS]:
                if not job.done.is_set():
                    job.error = Refused("server_busy")
                    job.done.set()

    def _run_batched(self, unit, jobs: list[_Job]) -> None:
        """All the batch's jobs of a unit with a `batch(argsets)`: one call, one result or refusal per job."""
        try:
            outcomes = unit.batch([job.args for job in jobs])
        except Exception as error:  # a bug: none of these is stored, the rest of the batch stands
            self.app.logger.exception("a queued batch of %d writes failed", len(jobs))
            outcomes = [error] * len(jobs)
        for job, outcome in zip(jobs, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                job.error = outcome
            else:
                job.result = outcome

    def _write(self, batch: list[_Job]) -> None:
        with self.app.app_context():
            session = db.session
            if not event.contains(db.session, "loaded_as_persistent", _keep):
                event.listen(db.session, "loaded_as_persistent", _keep)
            session.info["batch"], session.info["memo"] = [], {}
            try:
                batched: set = set()
                for job in batch:
                    if hasattr(job.unit, "batch"):
                        if job.unit not in batched:
                            batched.add(job.unit)
                            self._run_batched(job.unit, [j for j in batch if j.unit is job.unit])
                        continue
                    try:
                        with session.begin_nested():
                            job.result = job.unit(*job.args)
                    except Refused as error:
                        job.error = error
                    except Exception as error:  # a bug in one unit must not lose the batch's other writes
                        self.app.logger.exception("a queued write failed")
                        job.error = error
                session.commit()
                self.batches, self.units = self.batches + 1, self.units + len(batch)
            except Exception:  # the commit failed: nothing of this batch is stored, and nothing is acknowledged
                self.app.logger.exception("writing a batch of %d failed", len(batch))
                session.rollback()
                for job in batch:
                    if job.error is None:
                        job.error = Refused("not_saved")
            finally:
                session.remove()
                for job in batch:
                    job.done.set()


def write(unit, *args):
    """Run `unit(*args)` in the app's writer (see the module's docstring); returns its result after the commit."""
    app = current_app._get_current_object()
    writer = app.extensions.get("quizengine.writer")
    if writer is None:  # setdefault: of two threads creating one at once, both get the same
        writer = app.extensions.setdefault("quizengine.writer", Writer(app))
    return writer.write(unit, *args)
