"""Staff pages over HTTP: roster sign-in, practice with feedback, the wrong-answer book, the paper API."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.models import Attempt, PracticeAnswer, Question
from quizengine.services.contests import import_contest
from quizengine.services.live import open_contest
from quizengine.services.roster import import_roster
from tests.conftest import REPO, store_banks

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
QUESTION_ID = re.compile(r'name="question_id" value="(\d+)"')
PERSON = ("PTC0101", "何娜刚")


def paper_yaml(opens: datetime, closes: datetime, results: str = "after_submit") -> str:
    local = lambda t: (t + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    return f"""
contest:
  title: 网页笔试
  groups: [community]
  mode: self_paced
  code: WEBEXAM
paper:
  opens: {local(opens)}
  closes: {local(closes)}
  time_limit: 30
  results: {results}
  seed: 3
  sections:
    - {{title: 单选, count: 3, points: 5, types: [single], banks: [contest-plan]}}
    - {{title: 判断, count: 2, points: 5, types: [judge], banks: [contest-plan]}}
"""


def seed_paper(app, tmp_path, *, publish: bool) -> int:
    """Import the sample banks and roster and a paper whose window is open now; returns its id."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with app.app_context():
        store_banks(REPO / "question_banks")
        roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(roster)
        path = tmp_path / "paper.yaml"
        path.write_text(paper_yaml(now - timedelta(hours=1), now + timedelta(days=2)), encoding="utf-8")
        spec, problems = read_contest(path)
        assert problems == []
        contest, problems = import_contest(spec)
        assert problems == []
        if publish:
            open_contest(contest, None)
        return contest.id


@pytest.fixture
def loaded(app, tmp_path):
    """Sample banks and roster, and a published paper whose window is open now."""
    seed_paper(app, tmp_path, publish=True)
    return app


def sign_in(client, staff_no=PERSON[0], name=PERSON[1]):
    page = client.get("/learn/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/learn/login", data={"staff_no": staff_no, "name": name, "csrf_token": token})


def csrf_of(client, path="/learn/"):
    return CSRF_META.search(client.get(path).get_data(as_text=True)).group(1)


# --- sign-in ------------------------------------------------------------------------------------


def test_pages_need_a_roster_sign_in(loaded):
    client = loaded.test_client()
    response = client.get("/learn/practice?bank=contest-plan")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/learn/login?next=/learn/practice")
    assert client.get("/learn/api/paper/WEBEXAM").status_code == 401


@pytest.mark.parametrize(
    ("staff_no", "name", "message"),
    [("PTC0101", "张三", "姓名与工号不符"), ("NOBODY", "张三", "名单中没有这个工号")],
)
def test_a_wrong_identity_is_refused_with_a_reason(loaded, staff_no, name, message):
    response = sign_in(loaded.test_client(), staff_no, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_sign_in_goes_back_to_the_requested_page_but_never_off_site(loaded):
    for target, landing in (("/learn/book", "/learn/book"), ("//evil.example/x", "/learn/")):
        client = loaded.test_client()
        page = client.get("/learn/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"staff_no": PERSON[0], "name": f" {PERSON[1]} ", "csrf_token": token}
        assert client.post(f"/learn/login?next={target}", data=data).headers["Location"] == landing


def test_home_lists_the_groups_papers_banks_and_topics(loaded):
    client = loaded.test_client()
    sign_in(client)
    page = client.get("/learn/").get_data(as_text=True)
    assert "网页笔试" in page and "可以开始" in page
    assert "“一网通办”改革基础" in page  # a bank of the community group
    assert "市场监管与“一业一证”" not in page  # market and government only
    assert "分组与竞赛形式" in page  # a topic of the contest-plan bank


# --- practice -----------------------------------------------------------------------------------


ACTION = re.compile(r'<form method="post" action="([^"]+)" class="practice"')


def _answer_practice(client, path, choose):
    """(form action, form data) answering the question `path` leads to with `choose(kind, answer, option keys)`."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    question_id = int(QUESTION_ID.search(page).group(1))
    nonce = NONCE.search(page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.application.app_context():
        question = client.application.extensions["sqlalchemy"].session.get(Question, question_id)
        kind, answer, options = question.kind, list(question.answer), [k for k, _ in question.options]
    data = {"csrf_token": token, "question_id": question_id, "nonce": nonce, "kind": kind}
    data["choice"] = choose(kind, answer, options)
    return html.unescape(ACTION.search(page).group(1)), data


@pytest.fixture
def practice_client(loaded):
    """A phone signed in as PERSON."""
    client = loaded.test_client()
    sign_in(client)
    return client


def _right(kind, answer, options):
    return answer if kind == "multiple" else answer[0]


def _wrong(kind, answer, options):
    if kind == "judge":
        return "false" if answer[0] == "true" else "true"
    if kind == "fill":
        return "不是这个答案"
    return next(k for k in options if k not in answer)


def test_practice_gives_feedback_with_explanation_and_source_and_a_resubmit_is_stored_once(practice_client, loaded):
    action, data = _answer_practice(practice_client, "/learn/practice?bank=contest-plan&tag=plan-groups", _right)
    assert action == "/learn/practice?bank=contest-plan&tag=plan-groups"
    first = practice_client.post(action, data=data)
    assert first.status_code == 302
    again = practice_client.post(action, data=data)
    assert again.headers["Location"] == first.headers["Location"]
    page = practice_client.get(first.headers["Location"]).get_data(as_text=True)
    assert "回答正确" in page and "政策出处" in page and "普府办〔2021〕31号" in page
    assert "tag=plan-groups" in page  # "next question" keeps the topic
    with loaded.app_context():
        assert loaded.extensions["sqlalchemy"].session.scalar(select(func.count(PracticeAnswer.id))) == 1


def test_a_question_keeps_its_address_so_a_reload_shows_it_again(practice_client):
    picked = practice_client.get("/learn/practice?bank=contest-plan")
    assert picked.status_code == 302 and "/learn/practice/questions/" in picked.headers["Location"]
    first = practice_client.get(picked.headers["Location"]).get_data(as_text=True)
    again = practice_client.get(picked.headers["Location"]).get_data(as_text=True)
    assert QUESTION_ID.search(first).group(1) == QUESTION_ID.search(again).group(1)
    assert NONCE.search(first).group(1) != NONCE.search(again).group(1)  # each visit answers once


def test_a_wrong_practice_answer_goes_into_the_book_and_leaves_after_two_right_retries(practice_client, loaded):
    action, data = _answer_practice(practice_client, "/learn/practice?bank=contest-plan", _wrong)
    wrong_feedback = practice_client.post(action, data=data).headers["Location"]
    text = practice_client.get(wrong_feedback).get_data(as_text=True)
    assert "回答错误" in text and "已记入错题本" in text
    assert "1 道" in practice_client.get("/learn/book").get_data(as_text=True)
    pages = []
    for attempt in (1, 2):
        action, retry = _answer_practice(practice_client, "/learn/book/retry", _right)
        assert retry["question_id"] == data["question_id"] and "book=1" in action
        pages.append(practice_client.post(action, data=retry).headers["Location"])
        text = practice_client.get(pages[-1]).get_data(as_text=True)
        assert ("移出了错题本" in text) == (attempt == 2)
    assert "没有待巩固的错题" in practice_client.get("/learn/book").get_data(as_text=True)
    assert "错题本已清空" in practice_client.get("/learn/book/retry").get_data(as_text=True)
    # feedback pages keep the book as it was right after their answer
    assert "已记入错题本" in practice_client.get(wrong_feedback).get_data(as_text=True)
    first_retry = practice_client.get(pages[0]).get_data(as_text=True)
    assert "还在错题本中" in first_retry and "移出了错题本" not in first_retry


def test_an_empty_answer_shows_the_same_question_again_with_the_reason(practice_client):
    action, data = _answer_practice(practice_client, "/learn/practice?bank=contest-plan", _right)
    data["choice"] = ""
    response = practice_client.post(action, data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "请先选择或填写答案" in text
    assert QUESTION_ID.search(text).group(1) == str(data["question_id"])


def test_someone_elses_practice_answer_is_not_found(practice_client, loaded):
    action, data = _answer_practice(practice_client, "/learn/practice", _right)
    location = practice_client.post(action, data=data).headers["Location"]
    other = loaded.test_client()
    sign_in(other, "PTM0101", _name_of("PTM0101"))
    assert other.get(location).status_code == 404
    # a question outside one's group's banks cannot be opened either
    community = loaded.test_client()
    sign_in(community, "PTC0102", _name_of("PTC0102"))
    with loaded.app_context():
        session = loaded.extensions["sqlalchemy"].session
        mkt = session.scalar(select(Question.id).where(Question.key == "mkt-001"))
    assert community.get(f"/learn/practice/questions/{mkt}").status_code == 404
    assert other.get(f"/learn/practice/questions/{mkt}").status_code == 200


def _name_of(staff_no):
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    return next(s.name for s in roster.staff if s.staff_no == staff_no)


# --- the paper API --------------------------------------------------------------------------------


def test_the_paper_api_start_save_reload_submit(loaded):
    client = loaded.test_client()
    sign_in(client)
    token = csrf_of(client, "/learn/paper/WEBEXAM")
    headers = {"X-CSRFToken": token}
    assert client.post("/learn/api/paper/WEBEXAM/start", json={}).status_code == 403  # no CSRF header
    started = client.post("/learn/api/paper/WEBEXAM/start", json={}, headers=headers).get_json()
    items = started["current"]["items"]
    assert len(items) == 5 and all("answer" not in item for item in items)
    ack = client.post(
        "/learn/api/paper/WEBEXAM/save", json={"position": 4, "response": True, "revision": 1}, headers=headers
    ).get_json()
    assert ack["ok"] and ack["revision"] == 1
    bad = client.post(
        "/learn/api/paper/WEBEXAM/save", json={"position": 4, "response": "Q", "revision": 2}, headers=headers
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_response"
    assert client.post("/learn/api/paper/WEBEXAM/save", data="[]", headers=headers).status_code == 400
    # another phone signs in and sees the same paper with the saved answer
    other = loaded.test_client()
    sign_in(other)
    state = other.get("/learn/api/paper/WEBEXAM").get_json()
    assert [i["stem"] for i in state["current"]["items"]] == [i["stem"] for i in items]
    assert state["current"]["items"][3]["response"] is True
    done = client.post("/learn/api/paper/WEBEXAM/submit", json={}, headers=headers).get_json()
    assert done["current"] is None and done["review"]["answered"] == 1
    assert all("explanation" in item for item in done["review"]["items"])
    with loaded.app_context():
        assert loaded.extensions["sqlalchemy"].session.scalar(select(func.count(Attempt.id))) == 1


def test_the_paper_page_and_the_live_join_link_lead_to_the_staff_pages(loaded):
    client = loaded.test_client()
    assert client.get("/play/WEBEXAM").headers["Location"] == "/learn/paper/WEBEXAM"
    assert client.get("/play/?code=webexam").headers["Location"] == "/learn/paper/WEBEXAM"
    sign_in(client)
    page = client.get("/learn/paper/WEBEXAM").get_data(as_text=True)
    assert 'data-api="/learn/api/paper/WEBEXAM"' in page and "paper.js" in page
    assert 'data-grace-ms="1500"' in page  # the server's grace (services GRACE), not a copy in paper.js
    assert client.get("/learn/paper/NOSUCH").status_code == 404


def test_a_staff_member_of_another_group_is_refused(loaded):
    client = loaded.test_client()
    sign_in(client, "PTM0101", _name_of("PTM0101"))
    response = client.get("/learn/api/paper/WEBEXAM")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_your_group"
