"""Several real `quizengine serve` processes on one PostgreSQL database and one Redis message queue.

The documented scale-out (docs/deployment.md) without the proxy: each process
on its own 127.0.0.1 port, the phones told which one to use. Every run gets a
scratch database beside the one QUIZ_TEST_POSTGRES_URL names and its own
message-queue channel, so parallel runs on one PostgreSQL and one Redis never
meet.
"""

from __future__ import annotations

import secrets
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tests.live import QUIZENGINE, command_env, free_port, run_command, wait_until_up


@dataclass
class Server:
    """One serving process."""

    url: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a host loses power."""
        self.process.kill()
        self.process.wait(timeout=10)


@contextmanager
def scratch_database(url: str):
    """A new, empty PostgreSQL database on the server `url` names, dropped afterwards; yields its URL."""
    base = make_url(url)
    name = f"quiz_cluster_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def cluster_env(folder: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """The environment every process and command of one cluster shares (database, queue, channel, secret)."""
    return command_env(
        folder,
        QUIZ_ASYNC_MODE="eventlet",
        QUIZ_DATABASE_URL=database_url,
        QUIZ_MESSAGE_QUEUE=redis_url,
        QUIZ_MESSAGE_QUEUE_CHANNEL=f"quizengine-test-{secrets.token_hex(6)}",
        QUIZ_RATELIMIT_STORAGE=redis_url,
        QUIZ_SECRET_KEY=secrets.token_hex(32),
    )


@contextmanager
def cluster(folder: Path, env: dict[str, str], count: int = 2):
    """Start `count` serving processes on the instance of `env`; yields them once every one answers."""
    servers: list[Server] = []
    logs = []
    try:
        for _ in range(count):
            port = free_port()
            log_path = folder / f"server-{port}.log"
            log = log_path.open("wb")
            logs.append(log)
            process = subprocess.Popen(
                [QUIZENGINE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            servers.append(Server(f"http://127.0.0.1:{port}", process, log_path))
        for server in servers:
            wait_until_up(f"{server.url}/", server.process, server.log)
        yield servers
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        for log in logs:
            log.close()


def prepare_contest(env: dict[str, str], folder: Path, contest: str, people_csv: str | None = None) -> None:
    """Migrate and seed like `make demo`, add `people_csv` to the roster, import and open `contest`."""
    run_command(env, "demo", "--seed-only")
    if people_csv:
        (folder / "people.csv").write_text(people_csv, encoding="utf-8")
        run_command(env, "roster", "import", str(folder / "people.csv"))
    (folder / "contest.yaml").write_text(contest, encoding="utf-8")
    run_command(env, "contest", "import", str(folder / "contest.yaml"), "--open")
