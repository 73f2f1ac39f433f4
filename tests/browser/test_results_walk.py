"""An organizer's walk in real Chromium: a finished live contest -> its results page -> a selection -> exports.

The contest (PTG1LIVE, group community) is played by real Socket.IO phones and a signed-in host socket
on this module's own `quizengine serve`; the organizer of group community then does everything else in
the browser. Screenshots go to test-artifacts/results-*.png.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser.pages import WAIT_MS, Pages
from tests.live import run_command, seeded, serving
from tests.sockets.clients import Phone, Recorder, signed_in_cookie

pytestmark = pytest.mark.browser

CODE, CONTEST_ID = "PTG1LIVE", 1  # examples/contests/community.yaml
ORGANIZER, PASSWORD = "org-community", "organizer password 2021"
# Real members of group community in examples/roster.yaml: the first answers A, the second B.
PLAYERS = [("PTC0101", "何娜刚"), ("PTC0201", "周涛鑫")]
SELECTION = """\
selection:
  title: 第一组评选（浏览器测试）
  reference_date: 2021-09-30
  groups: [community]
  parts:
    - key: live
      title: 现场知识竞赛
      contests: [PTG1LIVE]
      weight: 100
  people: {award: 1, recommend: 1}
  centers: {award: 1, recommend: 1}
"""

expect.set_options(timeout=WAIT_MS)


def play_and_finish(base_url: str) -> None:
    """Two phones answer the first question (A and B); the host closes, reveals and finishes the contest."""
    host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, ORGANIZER, PASSWORD)})
    phones = [Phone(base_url) for _ in PLAYERS]
    try:
        for phone, (staff_id, name) in zip(phones, PLAYERS, strict=True):
            assert phone.join(CODE, staff_id, name)["ok"]
        assert host.call("watch", {"contest_id": CONTEST_ID})["ok"]
        rq_id = host.call("next", {"contest_id": CONTEST_ID})["round_question_id"]
        for phone, key in zip(phones, "AB", strict=True):
            phone.wait_for("question", lambda d: d["round_question_id"] == rq_id and not d["ready"], timeout=10)
            assert phone.answer(rq_id, key)["ok"]
        host.call("close", {"contest_id": CONTEST_ID})  # or closed already: everyone answered
        for event in ("reveal", "finish"):
            ack = host.call(event, {"contest_id": CONTEST_ID})
            assert ack["ok"], ack
    finally:
        for client in (host, *phones):
            client.close()


@pytest.fixture(scope="module")
def finished_contest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A seeded server with an organizer of group community, PTG1LIVE played and finished."""
    folder = tmp_path_factory.mktemp("results_walk")
    env = seeded(folder)
    run_command(env, "user", "create", ORGANIZER, "--role", "organizer", "--group", "community", "--password", PASSWORD)
    with serving(folder, env) as base_url:
        play_and_finish(base_url)
        yield SimpleNamespace(url=base_url, folder=folder)


@pytest.fixture
def pages(browser: Browser, finished_contest: SimpleNamespace) -> Iterator[Pages]:
    opened = Pages(browser, finished_contest.url, viewport={"width": 1366, "height": 768}, accept_downloads=True)
    yield opened
    opened.close()


def workbook_of(page: Page, link) -> object:
    """Click a download link and open the xlsx it gives."""
    with page.expect_download() as download:
        link.click()
    return load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))


def test_an_organizer_goes_from_a_finished_contest_to_its_results_a_selection_and_the_exports(
    pages: Pages, finished_contest: SimpleNamespace, screenshot
):
    page = pages.open("organizer", "/login")
    page.fill("input[name=username]", ORGANIZER)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/?$"))

    # --- the host console's final view links to the results page
    page.goto(f"/host/{CONTEST_ID}")
    expect(page.locator("#host-phase")).to_have_text("竞赛已结束")
    link = page.locator("#hb-results a")
    expect(link).to_be_visible()
    screenshot(page, "results-host-finished")
    page.goto(link.get_attribute("href"))

    # --- the results page: people, centers, groups, questions, the heat map
    expect(page.locator("h1")).to_contain_text("成绩")
    people = page.locator("#people")
    for _, name in PLAYERS:
        expect(people).to_contain_text(name)
    expect(page.locator("#centers")).to_contain_text("%")  # participation beside each center
    expect(page.locator("#groups")).to_contain_text("第一组")
    first_question = page.locator("#questions tbody tr").first
    expect(first_question).to_contain_text("1 人")  # A and B were chosen once each
    expect(page.locator("#weak-points")).to_contain_text("各中心按专题正确率")
    screenshot(page, "results-page")

    # --- one person's answers, then back
    people.get_by_role("link", name=PLAYERS[0][1]).click()
    expect(page.locator("h1")).to_contain_text(PLAYERS[0][1])
    expect(page.locator("table")).to_contain_text("A")
    screenshot(page, "results-person")
    page.go_back()

    # --- the Excel export of the results: sheets named by the group, numbers as numbers
    book = workbook_of(page, page.get_by_role("link", name="导出 Excel（全部表格）"))
    assert "第一组个人" in book.sheetnames and "第一组中心" in book.sheetnames
    sheet = book["第一组个人"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and PLAYERS[0][0] in row]
    assert rows and any(isinstance(v, int) and not isinstance(v, bool) for v in rows[0])

    # --- the printable A4 page
    page.get_by_role("link", name=re.compile("打印版")).click()
    expect(page.locator("body")).to_contain_text(PLAYERS[1][1])
    screenshot(page, "results-print")

    # --- a selection of group community over this contest: saved, computed, frozen
    page.goto("/admin/selections/new")
    page.fill("textarea[name=source]", SELECTION)
    page.get_by_role("button", name="检查并保存").click()
    expect(page.locator("h1")).to_contain_text("第一组评选（浏览器测试）")
    result = page.locator("table.selection").first
    expect(result).to_contain_text(PLAYERS[0][1])
    screenshot(page, "results-selection")
    page.get_by_role("button", name="签发并冻结").click()
    expect(page.locator("h1 .badge")).to_have_text("已冻结")
    expect(page.locator("body")).to_contain_text("无变化")
    screenshot(page, "results-selection-frozen")

    # --- the selection's Excel: people with their reasons and awards
    book = workbook_of(page, page.get_by_role("link", name=re.compile("Excel")).first)
    assert "个人评选" in book.sheetnames
    names = [row for row in book["个人评选"].iter_rows(values_only=True) if row and PLAYERS[0][1] in row]
    assert names, "the person is in the selection workbook"

    assert pages.errors == []
    log = "\n".join(p.read_text(errors="replace") for p in Path(finished_contest.folder).glob("server-*.log"))
    assert "Traceback" not in log, log
