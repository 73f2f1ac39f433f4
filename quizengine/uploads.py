"""Parse uploaded files in a separate, limited process, so that no upload can stall the hall.

One server process, on one event loop, serves every phone of a live
contest. Parsing is plain CPU work that never yields: had it run in the
server, a file built to be slow (deep nesting, a zip bomb) would freeze every
page and socket until it finished. So the web admin hands each uploaded bank,
contest file and roster to `parse_upload`, which runs the parser in a fresh
Python process with a wall-time limit (`UPLOAD_PARSE_SECONDS`), a memory limit
(`RLIMIT_AS`, `UPLOAD_PARSE_MEMORY_MB`) and a lower CPU priority, and waits
for it without blocking the event loop: it polls the child with `time.sleep`,
which yields to the hub under eventlet's (or gevent's) monkey-patching and
simply sleeps under threading. A child that runs out of time or memory is
killed and the upload refused with a clear message; nothing is stored.

The parsers are plain functions returning plain dataclasses, so the job (the
function, by reference, and its arguments) and the result cross the process
boundary as pickles. The result is unpickled with an allow-list of classes:
the child parsed hostile input, so its output is not trusted to name
arbitrary callables. The command line parses in-process: one person's own
files, on a terminal, stall nobody.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from pathlib import Path

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 30
DEFAULT_MEMORY_MB = 1024
# Parses at once; further uploads wait for a free slot (within their time limit).
# Each child runs at lower priority, so the server keeps its core.
WORKERS = 2
_POLL_SECONDS = 0.02
_EXIT_MEMORY = 3
_FAILED = "读取文件时出错；请检查文件格式，或联系管理员查看服务器日志"
_slots = threading.BoundedSemaphore(WORKERS)


class UploadRefused(Exception):
    """The file could not be parsed within the limits; `code` and `message` say why, for a `Problem`."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse_upload(parse, path, *args, seconds: int | None = None, memory_mb: int | None = None, **kwargs):
    """Return `parse(path, *args, **kwargs)`, computed in a limited child process.

    `parse` must be a module-level function (it travels by name). The limits
    default to the app's `UPLOAD_PARSE_SECONDS` and `UPLOAD_PARSE_MEMORY_MB`.
    Raises `UploadRefused` when the child runs out of time or memory or fails,
    and when no worker slot frees up in time.
    """
    config = current_app.config if has_app_context() else {}
    seconds = seconds or config.get("UPLOAD_PARSE_SECONDS", DEFAULT_SECONDS)
    memory_mb = memory_mb or config.get("UPLOAD_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB)
    if has_app_context():
        _release_database()
    started = time.monotonic()
    job = pickle.dumps((parse, (str(path), *args), kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    if not _slots.acquire(timeout=seconds):
        raise UploadRefused("busy", "服务器正在读取其他上传的文件，请稍后再试")
    try:
        left = max(1.0, seconds - (time.monotonic() - started))
        return _run(job, left, seconds, memory_mb)
    finally:
        _slots.release()


def _release_database() -> None:
    """End the request's transaction before waiting for the child.

    SQLite transactions here begin IMMEDIATE, taking the write lock; held
    across the wait, it would make every other query of the hall (a phone's
    answer, a deadline timer) wait for it inside sqlite3, in C, where the
    event loop cannot run. The upload views have nothing pending at this
    point, so the commit only ends the transaction; objects reload on use.
    """
    from quizengine.extensions import db

    db.session.commit()


def _run(job: bytes, left: float, seconds: int, memory_mb: int):
    with tempfile.TemporaryDirectory(prefix="quizengine-parse-") as folder:
        folder = Path(folder)
        (folder / "job").write_bytes(job)
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        with (folder / "stderr").open("wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", "quizengine.uploads", str(folder), str(int(left) + 1), str(memory_mb)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=env,
                close_fds=True,
            )
            try:
                deadline = time.monotonic() + left
                while child.poll() is None:
                    if time.monotonic() > deadline:
                        raise UploadRefused(
                            "too-complex",
                            f"文件过于复杂，无法在 {seconds} 秒内读完；请检查文件内容，或分成几个文件上传",
                        )
                    time.sleep(_POLL_SECONDS)
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        result = folder / "result"
        detail = (folder / "stderr").read_bytes()[-2000:].decode("utf-8", "replace")
        if child.returncode == 0 and result.exists():
            try:
                return _SafeUnpickler(io.BytesIO(result.read_bytes())).load()
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
                log.error("upload parser sent back a result that was refused: %s", exc)
                raise UploadRefused("parse-failed", _FAILED) from exc
        if child.returncode == _EXIT_MEMORY or "MemoryError" in detail:
            raise UploadRefused("too-complex", f"文件过于复杂，读取时需要超过 {memory_mb} MB 内存；请检查文件内容")
        if child.returncode < 0:  # a signal: the CPU limit, or the system's OOM killer
            raise UploadRefused("too-complex", f"文件过于复杂，无法在 {seconds} 秒内读完；请检查文件内容")
        log.error("upload parser failed with exit code %s:\n%s", child.returncode, detail)
        raise UploadRefused("parse-failed", _FAILED)


# --- the result comes back through an allow-list ---------------------------

_ALLOWED = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("zoneinfo", "ZoneInfo"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
}


def _zone_getattr(owner, name: str):
    """The one attribute lookup a result needs: a time zone is pickled as `getattr(ZoneInfo, "_unpickle")`."""
    if owner is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle
    raise pickle.UnpicklingError(f"getattr({owner!r}, {name!r}) is not allowed in a parse result")


class _SafeUnpickler(pickle.Unpickler):
    """Only quizengine's own dataclasses and enums, dates, times and zones: nothing callable else."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("builtins", "getattr"):
            return _zone_getattr
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module.startswith("quizengine.") and module in sys.modules and "." not in name:
            found = getattr(sys.modules[module], name, None)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a parse result")


# --- the child ----------------------------------------------------------------


def _limit(seconds: int, memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the wall-time limit still holds
        return
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(10)


def _child(folder: Path, seconds: int, memory_mb: int) -> None:
    _limit(seconds, memory_mb)
    parse, args, kwargs = pickle.loads((folder / "job").read_bytes())  # written by the server: trusted
    try:
        result = parse(*args, **kwargs)
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    partial = folder / "result.part"
    partial.write_bytes(data)
    partial.rename(folder / "result")


if __name__ == "__main__":
    _child(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
