"""The overview and the phone entry page as Chromium renders them, with screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Exact `title:` of question_banks/shanghai_ywtb.yaml, seeded by `quizengine demo --seed-only`.
SAMPLE_BANK_TITLE = "上海“一网通办”改革基础（示例题库）"


def test_overview_at_1366x768_shows_groups_and_banks_without_horizontal_scroll(new_context, screenshot):
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto("/")
    text = page.locator("body").inner_text()
    assert "第一组：各街镇社区事务受理中心" in text
    assert "区民政局" in text
    assert SAMPLE_BANK_TITLE in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "overview-1366x768")


def test_play_entry_on_a_phone(new_context, screenshot):
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto("/play/")
    assert "加入竞赛" in page.locator("h1").inner_text()
    screenshot(page, "play-entry-phone")
