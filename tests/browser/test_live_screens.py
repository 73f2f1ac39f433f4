"""What a user trips over on the live screens (issue 13), in real Chromium: the risk stake, the buzzer's states,
a long reveal on the projector, the reveal of multiple-choice and fill-in questions.

The module's own `quizengine serve` has the demo seed plus tests/browser/fixtures: a test bank and two
contests of group market (PTUXRISK: a long question, a risk one, a buzzer one; PTUXSHOW: multiple choice,
fill-in, the long question). Screenshots go to test-artifacts/screens-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.pages import WAIT_MS, Pages
from tests.browser.test_live_contest import PHONE, click_action, join, sign_in
from tests.live import run_command, seeded, serving

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
BOARD = {"viewport": {"width": 1920, "height": 1080}}
HOST = {"viewport": {"width": 1366, "height": 768}}
# Group market in examples/roster.yaml.
PLAYERS = [("PTM0101", "万杰", "长寿路市场监督管理所"), ("PTM0201", "邓梓", "曹家渡市场监督管理所")]

expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A seeded `quizengine serve` with the test bank and the two test contests imported and open."""
    folder = tmp_path_factory.mktemp("live_screens")
    env = seeded(folder)
    run_command(env, "bank", "import", str(FIXTURES / "ux-bank.yaml"))
    run_command(
        env, "contest", "import", str(FIXTURES / "ux-contests.yaml"), str(FIXTURES / "ux-reveals.yaml"), "--open"
    )
    listing = run_command(env, "contest", "list").stdout
    ids = {code: int(number) for number, code in re.findall(r"^\s*(\d+)\s+(\S+)", listing, re.MULTILINE)}
    password = (folder / "instance" / "demo-admin-password").read_text().strip()
    with serving(folder, env) as url:
        yield SimpleNamespace(url=url, folder=folder, ids=ids, password=password)


@pytest.fixture
def pages(browser: Browser, server: SimpleNamespace) -> Iterator[Pages]:
    opened = Pages(browser, server.url)
    yield opened
    opened.close()


def console_and_board(pages: Pages, server: SimpleNamespace, code: str) -> tuple[Page, Page]:
    host = pages.open("host", "/login", **HOST)
    sign_in(host, server.password)
    host.goto(f"/host/{server.ids[code]}")
    expect(host.locator("#host-phase")).to_have_text("等待出题")
    board = pages.open("board", host.locator("#board-link").get_attribute("href"), **BOARD)
    expect(board.locator("#lobby")).to_be_visible()
    # the QR code holds http://127.0.0.1:…/play/…: the board says phones cannot open it
    expect(board.locator("#lobby .join-url")).to_contain_text("http://127.0.0.1:")
    expect(board.locator("#qr-warning")).to_be_visible()
    expect(board.locator("#qr-warning")).to_contain_text("QUIZ_PUBLIC_URL")
    expect(host.locator("#qr-warning")).to_be_visible()
    return host, board


def phones_joined(pages: Pages, code: str) -> list[Page]:
    phones = []
    for number, (staff_id, name, _) in enumerate(PLAYERS, start=1):
        phone = pages.open(f"phone{number}", f"/play/{code}", **PHONE)
        join(phone, staff_id, name)
        expect(phone.locator("#me-name")).to_have_text(name)
        phones.append(phone)
    return phones


def in_viewport(page: Page, selector: str) -> bool:
    """Whether the element lies wholly inside the viewport as the page is now (no scrolling)."""
    return page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"
    )


def test_risk_stake_comes_first_and_the_buzzer_has_three_states(pages: Pages, server: SimpleNamespace, screenshot):
    host, board = console_and_board(pages, server, "PTUXRISK")
    first, second = phones_joined(pages, "PTUXRISK")

    # --- question 1 (five long options, a long explanation and source): its reveal is taller than the phone
    click_action(host, "next")
    first.locator("#q-options button.option[data-key=B]").click()
    expect(first.locator("#q-status")).to_have_text("已提交")
    click_action(host, "close")
    click_action(host, "reveal")
    expect(first.locator("#r-verdict")).to_have_text("回答正确")
    assert first.evaluate("document.documentElement.scrollHeight") > PHONE["viewport"]["height"]

    # --- the next question is a risk one: choosing the stake is at the top, in view without scrolling
    panel = first.locator("#upcoming")
    expect(panel).to_be_visible()
    expect(panel.locator("h2")).to_have_text("请选择本题分值")
    expect(panel).to_contain_text("不选按最低 10 分计")
    assert first.evaluate("window.scrollY") == 0
    assert in_viewport(first, "#upcoming .stakes")
    for stake in ("10 分", "20 分", "30 分"):
        assert in_viewport(first, f"#upcoming button.stake:text-is('{stake}')")
    expect(board.locator("#b-next")).to_contain_text("下一题：风险题")
    screenshot(first, "screens-phone-risk-stake")
    panel.locator("button.stake", has_text="20 分").click()
    expect(panel).to_contain_text("已选择本题分值 20 分")
    expect(panel).to_have_attribute("data-state", "chosen")

    # --- the risk question: the stake chosen, or the lowest one for the phone that chose none
    click_action(host, "next")
    expect(first.locator("#q-meta")).to_contain_text("分值 20 分")
    expect(second.locator("#q-meta")).to_contain_text("不选按最低 10 分计")
    expect(first.locator("#upcoming")).to_be_hidden()
    first.locator("#q-options button.option[data-key=A]").click()
    expect(first.locator("#q-status")).to_have_text("已提交")
    click_action(host, "close")
    click_action(host, "reveal")
    expect(first.locator("#r-figures")).to_contain_text("+20")

    # --- buzzer, state 1 "wait": not the red button, and the board says to wait
    for phone in (first, second):
        wait = phone.locator("#upcoming")
        expect(wait).to_have_attribute("data-state", "wait")
        expect(wait.locator("button.buzzer")).to_have_text("等待题目出现")
        expect(wait.locator("button.buzzer")).not_to_have_class(re.compile(r"\blive\b"))
        assert in_viewport(phone, "#upcoming button.buzzer")
    waiting_colour = first.locator("#upcoming button.buzzer").evaluate("e => getComputedStyle(e).backgroundImage")
    assert "gradient" not in waiting_colour
    expect(board.locator("#b-next")).to_contain_text("下一题：抢答题")
    expect(board.locator("#b-next")).to_contain_text("请等待题目出现")
    screenshot(first, "screens-phone-buzzer-wait")
    first.locator("#upcoming button.buzzer").click()
    expect(first.locator("#upcoming")).to_contain_text("抢答过早（题目尚未开放）")

    # --- state 2 "press now": the red, pulsing 抢答 on every phone, 请抢答！ large on the board
    click_action(host, "next")
    for phone in (first, second):
        expect(phone.locator("#q-extra")).to_have_attribute("data-state", "open")
        expect(phone.locator("#q-extra button.buzzer.live")).to_have_text("抢答")
        expect(phone.locator("#q-extra button.buzzer.live")).to_be_enabled()
    expect(board.locator("#bq-buzz")).to_have_attribute("data-state", "open")
    expect(board.locator("#bq-buzz")).to_have_text("请抢答！")
    expect(board.locator("#b-next")).to_be_hidden()
    screenshot(first, "screens-phone-buzzer-open")
    screenshot(board, "screens-board-buzzer-open")

    # --- state 3 "someone else has it": the winner's name, large, on the other phone and the board
    winner, center = PLAYERS[1][1], PLAYERS[1][2]
    second.locator("#q-extra button.buzzer.live").click()
    expect(second.locator("#q-extra")).to_have_attribute("data-state", "mine")
    expect(second.locator("#q-extra")).to_contain_text("您抢到了答题权")
    expect(first.locator("#q-extra")).to_have_attribute("data-state", "taken")
    expect(first.locator("#q-extra")).to_contain_text(f"{winner}（{center}）已抢到答题权")
    expect(first.locator("#q-extra button.buzzer")).to_have_count(0)
    expect(board.locator("#bq-buzz")).to_have_attribute("data-state", "taken")
    expect(board.locator("#bq-buzz")).to_have_text(f"{winner}（{center}）抢到答题权")
    size = board.locator("#bq-buzz").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 48, f"the winner is shown large on the board, not as small text ({size}px)"
    screenshot(first, "screens-phone-buzzer-taken")
    screenshot(board, "screens-board-buzzer-taken")

    # --- the reveal: the phone that lost the buzz says who had the question, not 未作答
    second.locator("#q-options button.option", has_text="错误").click()  # wrong: -20
    expect(second.locator("#q-status")).to_have_text("已提交")
    click_action(host, "close")
    click_action(host, "reveal")
    expect(second.locator("#r-verdict")).to_have_text("回答错误")
    expect(first.locator("#r-verdict")).to_have_text(f"本题由 {winner}（{center}）抢答")
    screenshot(first, "screens-phone-buzzer-reveal")

    # --- standings: the real scores (30, -20); the centers nobody joined from have no rank
    click_action(host, "leaderboard")
    expect(board.locator("#bl-people .pts")).to_have_text(["30", "-20"])
    ranks = board.locator("#bl-centers .rank")
    expect(ranks).to_have_count(10)  # every center of group market
    expect(ranks).to_have_text(["1", "2"] + ["—"] * 8)

    # --- the podium: only who won a place (score above 0; a center someone joined from)
    click_action(host, "finish")
    expect(board.locator("#bf-people li")).to_have_count(1)
    expect(board.locator("#bf-people li.place-1 .p-name")).to_have_text(PLAYERS[0][1])
    expect(board.locator("#bf-centers li")).to_have_count(1)
    expect(board.locator("#bf-centers li.place-1 .p-name")).to_have_text(PLAYERS[0][2])
    for phone in (first, second):
        expect(phone.locator("#f-people li")).to_have_count(1)
        expect(phone.locator("#f-centers li")).to_have_count(1)
    expect(second.locator("#f-mine")).to_contain_text("-20")
    screenshot(board, "screens-board-podium")
    second.reload()  # the podium again from the snapshot
    expect(second.locator("#finished")).to_be_visible()
    expect(second.locator("#f-people li")).to_have_count(1)
    expect(second.locator("#f-people")).to_contain_text(PLAYERS[0][1])
    assert pages.errors == []


def option_marks(phone: Page) -> dict[str, list[str]]:
    """The reveal's marks per option key on a phone: {"A": ["正确答案", "您的选择"], ...}."""
    return phone.locator("#r-options .option").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.querySelector('.key').textContent,"
        " Array.from(e.querySelectorAll('.mark span')).map(s => s.textContent)]))"
    )


def test_reveals_of_multiple_choice_and_fill_in_and_the_paused_board(pages: Pages, server: SimpleNamespace, screenshot):
    host, board = console_and_board(pages, server, "PTUXSHOW")
    first, second = phones_joined(pages, "PTUXSHOW")

    # --- multiple choice (A and C are right), paused first: the board says 已暂停, not 答题中
    click_action(host, "next")
    expect(board.locator("#b-phase")).to_have_text("答题中")
    click_action(host, "pause")
    expect(board.locator("#b-phase")).to_have_text("答题中（已暂停）")
    screenshot(board, "screens-board-paused")
    click_action(host, "resume")
    expect(board.locator("#b-phase")).to_have_text("答题中")
    for phone, picks in ((first, "AC"), (second, "AB")):
        for key in picks:
            phone.locator(f"#q-options button.option[data-key={key}]").click()
        phone.locator("#q-options button.big").click()
        expect(phone.locator("#q-status")).to_have_text("已提交")
    click_action(host, "close")
    click_action(host, "reveal")
    expect(first.locator("#r-verdict")).to_have_text("回答正确")
    # every option picked says 您的选择, the right ones too
    assert option_marks(first) == {"A": ["正确答案", "您的选择"], "B": [], "C": ["正确答案", "您的选择"], "D": []}
    assert option_marks(second) == {"A": ["正确答案", "您的选择"], "B": ["您的选择"], "C": ["正确答案"], "D": []}
    expect(second.locator("#r-options .option[class*=wrong] .key")).to_have_text(["B"])
    screenshot(second, "screens-phone-multiple-reveal")

    # --- fill-in: what people typed, counted, once the question is closed (not before)
    click_action(host, "next")
    for phone, typed in ((first, "“一网通办”"), (second, "一门式")):
        phone.locator("#q-options input.fill-input").fill(typed)
        phone.locator("#q-options button.big").click()
        expect(phone.locator("#q-status")).to_have_text("已提交")
    third = pages.open("phone3", "/play/PTUXSHOW", **PHONE)
    join(third, "PTM0301", "吕丽芳")
    expect(third.locator("#q-options input.fill-input")).to_be_visible()
    third.locator("#q-options input.fill-input").fill("一网通办")
    third.locator("#q-options button.big").click()
    expect(third.locator("#q-status")).to_have_text("已提交")
    click_action(host, "close")
    expect(board.locator("#b-question")).not_to_contain_text("一门式")
    expect(first.locator("#question")).not_to_contain_text("一门式")
    click_action(host, "reveal")
    bars = board.locator("#br-bars li")
    expect(bars).to_have_count(2)
    expect(bars.nth(0)).to_have_class(re.compile(r"\bright\b"))
    expect(bars.nth(0).locator(".text")).to_have_text(re.compile("^“?一网通办”?$"))  # one answer, spelled two ways
    expect(bars.nth(0).locator(".bar-count")).to_have_text("2 人")
    expect(bars.nth(1).locator(".text")).to_have_text("一门式")
    expect(bars.nth(1).locator(".bar-count")).to_have_text("1 人")
    expect(host.locator("#hr-bars li")).to_have_count(2)
    typed = second.locator("#r-options")
    expect(typed).to_contain_text("大家的答案")
    expect(typed.locator(".option.typed")).to_have_count(2)
    expect(typed.locator(".option.typed.right")).to_contain_text("2 人 · 正确")
    expect(typed.locator(".option.typed:not(.right)")).to_contain_text("一门式")
    # the policy's dates with the key, on the projector and the phones
    expect(board.locator("#br-details")).to_contain_text("政策有效期2021-01-01 至 2099-12-31")
    screenshot(second, "screens-phone-fill-reveal")
    screenshot(board, "screens-board-fill-reveal")

    # --- five long options, a long explanation and a long source: the reveal's last line is on the projector
    click_action(host, "next")
    first.locator("#q-options button.option[data-key=B]").click()
    expect(first.locator("#q-status")).to_have_text("已提交")
    click_action(host, "close")
    click_action(host, "reveal")
    expect(board.locator("#br-bars li")).to_have_count(5)
    last = board.locator("#br-details dd").last
    expect(last).to_contain_text("（最后一行）")
    fits = last.evaluate(
        """e => {
          const reveal = document.getElementById('b-reveal');
          const box = e.getBoundingClientRect(), area = reveal.getBoundingClientRect();
          const scrolls = getComputedStyle(reveal).overflowY === 'auto' && reveal.scrollHeight > reveal.clientHeight;
          return {inView: box.bottom <= Math.min(innerHeight, area.bottom) + 1, scrolls: scrolls,
                  font: parseFloat(getComputedStyle(e).fontSize)};
        }"""
    )
    assert fits["inView"] or fits["scrolls"], fits
    assert fits["font"] >= 16, f"still readable from the back of the hall: {fits}"
    # the options are shown whole, not cut off with an ellipsis
    for text in board.locator("#br-bars .bar-label .text").all():
        assert text.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), text.inner_text()
    screenshot(board, "screens-board-long-reveal")
    assert pages.errors == []
