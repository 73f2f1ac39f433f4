"""Self-paced contests and the learning report in the web admin."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.models import Attempt, AuditEvent, Contest, Staff
from quizengine.services import papers, practice
from tests.conftest import csrf_token, login
from tests.views.test_learn import seed_paper


@pytest.fixture
def paper(app, accounts, tmp_path):
    """A draft community paper whose window is open now, over the sample banks and roster: its id."""
    return seed_paper(app, tmp_path, publish=False)


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def test_the_paper_page_shows_settings_and_pools_and_other_groups_get_404(client, paper):
    login(client, "org1")
    page = client.get(f"/admin/contests/{paper}").get_data(as_text=True)
    assert "自定进度" in page and "个人限时 30 分钟" in page and "/learn/paper/WEBEXAM" in page
    assert "发布考试" in page and "还没有人开始作答" in page
    assert client.get(f"/host/{paper}").headers["Location"] == f"/admin/contests/{paper}"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org2")
    assert client.get(f"/admin/contests/{paper}").status_code == 404


def test_publish_take_replay_and_finish(app, client, paper):
    login(client, "org1")
    assert post(client, f"/admin/contests/{paper}/open", page=f"/admin/contests/{paper}").status_code == 302
    with app.app_context():
        contest = _db.session.get(Contest, paper)
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        attempt = papers.start(contest, staff, datetime.now(UTC))
        papers.save(contest, staff, 1, "A", 1, datetime.now(UTC))
        attempt_id = attempt.id
    listing = client.get(f"/admin/contests/{paper}").get_data(as_text=True)
    assert "作答中" in listing and "（1 人作答中）" in listing
    detail = client.get(f"/admin/contests/{paper}/attempts/{attempt_id}").get_data(as_text=True)
    assert "与保存的试卷一致" in detail and "← 所选" in detail
    done = post(client, f"/admin/contests/{paper}/finish", page=f"/admin/contests/{paper}")
    assert done.status_code == 302
    follow = client.get(f"/admin/contests/{paper}").get_data(as_text=True)
    assert "已结束（成绩已冻结）" in follow and "结束收卷" in follow
    with app.app_context():
        assert _db.session.get(Attempt, attempt_id).closed_by == "finish"
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.finish"))
        assert (event.username, event.target) == ("org1", "WEBEXAM")


def test_settings_change_freely_before_publication_and_only_the_close_after(app, client, paper):
    login(client, "org1")
    form = client.get(f"/admin/contests/{paper}/paper").get_data(as_text=True)
    assert 'name="opens_at"' in form and 'name="time_limit"' in form
    data = {
        "opens_at": "2026-08-15T09:00",
        "closes_at": "2026-09-15T18:00",
        "time_limit": "45",
        "attempts": "2",
        "counting": "last",
        "layout": "scroll",
        "results": "after_close",
    }
    assert post(client, f"/admin/contests/{paper}/paper", data).status_code == 302
    with app.app_context():
        contest = _db.session.get(Contest, paper)
        assert contest.settings["time_limit"] == 45 and contest.settings["counting"] == "last"
        assert contest.opens_at == datetime(2026, 8, 15, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    post(client, f"/admin/contests/{paper}/open", page=f"/admin/contests/{paper}")
    refused = post(client, f"/admin/contests/{paper}/paper", {**data, "time_limit": "60"})
    assert refused.status_code == 422 and "只能修改截止时间" in refused.get_data(as_text=True)
    extended = post(client, f"/admin/contests/{paper}/paper", {**data, "closes_at": "2026-09-20T18:00"})
    assert extended.status_code == 302
    backwards = post(client, f"/admin/contests/{paper}/paper", {**data, "closes_at": "2026-08-01T18:00"})
    assert backwards.status_code == 422 and "截止时间应晚于开放时间" in backwards.get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(Contest, paper).closes_at == datetime(2026, 9, 20, 10, 0, tzinfo=UTC)
        edits = select(AuditEvent).where(AuditEvent.action == "contest.edit").order_by(AuditEvent.id)
        changes = [event.detail for event in _db.session.scalars(edits)]
        assert len(changes) == 2 and "closes_at" in changes[1]


def test_the_learning_report_page_and_its_excel_export(app, client, paper):
    with app.app_context():
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        row = practice.practice_pool(staff, "contest-plan", now=datetime.now(UTC))[0]
        practice.answer(staff, row.id, row.answer[0] if row.kind != "judge" else True, "n1", datetime.now(UTC))
        center = staff.center.name
    login(client, "org1")
    page = client.get("/admin/learning/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and center in text and "学习场次" in text
    assert "第二组" not in text  # the organizer of group 1 sees only group 1
    assert client.get("/admin/learning/?group=market").status_code == 404
    bad = client.get("/admin/learning/?group=community&first=2021-09-01&last=2021-08-01&share=0.5")
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    export = client.get("/admin/learning/report.xlsx?group=community&first=2021-01-01&last=2030-01-01&share=0.01")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["中心", "按专题正确率", "说明"]
    rows = {r[1]: r for r in book["中心"].iter_rows(min_row=2, values_only=True)}
    assert rows[center][6] == 1 and rows[center][9] == 1 and rows[center][11] == "否"


def test_trainers_have_no_learning_report(client, paper):
    login(client, "trainer1")
    assert client.get("/admin/learning/").status_code == 403


def test_results_export_per_group(app, client, paper):
    login(client, "org1")
    post(client, f"/admin/contests/{paper}/open", page=f"/admin/contests/{paper}")
    with app.app_context():
        contest = _db.session.get(Contest, paper)
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        attempt = papers.start(contest, staff, datetime.now(UTC))
        item = attempt.items[0]
        papers.save(contest, staff, 1, item.question.answer[0], 1, datetime.now(UTC))
        papers.submit(contest, staff, datetime.now(UTC))
        name, center = staff.name, staff.center.name
    export = client.get(f"/admin/contests/{paper}/results.xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["第一组个人", "第一组中心", "各组", "题目", "作答明细", "抢跑与移出", "说明"]
    people = list(book["第一组个人"].iter_rows(min_row=3, values_only=True))
    assert people[0][:7] == (1, "PTC0101", name, center, 5, 1, 1)
    centers = {row[1]: row for row in book["第一组中心"].iter_rows(min_row=3, values_only=True)}
    assert centers[center][0] == 1 and centers[center][3] == 1
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org2")
    assert client.get(f"/admin/contests/{paper}/results.xlsx").status_code == 404
