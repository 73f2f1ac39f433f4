"""A center contact hands in a case with a photo from a phone; the organizer sees it in the dashboard, sets up a
blind review, two judges score the case on their phones, and the released score reaches the center's page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.attachment_files import png_bytes
from tests.conftest import PASSWORD
from tests.live import run_command, seeded, serving

pytestmark = pytest.mark.browser
CHANGSHOU = "长寿路街道社区事务受理服务中心"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
LAPTOP = {"width": 1366, "height": 768}
JUDGES = ("judge-a", "judge-b")
RUBRIC = [("innovation", "创新性", "40", "10"), ("effect", "实效性", "60", "10")]


@pytest.fixture(scope="module")
def center_server(tmp_path_factory) -> Iterator[str]:
    """A seeded server with an organizer of group 1 and the contact of 长寿路."""
    folder = tmp_path_factory.mktemp("center_upload")
    env = seeded(folder)
    run_command(env, "user", "create", "org1", "--role", "organizer", "--group", "community", "--password", PASSWORD)
    contact = ("--role", "center_contact", "--center", CHANGSHOU, "--password", PASSWORD)
    run_command(env, "user", "create", "contact1", *contact)
    for judge in JUDGES:
        run_command(env, "user", "create", judge, "--role", "judge", "--password", PASSWORD)
    with serving(folder, env) as base_url:
        yield base_url


def signed_in(browser, base_url: str, username: str, **options):
    context = browser.new_context(base_url=base_url, **options)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return context, page


def test_a_contact_hands_in_a_case_with_a_photo_on_a_phone(browser, center_server, screenshot, tmp_path):
    organizer, desk = signed_in(browser, center_server, "org1", viewport=LAPTOP)
    desk.wait_for_url("**/admin/")
    desk.goto("/admin/requirements/")
    desk.fill("input[name=year]", "2099")
    desk.click("form[action$='/plan'] button[type=submit]")
    desk.wait_for_selector("text=已按活动方案创建 5 项应报材料")

    contact, phone = signed_in(browser, center_server, "contact1", **PHONE)
    phone.wait_for_url("**/center/")
    card = phone.locator(".submission-item", has_text="2099年工作案例")
    assert "未报送" in card.inner_text()
    card.locator("a.button").click()
    phone.fill("input[name=title]", "“一件事”集成服务")
    phone.select_option("select[name=category]", "高效办成一件事")
    phone.fill("textarea[name=text]", "长寿路街道把出生、入学等事项集成办理。")
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes(40, 30))
    phone.set_input_files("input[name=file]", str(photo))
    phone.click("button.primary")
    phone.wait_for_selector("text=已上传附件 现场.png")
    assert "现场.png" in phone.inner_text(".attachment-list")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    screenshot(phone, "center-case-390x844")
    phone.goto("/center/")
    assert "已报送" in phone.locator(".submission-item", has_text="2099年工作案例").inner_text()

    desk.goto("/admin/requirements/dashboard")
    assert "“一件事”集成服务" in desk.inner_text("table")
    screenshot(desk, "requirements-dashboard-1366x768")

    # --- the organizer sets up a blind review of the cases with both judges, and opens it
    desk.goto("/admin/reviews/new")
    desk.fill("input[name=title]", "2099 年优秀工作案例评审")
    cases = desk.locator("select[name=requirement_id] option", has_text="2099年工作案例").get_attribute("value")
    desk.select_option("select[name=requirement_id]", cases)
    desk.check("input[name=blind]")
    desk.fill("input[name=min_judges]", "2")
    desk.fill("input[name=rubric_title]", "案例评审表")
    for index, (key, label, weight, maximum) in enumerate(RUBRIC):
        for name, value in (("key", key), ("label", label), ("weight", weight), ("max", maximum)):
            desk.fill(f"input[name=cat-{name}-{index}]", value)
    desk.click("form button.primary")
    desk.wait_for_selector("text=已保存评审")
    for judge in JUDGES:
        desk.locator("label.check", has_text=judge).locator("input[name=judge]").check()
    desk.click("text=保存评委")
    desk.click("text=开始评审")
    review_url = desk.url

    # --- two judges score it on their phones; blind: the center's name is nowhere on their pages
    for number, (judge, points) in enumerate(zip(JUDGES, (("8", "9"), ("6", "7")), strict=True), 1):
        judging, page = signed_in(browser, center_server, judge, **PHONE)
        page.wait_for_url("**/judge/")
        page.click("text=2099 年优秀工作案例评审")
        page.locator(".judge-list a").first.click()
        assert CHANGSHOU not in page.content() and "长寿路" not in page.content()
        for (key, *_), value in zip(RUBRIC, points, strict=True):
            page.fill(f"input[name=score-{key}]", value)
        page.click("button.primary")
        page.wait_for_selector("text=已评")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        screenshot(page, f"judge{number}-score-390x844")
        judging.close()

    # --- the organizer closes the review and releases it: (0.8 x 40 + 0.9 x 60 + 0.6 x 40 + 0.7 x 60) / 2 = 76
    desk.goto(review_url)
    assert "76.00" in desk.inner_text("body")
    desk.click("text=结束评审")
    desk.click("text=向各中心公布成绩")
    screenshot(desk, "review-results-1366x768")
    phone.goto("/center/")
    assert "76.00 / 100" in phone.inner_text("body")
    screenshot(phone, "center-released-score-390x844")
    contact.close()
    organizer.close()
