"""A throw-away instance for a drill: the demo data, N synthetic staff, a rehearsal contest and its host, served."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CODE = "DRILL1"
HOST_USER = "drillhost"
CENTERS = 20


def contest_file(questions: int, time_limit: int, ready_seconds: int) -> str:
    """A live rehearsal contest of `questions` single-choice questions of the demo bank."""
    keys = ", ".join(f"plan-{n:03d}" for n in (1, 2, 3, 4, 6, 7, 9, 11, 8, 10)[:questions])
    return (
        f"contest:\n  title: 压力演练\n  groups: [community]\n  code: {CODE}\n  ready_seconds: {ready_seconds}\n"
        f"rounds:\n  - title: 演练\n    kind: mandatory\n    time_limit: {time_limit}\n    questions: [{keys}]\n"
    )


def synthetic_staff(count: int) -> list[tuple[str, str]]:
    """(staff id, name) of the drill's synthetic staff."""
    return [(f"DRILL{n:05d}", f"演练{n:05d}") for n in range(count)]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Instance:
    """A served throw-away instance."""

    url: str
    code: str
    contest_id: int
    host_user: str
    host_password: str
    staff: list[tuple[str, str]]
    process: subprocess.Popen
    folder: Path


def _env(folder: Path, async_mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_")}
    env.update(QUIZ_INSTANCE_PATH=str(folder / "instance"), QUIZ_ASYNC_MODE=async_mode, PYTHONWARNINGS="ignore")
    return env


def _command(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "quizengine", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"quizengine {' '.join(args)} 失败：\n{done.stdout}{done.stderr}")
    return done.stdout


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll `url` until it answers; raise with the server's log if it exits or times out."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"服务进程已退出（{process.returncode}）：\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{url} 在 {timeout:.0f} 秒内没有响应：\n{log.read_text(errors='replace')}"
                ) from None
            time.sleep(0.2)


@contextmanager
def throwaway(folder: Path, phones: int, questions: int, *, async_mode="eventlet", time_limit=30, ready_seconds=3):
    """Seed an instance in `folder` for `phones` synthetic staff and serve it on 127.0.0.1 until the block ends."""
    env = _env(folder, async_mode)
    _command(env, "demo", "--seed-only")
    staff = synthetic_staff(phones)
    rows = [
        "工号,姓名,中心,组",
        *(f"{no},{name},演练中心{i % CENTERS:02d},community" for i, (no, name) in enumerate(staff)),
    ]
    (folder / "drill-staff.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    _command(env, "roster", "import", str(folder / "drill-staff.csv"))
    (folder / "drill-contest.yaml").write_text(contest_file(questions, time_limit, ready_seconds), encoding="utf-8")
    _command(env, "contest", "import", str(folder / "drill-contest.yaml"), "--open")
    password = secrets.token_urlsafe(16)
    _command(env, "user", "create", HOST_USER, "--role", "organizer", "--group", "community", "--password", password)
    listing = _command(env, "contest", "list")
    contest_id = int(next(line.split()[0] for line in listing.splitlines() if f" {CODE} " in f" {line} "))
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "quizengine", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{url}/", process, log)
            yield Instance(url, CODE, contest_id, HOST_USER, password, staff, process, folder)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def stored_answers(folder: Path) -> int:
    """How many answers the throw-away instance's database holds."""
    import sqlite3

    with sqlite3.connect(folder / "instance" / "quizengine.db") as connection:
        return connection.execute("SELECT count(*) FROM answers").fetchone()[0]


class ProcessMeter:
    """CPU seconds and resident memory of a local server process, from /proc."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float | None:
        if self.pid is None:
            return None
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks

    def rss_mb(self) -> float | None:
        if self.pid is None:
            return None
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return None
