"""A live contest in real Chromium: host console, projector and two phones playing PTG1LIVE.

The module runs its own `quizengine serve` (seeded by `quizengine demo --seed-only`, which
imports and opens the sample contests), so it knows the instance folder: the demo admin's
password and the server log. Screenshots of every view go to test-artifacts/live-*.png.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.pages import WAIT_MS, Pages
from tests.live import seeded, serving

pytestmark = pytest.mark.browser

CODE = "PTG1LIVE"  # contest 1: examples/contests/community.yaml, group community
CONTEST_ID = 1
# Real members of group community in examples/roster.yaml.
PLAYERS = [("PTC0101", "何娜刚"), ("PTC0201", "周涛鑫")]
KICKED = ("PTC0102", "顾涛然")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def contest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A seeded `quizengine serve` (eventlet) of this module's own, with its instance folder."""
    folder = tmp_path_factory.mktemp("live_contest")
    env = seeded(folder)
    with serving(folder, env) as base_url:
        yield SimpleNamespace(url=base_url, folder=folder)


@pytest.fixture
def pages(browser: Browser, contest_server: SimpleNamespace) -> Iterator[Pages]:
    opened = Pages(browser, contest_server.url)
    yield opened
    opened.close()


def sign_in(page: Page, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/?$"))


def join(page: Page, staff_id: str, name: str) -> None:
    page.fill("#join-form input[name=staff_id]", staff_id)
    page.fill("#join-form input[name=name]", name)
    page.locator("#join-form button[type=submit]").click()


def click_action(host: Page, action: str) -> None:
    """Press a host button (it is enabled once the phase allows it) and wait for its acknowledgement.

    `close` is pressed only while the question is still open: once every phone has answered the
    server closes it by itself (the contest's close_early), which is what the host then sees.
    """
    if action == "close":
        closed = host.locator("#host-phase", has_text="本题已截止")
        try:
            closed.wait_for(timeout=1500)
            return
        except PlaywrightTimeoutError:
            pass
        with contextlib.suppress(PlaywrightTimeoutError):  # the server closed it between the look and the press
            host.locator("button[data-action=close]").click(timeout=3000)
        expect(closed).to_be_visible()
        return
    button = host.locator(f"button[data-action={action}]")
    label = button.inner_text()
    button.click()
    if action == "finish":  # irreversible: a second click confirms
        expect(button).to_have_text("确认结束竞赛？")
        button.click()
    expect(host.locator("#host-status")).to_have_text(f"已执行：{label}")


def winners(phones: list[Page]) -> int:
    """How many of the phones have a total above 0 (the podium's rule), from their own 总分."""
    totals = [float(phone.locator("#me-score").inner_text().removeprefix("总分 ")) for phone in phones]
    return sum(total > 0 for total in totals)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_live_contest_with_host_board_and_two_phones(pages: Pages, contest_server: SimpleNamespace, screenshot):
    started = time.monotonic()
    password = (Path(contest_server.folder) / "instance" / "demo-admin-password").read_text().strip()

    # --- host console: sign in, open the contest's console
    host = pages.open("host", "/login", viewport={"width": 1366, "height": 768})
    sign_in(host, password)
    host.goto(f"/host/{CONTEST_ID}")
    expect(host.locator("#host-phase")).to_have_text("等待出题")
    # `quizengine demo` already opened the sample contests: 开放报名 is not needed (and refused).
    expect(host.locator("button[data-action=open]")).to_be_disabled()
    expect(host.locator("button[data-action=next]")).to_be_enabled()
    board_href = host.locator("#board-link").get_attribute("href")
    assert board_href and "/board/1?key=" in board_href

    # --- projector: the lobby with the QR code and the join code
    board = pages.open("board", board_href, viewport={"width": 1280, "height": 720})
    expect(board.locator("#lobby")).to_be_visible()
    expect(board.locator("#lobby .join-code")).to_contain_text(CODE)
    expect(board.locator("#b-phase")).to_have_text("等待出题")

    # --- two phones join; a wrong name is refused first
    phones = []
    for number, (staff_id, name) in enumerate(PLAYERS, start=1):
        phone = pages.open(f"phone{number}", f"/play/{CODE}", **PHONE)
        expect(phone.locator("#join")).to_be_visible()
        if number == 2:
            join(phone, staff_id, "不是此人")
            expect(phone.locator("#join-error")).to_have_text("姓名与工号不符")
            screenshot(phone, "live-phone2-join-error")
        join(phone, staff_id, name)
        expect(phone.locator("#me-name")).to_have_text(name)
        expect(phone.locator("#wait-text")).to_contain_text("等待主持人出题")
        assert no_horizontal_scroll(phone)
        phones.append(phone)
    screenshot(phones[0], "live-phone1-lobby")

    expect(board.locator("#b-joined")).to_have_text("2")
    expect(board.locator("#b-welcome")).to_contain_text(PLAYERS[1][1])
    screenshot(board, "live-board-lobby")
    expect(host.locator("#host-joined")).to_have_text("2")
    for _, name in PLAYERS:
        expect(host.locator("#host-players")).to_contain_text(name)

    # --- a third phone joins and the host removes it (two clicks: 移出, 确认移出？)
    third = pages.open("phone3", f"/play/{CODE}", **PHONE)
    join(third, *KICKED)
    expect(third.locator("#me-name")).to_have_text(KICKED[1])
    row = host.locator("#host-players li", has_text=KICKED[1])
    row.locator("button.kick").click()
    row.locator("button.kick", has_text="确认移出").click()
    expect(third.locator("#kicked-text")).to_have_text("您已被组织者移出本场竞赛")
    assert third.evaluate(f"localStorage.getItem('quizengine.token.{CODE}')") is None
    expect(host.locator("#host-players li.kicked")).to_contain_text(KICKED[1])
    expect(host.locator("#host-players li.kicked .tag")).to_have_text("已移出")
    expect(host.locator("#host-joined")).to_have_text("2")
    screenshot(third, "live-phone3-kicked")
    screenshot(host, "live-host-lobby")

    # --- question 1: open it; both phones and the board show it with a countdown
    click_action(host, "next")
    expect(host.locator("#host-phase")).to_have_text("答题中")
    for phone in phones:
        expect(phone.locator("#question")).to_be_visible()
        expect(phone.locator("#q-number")).to_have_text(re.compile(r"第 1 / \d+ 题"))
        expect(phone.locator("#q-timer")).to_have_text(re.compile(r"剩余 \d+ 秒"))
    stem = phones[0].locator("#q-stem").inner_text()
    assert stem
    expect(board.locator("#b-question")).to_be_visible()
    expect(board.locator("#bq-stem")).to_have_text(stem)
    expect(board.locator("#bq-timer")).to_have_text(re.compile(r"^\d+$"))
    expect(board.locator("#bq-joined")).to_have_text("2")  # the kicked player no longer counts
    expect(host.locator("#hq-stem")).to_have_text(stem)
    expect(host.locator("#hq-timer")).to_have_text(re.compile(r"剩余 \d+ 秒"))
    assert phones[0].locator("#q-options button.option").count() >= 2
    screenshot(phones[0], "live-phone1-question")
    screenshot(board, "live-board-question")

    # a 360 px phone still fits without sideways scrolling
    phones[1].set_viewport_size({"width": 360, "height": 780})
    assert no_horizontal_scroll(phones[1])
    screenshot(phones[1], "live-phone2-question-360")
    phones[1].set_viewport_size(PHONE["viewport"])

    # --- phone 1 taps A, phone 2 taps B; both acknowledged
    choices = ["A", "B"]
    for phone, key in zip(phones, choices, strict=True):
        phone.locator(f"#q-options button.option[data-key={key}]").click()
    for phone, key in zip(phones, choices, strict=True):
        expect(phone.locator("#q-status")).to_have_text("已提交")
        expect(phone.locator(f"#q-options button.option[data-key={key}]")).to_have_class(re.compile(r"\bchosen\b"))
        expect(phone.locator("#q-options button.option").first).to_be_disabled()
    screenshot(phones[0], "live-phone1-answered")
    expect(board.locator("#bq-answered")).to_have_text("2")
    expect(host.locator("#hq-answered")).to_have_text("2")
    for _, name in PLAYERS:  # the connection panel: online, and answered the open question
        row = host.locator("#host-players li", has_text=name)
        expect(row.locator(".tag")).to_have_text("已答")
        expect(row).to_have_class(re.compile(r"\bonline\b"))
    screenshot(host, "live-host-question")

    # --- everyone answered: the server closes the question by itself, phones say it is over
    expect(host.locator("#host-phase")).to_have_text("本题已截止")
    for phone in phones:
        expect(phone.locator("#q-status")).to_contain_text("本题已结束")
        expect(phone.locator("#q-timer")).to_have_text("已截止")
    expect(board.locator("#bq-timer")).to_have_text("时间到")
    screenshot(phones[1], "live-phone2-closed")
    screenshot(board, "live-board-closed")

    # --- reveal: the board highlights the answer; exactly the matching phone says 回答正确
    click_action(host, "reveal")
    expect(board.locator("#b-reveal")).to_be_visible()
    expect(board.locator("#br-answer")).to_contain_text("正确答案：")
    right_keys = board.locator("#br-bars li.right .key").all_inner_texts()
    assert right_keys, "the board marks the right option"
    expect(board.locator("#br-summary")).to_contain_text("作答 2 人")
    for phone, key in zip(phones, choices, strict=True):
        verdict = phone.locator("#r-verdict")
        expect(verdict).to_have_text(re.compile(r"^回答(正确|错误)$"))
        expected = "回答正确" if right_keys == [key] else "回答错误"
        expect(verdict).to_have_text(expected)
        expect(phone.locator("#r-details")).to_contain_text("正确答案")
        expect(phone.locator("#r-details")).to_contain_text("解析")
        expect(phone.locator("#r-details")).to_contain_text("出处")
        expect(phone.locator("#r-figures")).to_contain_text("总分")
        expect(phone.locator("#r-figures")).to_contain_text("中心排名")
    expect(host.locator("#hr-answer")).to_contain_text("正确答案：")
    expect(host.locator("#hr-bars li")).to_have_count(phones[0].locator("#r-options .option").count())
    for number, phone in enumerate(phones, start=1):
        screenshot(phone, f"live-phone{number}-reveal")
    screenshot(board, "live-board-reveal")
    screenshot(host, "live-host-reveal")

    # --- leaderboard on every screen
    click_action(host, "leaderboard")
    expect(board.locator("#b-leaderboard")).to_be_visible()
    for _, name in PLAYERS:
        expect(board.locator("#bl-people")).to_contain_text(name)
    expect(board.locator("#bl-centers li")).to_have_count(10)  # every center of group community
    expect(board.locator("#bl-centers")).to_contain_text("%")
    for phone in phones:
        expect(phone.locator("#standings")).to_be_visible()
        expect(phone.locator("#s-people")).to_contain_text(PLAYERS[0][1])
    expect(host.locator("#host-board")).to_be_visible()
    screenshot(board, "live-board-leaderboard")
    screenshot(phones[0], "live-phone1-leaderboard")
    screenshot(host, "live-host-leaderboard")

    # --- a phone reloads: same player, same score, same screen (resumed with its stored token)
    winner_index = next((i for i, key in enumerate(choices) if right_keys == [key]), 0)
    winner = phones[winner_index]
    score_before = winner.locator("#me-score").inner_text()
    assert re.fullmatch(r"总分 \d+(\.\d)?", score_before)
    winner.reload()
    expect(winner.locator("#me-name")).to_have_text(PLAYERS[winner_index][1])
    expect(winner.locator("#me-score")).to_have_text(score_before)
    expect(winner.locator("#standings")).to_be_visible()
    expect(winner.locator("#join")).to_be_hidden()
    screenshot(winner, f"live-phone{winner_index + 1}-resumed")
    winner_row = host.locator("#host-players li", has_text=PLAYERS[winner_index][1])
    expect(winner_row).to_have_class(re.compile(r"\bonline\b"))  # back after the reload

    # --- question 2 is a judge question (正确/错误); only the leader answers it, so the podium stays known
    click_action(host, "next")
    for phone in phones:
        expect(phone.locator("#q-number")).to_have_text(re.compile(r"第 2 / \d+ 题"))
    expect(winner.locator("#q-meta")).to_contain_text("判断题")
    expect(winner.locator("#q-options button.option")).to_have_text(["✓正确", "✗错误"])
    expect(board.locator("#bq-options li")).to_have_count(2)
    winner.locator("#q-options button.option", has_text="正确").click()
    expect(winner.locator("#q-status")).to_have_text("已提交")
    screenshot(winner, f"live-phone{winner_index + 1}-judge")
    click_action(host, "close")
    click_action(host, "reveal")
    judged = board.locator("#br-bars li.right .text").inner_text()
    assert judged in ("正确", "错误")
    expect(winner.locator("#r-verdict")).to_have_text("回答正确" if judged == "正确" else "回答错误")
    expect(phones[1 - winner_index].locator("#r-verdict")).to_have_text("未作答")
    expect(board.locator("#br-bars li.right .bar-count")).to_have_text("1 人" if judged == "正确" else "0 人")
    screenshot(board, "live-board-reveal-judge")

    # --- finish: the podium on the board, the final screen on the phones
    click_action(host, "finish")
    expect(host.locator("#host-phase")).to_have_text("竞赛已结束")
    expect(board.locator("#b-finished")).to_be_visible()
    # a place goes to a total above 0 only (docs/contests.md); the two players are of two centers
    placed = winners(phones)
    expect(board.locator("#bf-people li[class^=place-]")).to_have_count(placed)
    expect(board.locator("#bf-centers li[class^=place-]")).to_have_count(placed)
    if right_keys in (["A"], ["B"]):
        expect(board.locator("#bf-people li.place-1 .p-name")).to_have_text(PLAYERS[winner_index][1])
    for phone in phones:
        expect(phone.locator("#finished")).to_be_visible()
        expect(phone.locator("#f-mine")).to_contain_text("总分")
    for button in ("next", "close", "reveal", "finish"):
        expect(host.locator(f"button[data-action={button}]")).to_be_disabled()
    screenshot(board, "live-board-podium")
    screenshot(phones[0], "live-phone1-finished")
    screenshot(host, "live-host-finished")

    # No script errors and no Content-Security-Policy violations on any page; no server tracebacks.
    assert pages.errors == []
    log = "\n".join(p.read_text(errors="replace") for p in Path(contest_server.folder).glob("server-*.log"))
    assert "Traceback" not in log, log
    assert time.monotonic() - started < 90


# Contest 2: examples/contests/government.yaml (group government): 8 mandatory questions (single,
# multiple and fill-in), then 3 buzzer and 2 risk questions.
GOV_ID, GOV_CODE, GOV_TOTAL = 2, "PTG3LIVE", 13
GOV_PLAYERS = [("PTG0101", "杜明"), ("PTG0201", "姚涛宇")]


def answer_anything(phone: Page) -> str:
    """Answer the open question with whatever control it has; return its type as the phone names it."""
    meta = phone.locator("#q-meta").inner_text()
    options = phone.locator("#q-options")
    kind = next((k for k in ("单选题", "多选题", "判断题", "填空题") if k in meta), "")
    if kind == "填空题":
        options.locator("input.fill-input").fill("一网通办")
        options.locator("button.big").click()
    elif kind == "多选题":
        options.locator("button.option").nth(0).click()
        options.locator("button.option").nth(1).click()
        expect(options.locator("button.big")).to_have_text("提交（已选 2 项）")
        options.locator("button.big").click()
    else:
        options.locator("button.option").first.click()
    expect(phone.locator("#q-status")).to_have_text("已提交")
    return kind


def test_question_types_pause_buzzer_and_risk_rounds(pages: Pages, contest_server: SimpleNamespace, screenshot):
    started = time.monotonic()
    password = (Path(contest_server.folder) / "instance" / "demo-admin-password").read_text().strip()
    host = pages.open("host", "/login", viewport={"width": 1366, "height": 768})
    sign_in(host, password)
    host.goto(f"/host/{GOV_ID}")
    expect(host.locator("#host-phase")).to_have_text("等待出题")
    board = pages.open(
        "board", host.locator("#board-link").get_attribute("href"), viewport={"width": 1920, "height": 1080}
    )
    expect(board.locator("#lobby")).to_be_visible()

    phones = []
    for number, (staff_id, name) in enumerate(GOV_PLAYERS, start=1):
        phone = pages.open(f"phone{number}", f"/play/{GOV_CODE}", **PHONE)
        join(phone, staff_id, name)
        expect(phone.locator("#me-name")).to_have_text(name)
        phones.append(phone)
    first, second = phones

    def open_question(number: int) -> None:
        click_action(host, "next")
        for phone in phones:
            expect(phone.locator("#q-number")).to_have_text(f"第 {number} / {GOV_TOTAL} 题")
        expect(board.locator("#bq-number")).to_have_text(f"第 {number} / {GOV_TOTAL} 题")
        if number == 1:  # the get-ready seconds: the stem and a big count, no options anywhere yet
            expect(first.locator("#q-options .ready-panel")).to_be_visible()
            expect(first.locator("#q-timer")).to_have_text(re.compile(r"^准备 \d 秒$"))
            assert first.locator("#q-options button").count() == 0
            expect(board.locator("#bq-note")).to_have_text("准备")
            expect(host.locator("#hq-timer")).to_contain_text("准备")
            screenshot(first, "live-phone1-get-ready")
            screenshot(board, "live-board-get-ready")
        for phone in phones:  # then the options, on every phone
            expect(phone.locator("#q-options .ready-panel")).to_have_count(0, timeout=8000)

    def close_and_reveal() -> None:
        click_action(host, "close")
        click_action(host, "reveal")
        for phone in phones:
            expect(phone.locator("#r-verdict")).to_have_text(
                re.compile(r"^(回答正确|回答错误|未作答|本题无人抢答|本题由 .+抢答)$")
            )
        expect(board.locator("#b-reveal")).to_be_visible()

    # --- round 1: one question of every type; the first one is paused and resumed
    kinds = set()
    for number in range(1, 9):
        open_question(number)
        if number == 1:
            click_action(host, "pause")
            expect(first.locator("#q-timer")).to_have_text(re.compile(r"^暂停 \d+ 秒$"))
            expect(first.locator("#q-status")).to_have_text("主持人已暂停计时")
            expect(board.locator("#bq-note")).to_have_text("计时暂停")
            expect(host.locator("#host-phase")).to_have_text("答题中（已暂停）")
            frozen = first.locator("#q-timer").inner_text()
            first.wait_for_timeout(1200)
            assert first.locator("#q-timer").inner_text() == frozen, "the countdown is frozen while paused"
            screenshot(first, "live-phone1-paused")
            screenshot(board, "live-board-paused")
            click_action(host, "resume")
            expect(first.locator("#q-timer")).to_have_text(re.compile(r"^剩余 \d+ 秒$"))
            expect(board.locator("#bq-note")).to_have_text("")
        kind = answer_anything(first)
        if kind not in kinds:
            kinds.add(kind)
            screenshot(first, "live-phone1-" + {"单选题": "single", "多选题": "multiple", "填空题": "fill"}[kind])
        close_and_reveal()
        expect(second.locator("#r-verdict")).to_have_text("未作答")
    assert kinds == {"单选题", "多选题", "填空题"}  # judge questions: see the test above
    screenshot(first, "live-phone1-reveal-last-mandatory")

    # --- round 2 (buzzer): announced between questions; pressing before the open is a false start
    expect(first.locator("#upcoming")).to_contain_text("抢答题")
    first.locator("#upcoming button.buzzer").click()
    expect(first.locator("#upcoming")).to_contain_text("抢答过早（题目尚未开放）")
    screenshot(first, "live-phone1-false-start")
    open_question(9)
    expect(first.locator("#q-options button.option").first).to_be_disabled()  # nobody may answer before buzzing
    second.locator("#q-extra button.buzzer").click()
    expect(second.locator("#q-extra")).to_contain_text("您抢到了答题权")
    expect(first.locator("#q-extra")).to_contain_text(f"{GOV_PLAYERS[1][1]}（")
    expect(first.locator("#q-extra")).to_contain_text("抢到答题权")
    expect(first.locator("#q-options button.option").first).to_be_disabled()
    expect(board.locator("#bq-buzz")).to_contain_text(f"{GOV_PLAYERS[1][1]}（")
    expect(host.locator("#hq-buzz")).to_contain_text(GOV_PLAYERS[1][1])
    screenshot(second, "live-phone2-buzzer-won")
    screenshot(first, "live-phone1-buzzer-lost")
    screenshot(board, "live-board-buzzer")
    answer_anything(second)
    close_and_reveal()
    expect(first.locator("#r-verdict")).to_have_text(re.compile(f"^本题由 {GOV_PLAYERS[1][1]}（.+）抢答$"))
    expect(board.locator("#br-summary")).to_contain_text(f"抢答：{GOV_PLAYERS[1][1]}")
    for number in (10, 11):
        open_question(number)
        close_and_reveal()

    # --- round 3 (risk): the stake is chosen before the question opens
    expect(first.locator("#upcoming")).to_contain_text("风险题")
    first.locator("#upcoming button.stake", has_text="30 分").click()
    expect(first.locator("#upcoming")).to_contain_text("已选择本题分值 30 分")
    expect(first.locator("#upcoming button.stake.chosen")).to_have_text("30 分")
    screenshot(first, "live-phone1-stake")
    open_question(12)
    expect(first.locator("#q-meta")).to_contain_text("分值 30 分")
    expect(first.locator("#upcoming")).to_be_hidden()
    answer_anything(first)
    screenshot(first, "live-phone1-risk-question")
    close_and_reveal()
    expect(first.locator("#r-figures")).to_contain_text(re.compile(r"本题得分\s*(\+30|-30)"))
    verdict = first.locator("#r-verdict").inner_text()
    points = "+30" if verdict == "回答正确" else "-30"
    expect(first.locator("#r-figures")).to_contain_text(points)
    screenshot(first, "live-phone1-risk-reveal")
    screenshot(board, "live-board-reveal-1080p")

    click_action(host, "finish")
    expect(board.locator("#b-finished")).to_be_visible()
    expect(board.locator("#bf-people li[class^=place-]")).to_have_count(winners(phones))
    for phone in phones:
        expect(phone.locator("#finished")).to_be_visible()
    screenshot(board, "live-board-podium-1080p")

    assert pages.errors == []
    log = "\n".join(p.read_text(errors="replace") for p in Path(contest_server.folder).glob("server-*.log"))
    assert "Traceback" not in log, log
    assert time.monotonic() - started < 120
