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


# One line per link: a link whose text breaks onto a line per character is the bug of issue 13.
HEADER_LINK_LINES = """() => Array.from(document.querySelectorAll('header a')).map(a => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
  return [a.textContent.trim(), tops.size, !!a.closest('nav')];
})"""


@pytest.mark.parametrize("path", ["/play/", "/play/NOSUCH", "/learn/login"])
def test_staff_pages_at_360px_have_a_staff_header_without_organizer_links(new_context, screenshot, path):
    context = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(path)
    links = page.evaluate(HEADER_LINK_LINES)
    texts = [text for text, _, _ in links]
    assert "参加竞赛" in texts and "学习首页" in texts
    for organizer in ("主持台", "登录", "管理后台"):
        assert page.locator(f"a:text-is('{organizer}')").count() == 0, f"{organizer} on the staff page {path}"
    for text, lines, in_nav in links:
        assert lines == 1 if in_nav else lines < max(2, len(text) / 2), f"{text!r} takes {lines} lines"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "staff-header-360" + path.replace("/", "-").rstrip("-"))


def test_organizer_navigation_at_360px_keeps_each_link_on_one_line(new_context, screenshot):
    page = new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    page.goto("/login")
    links = page.evaluate(HEADER_LINK_LINES)
    assert [text for text, lines, _ in links if lines != 1] == []
    assert page.locator("header a:text-is('主持台')").count() == 0  # not signed in: not one's to open
    screenshot(page, "login-360")
