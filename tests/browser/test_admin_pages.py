"""The web admin on a 1366×768 laptop: every page fits, and a bad bank upload shows its lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.live import seeded, serving

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A seeded server and its demo admin's password."""
    folder = tmp_path_factory.mktemp("admin_pages")
    env = seeded(folder)
    password = (Path(folder) / "instance" / "demo-admin-password").read_text().strip()
    with serving(folder, env) as base_url:
        yield base_url, password


@pytest.fixture
def admin_page(browser, admin_server):
    base_url, password = admin_server
    context = browser.new_context(viewport=LAPTOP, base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    yield page
    context.close()


@pytest.mark.parametrize(
    ("path", "name", "text"),
    [
        ("/admin/", "dashboard", "管理后台"),
        ("/admin/banks/", "banks", "上海“一网通办”改革基础（示例题库）"),
        ("/admin/banks/contest-plan", "bank-preview", "手机上的样子"),
        ("/admin/roster/", "roster", "下载 xlsx 模板"),
        ("/admin/contests/", "contests", "PTG1LIVE"),
        ("/admin/contests/1", "contest-preview", "第二轮 抢答题"),
        ("/admin/users", "users", "新建账号"),
        ("/admin/groups/", "groups", "组与中心"),
        ("/admin/contests/1/edit", "contest-edit", "修改竞赛"),
        ("/admin/audit", "audit", "操作日志"),
        ("/host/", "host-entry", "进入主持台"),
        # examples/contests/*.yaml are imported in name order: written_test.yaml is the fifth
        ("/admin/contests/5", "paper", "试卷结构"),
        ("/admin/contests/5/paper", "paper-edit", "修改考试"),
        ("/admin/learning/", "learning", "学习场次"),
    ],
)
def test_admin_pages_fit_a_laptop_screen(admin_page, screenshot, path, name, text):
    admin_page.goto(path)
    assert text in admin_page.inner_text("body")
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    screenshot(admin_page, f"admin-{name}-1366x768")


def test_bank_upload_error_page_shows_the_offending_lines(admin_page, screenshot):
    admin_page.goto("/admin/banks/")
    admin_page.set_input_files("input[type=file]", str(FIXTURES / "banks" / "invalid" / "answers.yaml"))
    admin_page.click("form[enctype] button[type=submit]")
    admin_page.wait_for_selector(".problems")
    body = admin_page.inner_text(".problems")
    assert "answers.yaml:12:13" in body and "答案 E 不在选项 A、B、C、D 中" in body
    assert admin_page.locator(".problem-error").count() == 7
    screenshot(admin_page, "admin-bank-upload-errors-1366x768")
