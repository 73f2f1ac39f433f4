"""A real `quizengine serve` process on 127.0.0.1, for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from quizengine.drill.instance import free_port, wait_until_up

QUIZENGINE = shutil.which("quizengine", path=str(Path(sys.executable).parent)) or "quizengine"
START_TIMEOUT = 30.0


def command_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment for a command on an instance in `folder`, without the caller's QUIZ_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_")}
    env.update(QUIZ_INSTANCE_PATH=str(folder / "instance"), PYTHONWARNINGS="ignore", **extra)
    return env


def seeded(folder: Path) -> dict[str, str]:
    """Seed an instance in `folder` like `make demo` (`demo --seed-only`); the eventlet command environment."""
    env = command_env(folder, QUIZ_ASYNC_MODE="eventlet")
    run_command(env, "demo", "--seed-only")
    return env


def run_command(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `quizengine ARGS` and return the finished process."""
    result = subprocess.run([QUIZENGINE, *args], env=env, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"quizengine {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


@contextmanager
def serving(folder: Path, env: dict[str, str]):
    """Run `quizengine serve` until the block ends; yields the base URL once it answers."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / f"server-{port}.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [QUIZENGINE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"{base_url}/", server, log_path, START_TIMEOUT)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
