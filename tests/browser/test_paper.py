"""A self-paced paper (笔试) on a phone in real Chromium: sign in, start, answer, reload, second phone, submit.

The module runs its own `quizengine serve` (seeded by `quizengine demo --seed-only`, which
imports and opens the sample papers PTEXAM and PTQUIZ), so its attempts never meet those of
the other browser modules. Screenshots of every step go to test-artifacts/paper-*.png.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.pages import WAIT_MS, Pages
from tests.conftest import REPO
from tests.live import seeded, serving

pytestmark = pytest.mark.browser

# examples/contests/written_test.yaml: 10 single x 2, 5 multiple x 4, 5 judge x 2 points; one at a time.
EXAM, EXAM_TOTAL, EXAM_POINTS = "PTEXAM", 20, 50
# examples/contests/weekly_quiz.yaml: 5 single, 3 judge, 2 fill-in on one scrolling page; results after the close.
QUIZ, QUIZ_TOTAL = "PTQUIZ", 10
COMMUNITY = ("PTC0101", "何娜刚")  # examples/roster.yaml, group community
MARKET = ("PTM0101", "万杰")  # group market
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",  # the papers' windows are written in Shanghai time
}
SAVED = "答案已保存到服务器"
ARTIFACTS = REPO / "test-artifacts"  # where the `screenshot` fixture writes
TIMER = re.compile(r"^剩余 (\d+):(\d\d)$")

expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def paper_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A seeded `quizengine serve` (eventlet) of this module's own, with its instance folder."""
    folder = tmp_path_factory.mktemp("paper")
    env = seeded(folder)
    with serving(folder, env) as base_url:
        yield SimpleNamespace(url=base_url, folder=folder)


@pytest.fixture
def phones(browser: Browser, paper_server: SimpleNamespace) -> Iterator[Pages]:
    opened = Pages(browser, paper_server.url, **PHONE)
    yield opened
    opened.close()


def sign_in(page: Page, code: str, staff_id: str, name: str) -> None:
    """On the sign-in page the paper sent us to: sign in and land back on the paper."""
    expect(page).to_have_url(re.compile(rf"/learn/login\?next=/learn/paper/{code}$"))
    page.fill("input[name=staff_no]", staff_id)
    page.fill("input[name=name]", name)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/learn/paper/{code}$"))
    expect(page.locator(".play-head .me-name")).to_have_text(name)


def viewport_shot(page: Page, name: str) -> Path:
    """Like the `screenshot` fixture, but only the viewport: where a fixed dialog or a scrolled-to question is."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def top_shot(page: Page, screenshot, name: str) -> Path:
    """The `screenshot` fixture's full page, taken from the top (so the sticky timer bar sits where it belongs)."""
    page.evaluate("window.scrollTo(0, 0)")
    return screenshot(page, name)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def remaining_seconds(page: Page) -> int:
    match = TIMER.match(page.locator("#timer").inner_text())
    assert match, page.locator("#timer").inner_text()
    return int(match[1]) * 60 + int(match[2])


def server_paper(page: Page, code: str) -> dict:
    """The paper state as the server keeps it (the page's own API, with the page's cookies)."""
    data = page.request.get(f"/learn/api/paper/{code}").json()
    assert data["ok"], data
    return data


def wait_saved(page: Page) -> None:
    """Every answer acknowledged by the server: the status says so and no navigator cell is pending."""
    expect(page.locator("#save-state")).to_have_text(SAVED)
    expect(page.locator("#save-state")).not_to_have_class(re.compile(r"\bpending\b"))
    expect(page.locator("#navigator .nav-cell.unsaved")).to_have_count(0)


def tap_and_save(page: Page, option) -> None:
    """Tap an answer and wait for the server's acknowledgement of that save."""
    with page.expect_response(lambda r: r.url.endswith("/save") and r.request.method == "POST") as saved:
        option.click()
    assert saved.value.json()["ok"], saved.value.json()


def shown_question(page: Page) -> SimpleNamespace:
    """The question on screen (single layout): number, kind, stem, option texts and the chosen ones."""
    item = page.locator("#items .paper-item")
    expect(item).to_have_count(1)
    meta = item.locator(".q-meta").inner_text()
    number = int(re.search(r"第 (\d+) 题", meta)[1])
    options = item.locator("button.option")
    return SimpleNamespace(
        number=number,
        kind=next(k for k in ("单选", "多选", "判断", "填空") if k in meta),
        stem=item.locator(".stem").inner_text(),
        options=options.locator(".text").all_inner_texts(),
        chosen=item.locator("button.option.chosen .key").all_inner_texts(),
    )


def walk(page: Page) -> list[SimpleNamespace]:
    """Every question of a single-layout paper, from 1 to the end with 下一题."""
    page.locator("#navigator .nav-cell", has_text=re.compile(r"^1$")).click()
    expect(page.locator("#prev")).to_be_disabled()
    seen = []
    for number in range(1, EXAM_TOTAL + 1):
        expect(page.locator("#items .q-meta strong")).to_have_text(f"第 {number} 题")
        expect(page.locator("#navigator .nav-cell.current")).to_have_text(str(number))
        seen.append(shown_question(page))
        if number < EXAM_TOTAL:
            page.locator("#next").click()
    expect(page.locator("#next")).to_be_disabled()
    return seen


def nav_cell(page: Page, number: int):
    return page.locator("#navigator .nav-cell").nth(number - 1)


def go_to(page: Page, number: int) -> None:
    nav_cell(page, number).click()
    expect(page.locator("#items .q-meta strong")).to_have_text(f"第 {number} 题")


def test_single_layout_paper_through_reload_second_phone_and_submit(
    phones: Pages, paper_server: SimpleNamespace, screenshot
):
    started = time.monotonic()

    # --- 1. signed out: the paper sends the phone to sign in, then back to the paper's overview
    page = phones.open("phone1", f"/learn/paper/{EXAM}")
    expect(page.locator("input[name=staff_no]")).to_be_visible()
    screenshot(page, "paper-sign-in")
    sign_in(page, EXAM, *COMMUNITY)
    overview = page.locator("#overview")
    expect(overview).to_be_visible()
    expect(page.locator("#sitting")).to_be_hidden()
    facts = page.locator("#facts")
    expect(facts.locator("dt")).to_have_text(["开放时间", "个人限时", "试卷结构", "作答次数", "成绩公布"])
    expect(facts.locator("dd").nth(0)).to_have_text("2026-08-15 09:00 — 2027-12-31 18:00（开放中）")
    expect(facts.locator("dd").nth(1)).to_have_text("20 分钟，开始后不能暂停")
    expect(facts.locator("dd").nth(2)).to_have_text(
        "一、单项选择题 10 题 × 2 分；二、多项选择题 5 题 × 4 分；三、判断题 5 题 × 2 分"
    )
    expect(facts.locator("dd").nth(3)).to_have_text("1 次")
    expect(facts.locator("dd").nth(4)).to_have_text("交卷后立即显示")
    expect(page.locator("#attempts li")).to_have_count(0)
    expect(page.locator("#review")).to_be_hidden()
    expect(page.locator("#start")).to_have_text("开始作答")
    assert no_horizontal_scroll(page)
    screenshot(page, "paper-exam-overview")

    # --- 2. start: the in-page dialog; cancelling first changes nothing
    page.locator("#start").click()
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-text")).to_contain_text("开始后计时 20 分钟")
    viewport_shot(page, "paper-exam-start-dialog")
    page.locator("#confirm-no").click()
    expect(page.locator("#confirm")).to_be_hidden()
    expect(overview).to_be_visible()
    page.locator("#start").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#confirm")).to_be_hidden()
    expect(page.locator("#sitting")).to_be_visible()
    expect(overview).to_be_hidden()
    expect(page.locator("#timer")).to_have_text(TIMER)
    assert 19 * 60 <= remaining_seconds(page) <= 20 * 60
    expect(page.locator("#navigator .nav-cell")).to_have_count(EXAM_TOTAL)
    expect(page.locator("#navigator .nav-cell.unanswered")).to_have_count(EXAM_TOTAL)
    expect(page.locator("#progress")).to_have_text(f"已答 0 / {EXAM_TOTAL}")
    expect(page.locator("#save-state")).to_have_text(SAVED)
    expect(page.locator("#pager")).to_be_visible()
    first = shown_question(page)
    assert (first.number, first.kind, first.chosen) == (1, "单选", [])
    assert len(first.options) >= 2
    expect(nav_cell(page, 1)).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#prev")).to_be_disabled()

    # a single-choice question: tap B; the navigator and the progress follow, the server acknowledges
    option_b = page.locator("#items button.option").nth(1)
    tap_and_save(page, option_b)
    expect(page.locator("#items button.option").nth(1)).to_have_class(re.compile(r"\bchosen\b"))
    expect(page.locator("#items button.option").nth(1)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#items button.option.chosen")).to_have_count(1)
    wait_saved(page)
    expect(page.locator("#progress")).to_have_text(f"已答 1 / {EXAM_TOTAL}")
    expect(nav_cell(page, 1)).to_have_class(re.compile(r"\banswered\b"))
    expect(nav_cell(page, 1)).to_have_attribute("aria-label", "第1题（已答）")
    screenshot(page, "paper-exam-single")

    # 下一题 / 上一题: question 2 is blank, question 1 still shows B
    page.locator("#next").click()
    expect(page.locator("#items .q-meta strong")).to_have_text("第 2 题")
    expect(page.locator("#items button.option.chosen")).to_have_count(0)
    expect(page.locator("#prev")).to_be_enabled()
    expect(nav_cell(page, 2)).to_have_class(re.compile(r"\bcurrent\b"))
    page.locator("#prev").click()
    expect(page.locator("#items .q-meta strong")).to_have_text("第 1 题")
    expect(page.locator("#items button.option.chosen .key")).to_have_text("B")

    # the navigator: question 11 is the first multiple-choice question; tap A and C
    go_to(page, 11)
    multiple = shown_question(page)
    assert multiple.kind == "多选"
    expect(page.locator("#items .q-meta")).to_contain_text("（可多选）")
    tap_and_save(page, page.locator("#items button.option").nth(0))
    tap_and_save(page, page.locator("#items button.option").nth(2))
    expect(page.locator("#items button.option.chosen .key")).to_have_text(["A", "C"])
    wait_saved(page)
    expect(page.locator("#progress")).to_have_text(f"已答 2 / {EXAM_TOTAL}")
    screenshot(page, "paper-exam-multiple")

    # question 16 is the first judge question: 正确
    go_to(page, 16)
    assert shown_question(page).kind == "判断"
    expect(page.locator("#items button.option .text")).to_have_text(["正确", "错误"])
    tap_and_save(page, page.locator("#items button.option", has_text="正确"))
    expect(page.locator("#items button.option.chosen .text")).to_have_text("正确")
    wait_saved(page)

    # and question 20 (a judge question too): 错误
    go_to(page, 20)
    expect(page.locator("#next")).to_be_disabled()
    tap_and_save(page, page.locator("#items button.option", has_text="错误"))
    wait_saved(page)
    expect(page.locator("#progress")).to_have_text(f"已答 4 / {EXAM_TOTAL}")
    answered = [1, 11, 16, 20]
    for number in range(1, EXAM_TOTAL + 1):
        mark = "answered" if number in answered else "unanswered"
        expect(nav_cell(page, number)).to_have_class(re.compile(rf"\b{mark}\b"))
    expect(page.locator("#navigator .nav-cell.answered")).to_have_count(len(answered))
    assert no_horizontal_scroll(page)
    screenshot(page, "paper-exam-answered")
    page.set_viewport_size({"width": 360, "height": 780})  # a small phone still fits
    assert no_horizontal_scroll(page)
    page.set_viewport_size(PHONE["viewport"])

    # the server holds exactly these answers
    stored = {item["position"]: item["response"] for item in server_paper(page, EXAM)["current"]["items"]}
    assert [p for p, r in stored.items() if r is not None] == answered
    assert isinstance(stored[1], str)
    assert isinstance(stored[11], list) and len(stored[11]) == 2
    assert stored[16] is True and stored[20] is False

    # every question in order, with its options as shown and what is chosen
    before = walk(page)
    assert [q.kind for q in before] == ["单选"] * 10 + ["多选"] * 5 + ["判断"] * 5
    assert {q.number: q.chosen for q in before if q.chosen} == {1: ["B"], 11: ["A", "C"], 16: ["√"], 20: ["×"]}
    attempt = server_paper(page, EXAM)["current"]
    left_before = remaining_seconds(page)

    # --- 3. reload: the same attempt resumes at the first blank question; the clock runs on
    page.reload()
    expect(page.locator("#sitting")).to_be_visible()
    expect(page.locator("#timer")).to_have_text(TIMER)
    left_after = remaining_seconds(page)
    assert left_after <= left_before + 1, (left_before, left_after)  # not reset to 20:00
    assert left_after >= left_before - 30
    expect(page.locator("#timer")).not_to_have_text("剩余 20:00")
    expect(page.locator("#progress")).to_have_text(f"已答 4 / {EXAM_TOTAL}")
    expect(page.locator("#items .q-meta strong")).to_have_text("第 2 题")
    expect(page.locator("#save-state")).to_have_text(SAVED)
    expect(page.locator("#navigator .nav-cell.answered")).to_have_count(len(answered))
    resumed = server_paper(page, EXAM)["current"]
    assert (resumed["number"], resumed["started_at"], resumed["deadline"]) == (
        attempt["number"],
        attempt["started_at"],
        attempt["deadline"],
    )
    screenshot(page, "paper-exam-resumed")
    after = walk(page)
    assert after == before  # same stems, same option order, same answers chosen

    # --- 4. another phone: sign in as the same person, the open attempt resumes there too
    other = phones.open("phone2", f"/learn/paper/{EXAM}")
    sign_in(other, EXAM, *COMMUNITY)
    expect(other.locator("#sitting")).to_be_visible()
    expect(other.locator("#progress")).to_have_text(f"已答 4 / {EXAM_TOTAL}")
    expect(other.locator("#navigator .nav-cell.answered")).to_have_count(len(answered))
    assert remaining_seconds(other) <= remaining_seconds(page) + 1
    assert walk(other) == before
    # the second phone answers question 2 (A, then B: two edits); the first phone has not reloaded
    go_to(other, 2)
    tap_and_save(other, other.locator("#items button.option").nth(0))
    tap_and_save(other, other.locator("#items button.option").nth(1))
    wait_saved(other)
    expect(other.locator("#items button.option.chosen .key")).to_have_text("B")
    expect(other.locator("#progress")).to_have_text(f"已答 5 / {EXAM_TOTAL}")
    screenshot(other, "paper-exam-second-phone")
    # then the person taps C on question 2 on the first phone (not reloaded, so it still shows no
    # answer there): the latest tap counts, whichever phone it came from
    go_to(page, 2)
    expect(page.locator("#items button.option.chosen")).to_have_count(0)
    tap_and_save(page, page.locator("#items button.option").nth(2))
    wait_saved(page)
    expect(page.locator("#items button.option.chosen .key")).to_have_text("C")
    expect(page.locator("#progress")).to_have_text(f"已答 5 / {EXAM_TOTAL}")
    second = server_paper(page, EXAM)["current"]["items"][1]
    assert (second["response"], second["revision"]) == (second["options"][2][0], 1)  # C, as shown
    answered = [1, 2, 11, 16, 20]

    # --- 5. submit: the dialog counts the blank questions; the review shows marks, keys and sources
    page.locator("#submit").click()
    unanswered = EXAM_TOTAL - len(answered)
    expect(page.locator("#confirm-text")).to_have_text(f"还有 {unanswered} 题未作答，交卷后不能修改。确定交卷吗？")
    viewport_shot(page, "paper-exam-submit-dialog")
    with page.expect_response(lambda r: r.url.endswith("/submit")) as handed_in:
        page.locator("#confirm-yes").click()
    assert handed_in.value.json()["ok"]
    expect(page.locator("#overview")).to_be_visible()
    expect(page.locator("#sitting")).to_be_hidden()
    expect(page.locator("#start")).to_be_hidden()
    expect(page.locator("#ov-status")).to_have_text("作答次数已用完")
    review = page.locator("#review")
    expect(review).to_be_visible()
    expect(page.locator("#review-title")).to_have_text("第 1 次作答成绩")
    expect(page.locator("#review-summary")).to_have_text(
        re.compile(rf"^得分 \d+ / {EXAM_POINTS} · 答对 \d+ 题 · 作答 {len(answered)} / {EXAM_TOTAL} 题$")
    )
    expect(page.locator("#attempts li")).to_have_text(
        re.compile(rf"^第 1 次：已交卷，答了 {len(answered)} / {EXAM_TOTAL} 题，得 \d+ / {EXAM_POINTS} 分$")
    )
    items = page.locator("#review-items .review-item")
    expect(items).to_have_count(EXAM_TOTAL)
    rows = items.evaluate_all(
        """nodes => nodes.map(node => {
            const text = selector => node.querySelector(selector).textContent;
            const details = {};
            node.querySelectorAll('.details dt').forEach(dt => {
                details[dt.textContent] = dt.nextElementSibling.textContent;
            });
            const mine = Array.from(node.querySelectorAll('li.option'))
                .filter(li => li.querySelector('.mark').textContent === '您的选择')
                .map(li => li.querySelector('.key').textContent);
            return {meta: text('.q-meta'), stem: text('.stem'), good: node.classList.contains('good'), details, mine};
        })"""
    )
    assert [row["stem"] for row in rows] == [q.stem for q in before]
    points = 0
    for number, row in enumerate(rows, start=1):
        meta = re.fullmatch(
            r"第 (\d+) 题 (单选|多选|判断) · (正确|部分正确|错误|未作答) · (\d+) / (\d+) 分", row["meta"]
        )
        assert meta, row["meta"]
        assert int(meta[1]) == number
        details = row["details"]
        assert details["正确答案"], row
        assert details.get("解析") and details.get("政策出处"), row
        mine = details["您的答案"]
        if number not in answered:
            assert (meta[3], mine, row["good"], meta[4]) == ("未作答", "（未作答）", False, "0")
            continue
        expected = {1: "B", 2: "C", 11: "A、C", 16: "正确", 20: "错误"}[number]
        assert mine == expected, row
        right = mine == details["正确答案"]
        assert row["good"] is right and (meta[3] == "正确") is right, row
        if number in (1, 2, 11):
            assert row["mine"] == expected.split("、")
        if meta[3] == "错误":
            assert meta[4] == "0"
        points += int(meta[4])
    summary = page.locator("#review-summary").inner_text()
    assert summary.startswith(f"得分 {points} / {EXAM_POINTS}")
    expect(items.first).to_contain_text("正确答案")
    expect(items.first).to_contain_text("解析")
    expect(items.first).to_contain_text("政策出处")
    assert no_horizontal_scroll(page)
    screenshot(page, "paper-exam-review")

    # after a reload the review is still there and no new attempt can start
    page.reload()
    expect(page.locator("#review-items .review-item")).to_have_count(EXAM_TOTAL)
    expect(page.locator("#start")).to_be_hidden()
    # the second phone, still showing the paper, is refused on its next save (409) and shows the review too
    with other.expect_response(lambda r: r.url.endswith("/save")) as refused:
        other.locator("#items button.option").nth(3).click()
    assert (refused.value.status, refused.value.json()["error"]["code"]) == (409, "attempt_closed")
    phones.errors.remove(f"phone2: HTTP 409 {refused.value.url}")
    expect(other.locator("#overview")).to_be_visible()
    expect(other.locator("#review-summary")).to_have_text(page.locator("#review-summary").inner_text())
    assert no_horizontal_scroll(other)

    assert phones.errors == []
    log = "\n".join(p.read_text(errors="replace") for p in Path(paper_server.folder).glob("server-*.log"))
    assert "Traceback" not in log, log
    assert time.monotonic() - started < 90


def test_scroll_layout_paper_results_after_close(phones: Pages, paper_server: SimpleNamespace, screenshot):
    started = time.monotonic()
    page = phones.open("phone", f"/learn/paper/{QUIZ}")
    sign_in(page, QUIZ, *MARKET)
    expect(page.locator("#overview")).to_be_visible()
    facts = page.locator("#facts dd")
    expect(facts.nth(3)).to_have_text("3 次，取最好成绩")
    expect(facts.nth(4)).to_have_text("截止后公布")
    screenshot(page, "paper-quiz-overview")

    page.locator("#start").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#sitting")).to_be_visible()
    # every question on one page: no pager, the navigator jumps (scrolls) to a question
    items = page.locator("#items .paper-item")
    expect(items).to_have_count(QUIZ_TOTAL)
    expect(page.locator("#pager")).to_be_hidden()
    expect(page.locator("#navigator .nav-cell")).to_have_count(QUIZ_TOTAL)
    expect(page.locator("#navigator .nav-cell.current")).to_have_count(0)
    expect(page.locator("#progress")).to_have_text(f"已答 0 / {QUIZ_TOTAL}")
    expect(page.locator("#timer")).to_have_text(TIMER)
    assert 9 * 60 <= remaining_seconds(page) <= 10 * 60
    kinds = items.locator(".q-meta").all_inner_texts()
    assert [next(k for k in ("单选", "判断", "填空") if k in m) for m in kinds] == ["单选"] * 5 + ["判断"] * 3 + [
        "填空"
    ] * 2

    # question 1: tap its first option
    tap_and_save(page, page.locator("#q1 button.option").first)
    expect(page.locator("#q1 button.option.chosen .key")).to_have_text("A")
    wait_saved(page)
    expect(page.locator("#progress")).to_have_text(f"已答 1 / {QUIZ_TOTAL}")
    expect(page.locator("#navigator .nav-cell").nth(0)).to_have_class(re.compile(r"\banswered\b"))

    # the navigator scrolls to a question, its heading clear of the sticky timer bar
    page.locator("#navigator .nav-cell").nth(4).click()
    expect(page.locator("#q5 .q-meta")).to_be_in_viewport()
    heading, bar = page.locator("#q5 .q-meta").bounding_box(), page.locator(".paper-bar").bounding_box()
    assert heading["y"] >= bar["y"] + bar["height"], (heading, bar)  # scrollIntoView is instant here
    viewport_shot(page, "paper-quiz-jump")

    # no network: the answer is kept on the phone and marked unsaved, then uploaded once back online
    page.context.set_offline(True)
    page.locator("#q5 button.option").nth(1).click()
    expect(page.locator("#net")).to_have_text("网络中断：答案已暂存在本机，恢复后自动上传")
    expect(page.locator("#save-state")).to_have_text("正在保存 1 题……")
    expect(page.locator("#navigator .nav-cell").nth(4)).to_have_class(re.compile(r"\bunsaved\b"))
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('quizengine.paper.{QUIZ}.1'))")
    assert list(kept) == ["5"] and kept["5"]["saved"] is False
    top_shot(page, screenshot, "paper-quiz-offline")
    # 交卷 now is refused in the dialog (the status line at the top may be out of view)
    page.locator("#submit").click()
    expect(page.locator("#confirm-text")).to_have_text(
        "还有 1 题的答案没有上传到服务器（网络中断），已暂存在本机。请等网络恢复、答案上传后再交卷。"
    )
    expect(page.locator("#confirm-no")).to_be_hidden()
    viewport_shot(page, "paper-quiz-offline-submit")
    page.locator("#confirm-yes").click()
    expect(page.locator("#confirm")).to_be_hidden()
    expect(page.locator("#sitting")).to_be_visible()
    page.context.set_offline(False)
    wait_saved(page)
    expect(page.locator("#net")).to_be_hidden()
    expect(page.locator("#progress")).to_have_text(f"已答 2 / {QUIZ_TOTAL}")

    # question 10 (fill-in): typing is saved after a pause
    page.locator("#navigator .nav-cell").nth(QUIZ_TOTAL - 1).click()
    fill = page.locator(f"#q{QUIZ_TOTAL} input.fill-input")
    expect(fill).to_be_in_viewport()
    with page.expect_response(lambda r: r.url.endswith("/save")) as saved:
        fill.fill("告知承诺")
    assert saved.value.json()["ok"]
    wait_saved(page)
    expect(page.locator("#progress")).to_have_text(f"已答 3 / {QUIZ_TOTAL}")
    stored = {item["position"]: item["response"] for item in server_paper(page, QUIZ)["current"]["items"]}
    assert [p for p, r in stored.items() if r is not None] == [1, 5, QUIZ_TOTAL]
    assert stored[QUIZ_TOTAL] == "告知承诺"
    assert no_horizontal_scroll(page)
    top_shot(page, screenshot, "paper-quiz-scroll")

    # a reload keeps the answers
    page.reload()
    expect(page.locator("#items .paper-item")).to_have_count(QUIZ_TOTAL)
    expect(page.locator("#q1 button.option.chosen .key")).to_have_text("A")
    expect(page.locator("#q5 button.option.chosen .key")).to_have_text("B")
    expect(page.locator(f"#q{QUIZ_TOTAL} input.fill-input")).to_have_value("告知承诺")

    # edit the fill-in answer and tap 交卷 at once: the tap commits the text, and the dialog comes once it is saved
    fill = page.locator(f"#q{QUIZ_TOTAL} input.fill-input")
    fill.fill("告知承诺制")
    with page.expect_response(lambda r: r.url.endswith("/save")) as saved:
        page.locator("#submit").click()
    assert saved.value.request.post_data_json["response"] == "告知承诺制" and saved.value.json()["ok"]
    # submit: results are published after the close, so no score now
    expect(page.locator("#confirm-text")).to_have_text(f"还有 {QUIZ_TOTAL - 3} 题未作答，交卷后不能修改。确定交卷吗？")
    expect(page.locator("#confirm-no")).to_be_visible()
    expect(page.locator("#save-state")).to_have_text(SAVED)
    page.locator("#confirm-yes").click()
    expect(page.locator("#overview")).to_be_visible()
    expect(page.locator("#ov-status")).to_contain_text("成绩将于 2027-12-31 18:00 截止后公布")
    expect(page.locator("#ov-status")).to_contain_text("还可以作答 2 次")
    expect(page.locator("#attempts li")).to_have_text(f"第 1 次：已交卷，答了 3 / {QUIZ_TOTAL} 题")
    expect(page.locator("#review")).to_be_hidden()
    expect(page.locator("#overview")).not_to_contain_text("得分")
    expect(page.locator("#start")).to_have_text("再次作答")
    assert server_paper(page, QUIZ)["review"] is None
    assert no_horizontal_scroll(page)
    screenshot(page, "paper-quiz-submitted")

    # the network drops while the phone wakes up: a notice, and it goes once the server answers again
    page.context.set_offline(True)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # what a phone waking up sends
    expect(page.locator("#net")).to_have_text("网络中断，正在重试……")
    page.context.set_offline(False)
    expect(page.locator("#net")).to_be_hidden()  # the page retries every 3 s
    expect(page.locator("#ov-status")).to_contain_text("还可以作答 2 次")

    assert phones.errors == []
    log = "\n".join(p.read_text(errors="replace") for p in Path(paper_server.folder).glob("server-*.log"))
    assert "Traceback" not in log, log
    assert time.monotonic() - started < 60
