"""Practice (练习) and the wrong-answer book (错题本) on a phone in real Chromium.

Sign in, the home page, a topic of the contest-plan bank, a wrong answer on purpose and its feedback,
a right one, the book, retrying until the question leaves it; and one answer recorded per question page
however often it is submitted. The module runs its own `quizengine serve` (seeded by `quizengine demo
--seed-only`), so its answers never meet those of the other browser modules; the right answers are read
from that server's database by the question id in the form. Screenshots go to test-artifacts/practice-*.png.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.pages import WAIT_MS, Pages
from tests.live import seeded, serving

pytestmark = pytest.mark.browser

LEARNER = ("PTC0102", "顾涛然")  # examples/roster.yaml, group community
REPEATER = ("PTC0103", "苏子华")  # the same center; only the double-submit test signs in as this person
SCRIPTLESS = ("PTC0104", "邱俊强")  # the same center; only the test without script signs in as this person
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
BANK, BANK_TITLE, BANK_SIZE = "contest-plan", "《普陀区“一网通办”专项立功竞赛活动方案》学习（示例题库）", 51
# question_banks/contest_plan.yaml: the bank's tags; 组织要求 holds choice questions only (plan-048..050)
TOPICS = [
    "文号、主题与理念",
    "指导思想与活动目标",
    "参加范围与阶段安排",
    "分组与竞赛形式",
    "案例征集",
    "评选与表彰",
    "组织要求",
]
TOPIC, TOPIC_TAG = "组织要求", "plan-organization"
PLAN = "普府办〔2021〕31号"  # every question of the bank cites the plan
FEEDBACK = re.compile(r"/learn/practice/answers/(\d+)(\?.*)?$")
PRACTISED = re.compile(r"已练习 (\d+) 题")

expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def practice_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A seeded `quizengine serve` (eventlet) of this module's own, with its instance folder."""
    folder = tmp_path_factory.mktemp("practice")
    env = seeded(folder)
    with serving(folder, env) as base_url:
        yield SimpleNamespace(url=base_url, folder=folder, database=folder / "instance" / "quizengine.db")


@pytest.fixture
def phone(browser: Browser, practice_server: SimpleNamespace) -> Iterator[Pages]:
    opened = Pages(browser, practice_server.url, **PHONE)
    yield opened
    opened.close()


def sign_in(page: Page, staff_id: str, name: str) -> None:
    """On the sign-in page the home page sent us to: sign in and land on the home page."""
    expect(page).to_have_url(re.compile(r"/learn/login\?next=/learn/$"))
    page.fill("input[name=staff_no]", staff_id)
    page.fill("input[name=name]", name)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/learn/$"))
    expect(page.locator(".play-head .me-name")).to_have_text(name)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def stored_question(server: SimpleNamespace, question_id: str) -> SimpleNamespace:
    """The question behind a form's `question_id`, read from the server's own database (read-only)."""
    with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT key, kind, stem, options, answer, tags FROM questions WHERE id = ?", (int(question_id),)
        ).fetchone()
    assert row, question_id
    key, kind, stem, options, answer, tags = row
    return SimpleNamespace(
        id=int(question_id),
        key=key,
        kind=kind,
        stem=stem,
        keys=[k for k, _ in json.loads(options)],
        answer=json.loads(answer),
        tags=json.loads(tags),
    )


def shown_question(page: Page, server: SimpleNamespace) -> SimpleNamespace:
    """The question of the practice form on screen."""
    expect(page.locator("form.practice")).to_be_visible()
    question = stored_question(server, page.locator("form.practice input[name=question_id]").input_value())
    expect(page.locator("p.stem")).to_have_text(question.stem)
    expect(page.locator("form.practice input[name=kind]")).to_have_value(question.kind)
    return question


def right_choice(question: SimpleNamespace) -> list[str]:
    """Input values that answer the question right (the option keys, 'true'/'false', or a fill-in text)."""
    return list(question.answer[:1]) if question.kind in ("single", "judge", "fill") else list(question.answer)


def wrong_choice(question: SimpleNamespace) -> list[str]:
    """Input values that answer the question wrongly."""
    if question.kind == "judge":
        return ["false" if question.answer == ["true"] else "true"]
    if question.kind == "fill":
        return ["不知道"]
    return [next(k for k in question.keys if k not in question.answer)]  # one wrong key: wrong for both kinds


def option(page: Page, value: str) -> Locator:
    """The option-styled label of an answer input."""
    return page.locator("form.practice label.option").filter(has=page.locator(f"input[value='{value}']"))


def badge_colours(page: Page) -> dict[str, str]:
    """Each option's value -> the computed background colour of its key badge (the span next to the input)."""
    return page.locator("form.practice label.option input").evaluate_all(
        "inputs => Object.fromEntries("
        "inputs.map(i => [i.value, getComputedStyle(i.nextElementSibling).backgroundColor]))"
    )


def answer(page: Page, question: SimpleNamespace, values: list[str]) -> None:
    """Tap the options (or type the text) of an answer, not submitting yet."""
    if question.kind == "fill":
        page.locator("form.practice input.fill-input").fill(values[0])
        return
    for value in values:
        option(page, value).tap()
    checked = page.locator("form.practice input[name=choice]:checked")
    expect(checked).to_have_count(len(values))
    assert sorted(checked.evaluate_all("inputs => inputs.map(i => i.value)")) == sorted(values)


def submit(page: Page) -> str:
    """Submit the practice form; returns the feedback page's path."""
    page.locator("form.practice button[type=submit]").tap()
    expect(page).to_have_url(FEEDBACK)
    return urlsplit(page.url).path


def practised(page: Page) -> int:
    """The home page's 已练习 N 题."""
    page.goto("/learn/")
    line = page.locator("section.screen p.muted", has_text="已练习")
    expect(line).to_have_text(PRACTISED)
    return int(PRACTISED.search(line.inner_text())[1])


def server_log(server: SimpleNamespace) -> str:
    return "\n".join(p.read_text(errors="replace") for p in Path(server.folder).glob("server-*.log"))


def check_feedback(page: Page, question: SimpleNamespace, mine: list[str], *, correct: bool) -> None:
    """The feedback page: the verdict, the options marked (right ones in words too), the key, 解析 and 政策出处."""
    verdict = page.locator("p.verdict")
    expect(verdict).to_have_text("回答正确" if correct else "回答错误")
    expect(verdict).to_have_class(re.compile(r"\bgood\b" if correct else r"\bbad\b"))
    expect(page.locator("p.stem")).to_have_text(question.stem)
    if question.keys:
        options = page.locator("ul.options.review li.option")
        expect(options.locator(".key")).to_have_text(question.keys)
        right = page.locator("ul.options.review li.option.right")
        expect(right.locator(".key")).to_have_text(question.answer)
        for index in range(len(question.answer)):
            expect(right.nth(index).locator(".mark")).to_contain_text("正确答案")
        wrong = page.locator("ul.options.review li.option.wrong")
        expect(wrong.locator(".key")).to_have_text([] if correct else [k for k in mine if k not in question.answer])
        chosen = options.filter(has_text="您的选择")
        expect(chosen.locator(".key")).to_have_text(mine)
    details = page.locator("dl.details")
    expect(details.locator("dt")).to_have_text(["您的答案", "正确答案", "解析", "政策出处"])
    if question.kind in ("single", "multiple"):
        expect(details.locator("dd").nth(0)).to_have_text("、".join(mine))
        expect(details.locator("dd").nth(1)).to_have_text("、".join(question.answer))
    expect(details.locator("dd").nth(2)).not_to_be_empty()
    expect(details.locator("dd").nth(3)).to_contain_text(PLAN)
    assert no_horizontal_scroll(page)


def test_practice_wrong_answer_book_and_retry(phone: Pages, practice_server: SimpleNamespace, screenshot):
    started = time.monotonic()

    # --- 1. signed out: the home page sends the phone to sign in
    page = phone.open("phone", "/learn/")
    expect(page.locator("input[name=staff_no]")).to_be_visible()
    expect(page.locator("input[name=name]")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "practice-sign-in")
    sign_in(page, *LEARNER)

    # --- 2. home: nothing practised, an empty book, the banks with their topics folded away
    screen = page.locator("section.screen")
    expect(screen.locator("p.muted", has_text="已练习")).to_contain_text("已练习 0 题，共 0 天。")
    book_tile = page.locator("a.tile", has_text="错题本")
    expect(book_tile).to_contain_text("0 道待巩固")
    expect(page.locator("a.tile", has_text="随机练习")).to_be_visible()
    banks = page.locator("details.bank")
    expect(banks.first).to_be_visible()
    bank = banks.filter(has_text=BANK_TITLE)
    expect(bank).to_have_count(1)
    expect(bank.locator("summary")).to_have_text(f"{BANK_TITLE} {BANK_SIZE} 题")
    topics = bank.locator("ul.topics a")
    expect(topics).to_have_text(["全部题目", *TOPICS])
    expect(topics.first).to_be_hidden()  # folded until the bank is tapped
    bank.locator("summary").tap()
    expect(bank).to_have_attribute("open", "")
    expect(topics.last).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "practice-home")

    # --- 3. a topic: one of its questions, a real form; tapping an option marks its key badge red
    topics.filter(has_text=TOPIC).tap()
    expect(page).to_have_url(re.compile(rf"/learn/practice/questions/\d+\?bank={BANK}&tag={TOPIC_TAG}$"))
    expect(page.locator("p.crumbs")).to_have_text(f"学习首页 · 专题练习：{TOPIC}")
    first = shown_question(page, practice_server)
    assert TOPIC_TAG in first.tags and first.kind in ("single", "multiple"), first
    expect(page.locator("p.q-meta .badge")).to_have_text({"single": "单选", "multiple": "多选"}[first.kind])
    expect(page.locator("form.practice label.option .key")).to_have_text(first.keys)
    assert no_horizontal_scroll(page)
    red = page.locator("form.practice button[type=submit]").evaluate("b => getComputedStyle(b).backgroundColor")
    before = badge_colours(page)
    assert red not in before.values(), before  # no badge is red before a tap
    mistake = wrong_choice(first)
    if first.kind == "single":  # change of mind: the badge follows the last tap only
        option(page, first.answer[0]).tap()
        assert badge_colours(page)[first.answer[0]] == red
    answer(page, first, mistake)
    # answers.js marks the chosen labels as it does the paper's and the live phone's option buttons
    marked = page.locator("form.practice label.option.chosen input")
    assert sorted(marked.evaluate_all("inputs => inputs.map(i => i.value)")) == sorted(mistake)
    after = badge_colours(page)
    assert {k for k, colour in after.items() if colour == red} == set(mistake), (after, red)
    expect(option(page, mistake[0]).locator(".key")).to_have_css("color", "rgb(255, 255, 255)")
    screenshot(page, "practice-question-choice")

    # --- 4. wrong on purpose: the feedback marks the right answer, explains it, and books the question
    submit(page)
    check_feedback(page, first, mistake, correct=False)
    expect(page.locator("p.hint")).to_have_text("已记入错题本（共答错 1 次），连续答对 2 次后移出。")
    screenshot(page, "practice-feedback-wrong")

    # --- 5. 下一题: another question of the topic, answered right; it does not touch the book
    page.locator("a.button", has_text="下一题").tap()
    expect(page).to_have_url(re.compile(rf"/learn/practice/questions/\d+\?bank={BANK}&tag={TOPIC_TAG}$"))
    second = shown_question(page, practice_server)
    assert second.key != first.key and TOPIC_TAG in second.tags
    expect(page.locator("form.practice input[name=choice]:checked")).to_have_count(0)
    answer(page, second, right_choice(second))
    submit(page)
    check_feedback(page, second, right_choice(second), correct=True)
    expect(page.locator("p.hint")).to_have_count(0)
    screenshot(page, "practice-feedback-right")

    # --- 6. the book: the wrong question, once
    assert practised(page) == 2
    expect(screen.locator("p.muted", has_text="已练习")).to_contain_text("已练习 2 题，正确率 50%，共 1 天。")
    expect(book_tile).to_contain_text("1 道待巩固")
    book_tile.tap()
    expect(page).to_have_url(re.compile(r"/learn/book$"))
    expect(page.locator("h2")).to_have_text("错题本 1 道")
    entries = page.locator("ol.book > li")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(first.stem)
    expect(entries.first.locator("summary .muted")).to_contain_text("答错 1 次 · 连续答对 0 次 · 最近答错 ")
    assert no_horizontal_scroll(page)
    screenshot(page, "practice-book")
    # an entry opens on its answer, explanation and source
    entry = entries.first
    expect(entry.locator("dl.details")).to_be_hidden()
    entry.locator("summary").tap()
    expect(entry.locator("dl.details")).to_be_visible()
    expect(entry.locator("dl.details dt")).to_contain_text(["正确答案", "解析", "政策出处"])
    if first.keys:  # a choice question: the right options say so
        expect(entry.locator(".option.right .key")).to_have_text([k for k in first.keys if k in first.answer])
        expect(entry.locator(".option.right .mark").first).to_have_text("正确答案")
    screenshot(page, "practice-book-open")

    # --- 7. 开始重练: the booked question; right once (still booked), right again (out of the book)
    page.locator("a.button", has_text="开始重练").tap()
    for streak in (0, 1):
        expect(page).to_have_url(re.compile(r"/learn/practice/questions/\d+\?book=1$"))
        expect(page.locator("p.crumbs")).to_have_text("学习首页 · 错题重练")
        retried = shown_question(page, practice_server)
        assert retried.key == first.key
        expect(page.locator("p.q-meta")).to_contain_text(f"已连续答对 {streak} 次（再对 {2 - streak} 次移出错题本）")
        expect(page.locator("form.practice input[name=choice]:checked")).to_have_count(0)
        answer(page, retried, right_choice(retried))
        submit(page)
        check_feedback(page, retried, right_choice(retried), correct=True)
        if streak == 0:
            expect(page.locator("p.hint")).to_have_text("这道题还在错题本中：已连续答对 1 次，再答对 1 次移出。")
            page.locator("a.button", has_text="下一道错题").tap()
    expect(page.locator("p.hint")).to_have_text("已连续答对 2 次，这道题移出了错题本。")
    screenshot(page, "practice-retry-cleared")
    page.locator("a.button", has_text="下一道错题").tap()
    expect(page.locator("p.status.done")).to_have_text("错题本已清空，继续保持！")
    expect(page.locator("form.practice")).to_have_count(0)

    # --- 8. the book is empty; the home page agrees
    page.goto("/learn/book")
    expect(page.locator("h2")).to_have_text("错题本 0 道")
    expect(page.locator("p.status.done")).to_have_text("没有待巩固的错题。")
    expect(page.locator("ol.book > li")).to_have_count(0)
    expect(page.locator("a.button", has_text="开始重练")).to_have_count(0)
    assert no_horizontal_scroll(page)
    screenshot(page, "practice-book-empty")
    assert practised(page) == 4
    expect(book_tile).to_contain_text("0 道待巩固")

    assert phone.errors == []
    log = server_log(practice_server)
    assert "Traceback" not in log, log
    assert time.monotonic() - started < 60


def test_a_question_page_records_one_answer_however_often_it_is_submitted(
    phone: Pages, practice_server: SimpleNamespace
):
    started = time.monotonic()
    page = phone.open("phone", "/learn/")
    sign_in(page, *REPEATER)
    assert practised(page) == 0
    topic = f"/learn/practice?bank={BANK}&tag={TOPIC_TAG}"

    # --- 1. a double tap on 提交 (whether the browser sends the form once or twice): one answer
    page.goto(topic)
    question = shown_question(page, practice_server)
    answer(page, question, wrong_choice(question))
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("form.practice button[type=submit]").dblclick()
    expect(page).to_have_url(FEEDBACK)
    expect(page.locator("p.verdict")).to_have_text("回答错误")
    assert 1 <= len(posts) <= 2, posts
    assert practised(page) == 1

    # --- 2. browser back after the feedback, then 提交 again
    page.goto(topic)
    question = shown_question(page, practice_server)
    nonce = page.locator("form.practice input[name=nonce]").input_value()
    answer(page, question, right_choice(question))
    with page.expect_request(lambda r: r.method == "POST" and "/learn/practice" in r.url) as sent:
        feedback = submit(page)
    expect(page.locator("p.verdict")).to_have_text("回答正确")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/learn/practice/questions/\d+\?"))
    expect(page.locator("form.practice")).to_be_visible()
    if page.locator("form.practice input[name=nonce]").input_value() == nonce:
        # restored from the back-forward cache (the choice may or may not have been kept, as autocomplete is
        # off): 提交 again, choosing again if needed, shows the answer already recorded
        if page.locator("form.practice input[name=choice]:checked").count() == 0:
            answer(page, question, right_choice(question))
        assert submit(page) == feedback
    else:
        # served afresh (Chromium here): a new question page with its own one-time key, and none of the
        # previous page's choices may be carried into it by the browser's form restoring
        expect(page.locator("form.practice input[name=choice]:checked")).to_have_count(0)
        typed = page.locator("form.practice input.fill-input").evaluate_all("inputs => inputs.map(i => i.value)")
        assert typed in ([], [""]), typed
    assert practised(page) == 2
    # the very same form sent again (as a resend from history would): the answer already recorded
    form = sent.value
    again = page.request.post(
        form.url, data=form.post_data, headers={"Content-Type": form.headers["content-type"]}, max_redirects=0
    )
    assert again.status == 302, again.status
    assert urlsplit(again.headers["location"]).path == feedback
    assert practised(page) == 2

    # --- 3. the same form arriving three times at once (a flaky network resending): one answer
    page.goto(topic)
    question = shown_question(page, practice_server)
    answer(page, question, right_choice(question))
    landed = page.evaluate(
        """async () => {
            const form = document.querySelector('form.practice');
            const sends = [0, 1, 2].map(() => fetch(form.action, {method: 'POST', body: new FormData(form)}));
            return (await Promise.all(sends)).map(r => [r.status, new URL(r.url).pathname]);
        }"""
    )
    assert {status for status, _ in landed} == {200}, landed
    assert len({path for _, path in landed}) == 1 and FEEDBACK.search(landed[0][1]), landed
    assert practised(page) == 3

    assert phone.errors == []
    log = server_log(practice_server)
    assert "Traceback" not in log, log
    assert time.monotonic() - started < 60


def test_practice_works_without_script(browser: Browser, practice_server: SimpleNamespace):
    """The practice form is a plain form: with script off it answers, and the feedback page follows."""
    phone = Pages(browser, practice_server.url, **PHONE, java_script_enabled=False)
    try:
        page = phone.open("phone", "/learn/")
        sign_in(page, *SCRIPTLESS)
        page.goto(f"/learn/practice?bank={BANK}&tag={TOPIC_TAG}")
        question = shown_question(page, practice_server)
        answer(page, question, right_choice(question))
        expect(page.locator("form.practice label.option.chosen")).to_have_count(0)  # no script, no marking
        submit(page)
        check_feedback(page, question, right_choice(question), correct=True)
        assert practised(page) == 1
        assert phone.errors == []
    finally:
        phone.close()
