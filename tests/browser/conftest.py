"""Real-browser fixtures: Debian's Chromium driven by Playwright against a seeded `quizengine serve`.

Every test here is skipped when /usr/bin/chromium is missing, so `make test` still passes on a
laptop without it. Never run `playwright install`: the tests use the system browser only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.live import seeded, serving

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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `quizengine serve` (eventlet) on an instance seeded by `quizengine demo --seed-only`."""
    tmp = tmp_path_factory.mktemp("live_server")
    env = seeded(tmp)
    with serving(tmp, env) as base_url:
        yield base_url


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
