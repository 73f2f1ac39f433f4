"""A phone that taps 加入 before its connection is up (slow hall Wi-Fi) joins as soon as it connects."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_live_contest import join

pytestmark = pytest.mark.browser


def socket_io(url: str) -> bool:
    """The Socket.IO endpoint (not the vendored client script, which lives under static/vendor/socket.io/)."""
    return "/socket.io/?" in url


def test_a_join_tapped_before_the_connection_is_up_goes_through_once_it_is(browser: Browser, base_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, base_url=base_url)
    try:
        page = context.new_page()
        page.route(socket_io, lambda route: route.abort())  # the server cannot be reached yet
        page.goto("/play/PTG1LIVE")
        join(page, "PTC0106", "孔丽霞")
        expect(page.locator("#join-error")).to_have_text("正在连接服务器，连上后自动加入……")
        page.unroute(socket_io)  # the network comes back; socket.io reconnects by itself
        expect(page.locator("#me-name")).to_have_text("孔丽霞", timeout=15_000)
        expect(page.locator("#join")).to_be_hidden()
    finally:
        context.close()
