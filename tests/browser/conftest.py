"""Real-browser fixtures: Debian's Chromium driven by Playwright against a seeded `quizengine serve`.

Every test here is skipped when /usr/bin/chromium is missing, so `make test` still passes on a
laptop without it. Never run `playwright install`: the tests use the system browser only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts"
QUIZENGINE = shutil.which("quizengine", path=str(Path(sys.executable).parent)) or "quizengine"
SERVER_START_TIMEOUT = 30.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests, before any fixture runs, when the system Chromium is absent."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at Debian's Chromium instead of a downloaded build."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise RuntimeError(
                f"quizengine serve exited with {server.returncode}:\n"
                + log_path.read_text(encoding="utf-8", errors="replace")
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{url} did not answer within {timeout:.0f} s:\n"
                    + log_path.read_text(encoding="utf-8", errors="replace")
                ) from None
            time.sleep(0.2)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `quizengine serve` (eventlet) on an instance seeded by `quizengine demo --seed-only`."""
    tmp = tmp_path_factory.mktemp("live_server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_")}
    env.update(QUIZ_INSTANCE_PATH=str(tmp / "instance"), QUIZ_ASYNC_MODE="eventlet", PYTHONWARNINGS="ignore")
    seed = subprocess.run(
        [QUIZENGINE, "demo", "--seed-only"], env=env, cwd=tmp, capture_output=True, text=True, timeout=120
    )
    assert seed.returncode == 0, seed.stdout + seed.stderr
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [QUIZENGINE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"{base_url}/", server, log_path, SERVER_START_TIMEOUT)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Playwright's base URL, so `page.goto("/")` opens the live server.

    Defining it here also replaces pytest-playwright's fallback `base_url`, a fixture on a plugin
    object that pytest >= 9.2 reports with PytestRemovedIn10Warning (an error under
    filterwarnings = error), so no warning filter is needed.
    """
    return live_server


@pytest.fixture
def screenshot() -> Callable:
    """`screenshot(page, "name")` saves a full-page PNG as test-artifacts/name.png and returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
