"""Names are data, never markup: a hostile name from the roster shows as text on every live screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_contest import join, sign_in
from tests.live import run_command, seeded, serving

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.pwned=1">王<b>五</b>'


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A seeded server whose roster has one staff member with a hostile name."""
    folder = tmp_path_factory.mktemp("names")
    env = seeded(folder)
    roster = folder / "hostile.csv"
    roster.write_text(
        f'工号,姓名,中心\nPTX666,"{HOSTILE.replace(chr(34), chr(34) * 2)}",长寿路街道社区事务受理服务中心\n',
        encoding="utf-8",
    )
    run_command(env, "roster", "import", str(roster))
    password = (Path(folder) / "instance" / "demo-admin-password").read_text().strip()
    with serving(folder, env) as base_url:
        yield base_url, password


def test_a_hostile_name_is_shown_as_text_on_phone_host_and_board(browser, server, screenshot):
    base_url, password = server
    host_context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=base_url)
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, base_url=base_url)
    try:
        host = host_context.new_page()
        sign_in(host, password)
        host.goto("/host/1")
        board_href = host.locator("a[href*='/board/1?key=']").first.get_attribute("href")
        board = host_context.new_page()
        board.goto(board_href)
        phone = phone_context.new_page()
        phone.goto("/play/PTG1LIVE")
        join(phone, "PTX666", HOSTILE)
        expect(phone.locator("body")).to_contain_text(HOSTILE)
        expect(host.locator("body")).to_contain_text(HOSTILE)
        expect(board.locator("body")).to_contain_text(HOSTILE)
        for page in (phone, host, board):
            assert page.evaluate("window.pwned") is None
            assert page.locator("img[src=x]").count() == 0 and page.locator("main b").count() == 0
        screenshot(board, "live-board-hostile-name")
    finally:
        host_context.close()
        phone_context.close()
