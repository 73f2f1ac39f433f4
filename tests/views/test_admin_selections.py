"""Selections in the web admin and their 公示 on staff phones: YAML problems, ties, freeze, scope, appeals."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizengine.extensions import db as _db
from quizengine.formats.roster import read_roster
from quizengine.models import AuditEvent, Selection, SelectionAppeal, Staff
from quizengine.services.contests import contest_by_code
from quizengine.services.roster import import_roster
from tests.conftest import REPO, csrf_token, login
from tests.services.test_selection import offline, staff_of, store
from tests.views.test_learn import csrf_of, sign_in

# Five community people: in PAPER1 everyone scores 50, in BIWU01 b 90 and the others 80, so a, c, d and e tie
# on 68 behind b (74), who is ineligible (under one year at a window).
SELECTION = """\
selection:
  title: 网页评选
  reference_date: 2021-09-30
  parts:
    - {key: paper, title: 笔试, contests: [PAPER1], weight: 40}
    - {key: biwu, title: 岗位比武, contests: [BIWU01], weight: 60}
  people: {award: 2, recommend: 1}
  centers: {award: 1, recommend: 1}
"""
SELECTION_ID = re.compile(r"/admin/selections/(\d+)$")


@pytest.fixture
def people(app, accounts, tmp_path):
    """The sample roster, two offline contests of the community group and their scores: {letter: (staff no, name)}."""
    with app.app_context():
        roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(roster)
        a, b, c, d, e = staff_of(_db, "community", 5)
        for person in (a, c, d, e):
            person.window_since, person.window_until, person.at_window = date(2018, 1, 1), None, True
        b.window_since, b.window_until, b.at_window = date(2021, 3, 1), None, True
        _db.session.commit()
        paper, biwu = offline(tmp_path, "PAPER1", "community", 100), offline(tmp_path, "BIWU01", "community", 100)
        everyone = (a, b, c, d, e)
        store(paper, tmp_path, [[p.staff_no, p.name, 50, None, None] for p in everyone])
        # b scores 90; correct answers 40, 39, 38, 37 break the others' tie in tie_break mode: a and c
        correct = (40, 45, 39, 38, 37)
        rows = [[p.staff_no, p.name, 90 if p is b else 80, n, None] for p, n in zip(everyone, correct, strict=True)]
        store(biwu, tmp_path, rows)
        return {k: (p.staff_no, p.name) for k, p in zip("abcde", everyone, strict=True)}


def create(client, text=SELECTION, tie_mode=""):
    token = csrf_token(client, "/admin/selections/new")
    return client.post("/admin/selections/new", data={"csrf_token": token, "source": text, "tie_mode": tie_mode})


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(SELECTION_ID.search(response.headers["Location"]).group(1))


def post(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


def test_organizers_find_selections_and_a_new_one_starts_from_the_documented_example(client, people):
    login(client, "trainer1")
    assert 'href="/admin/selections/"' not in client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/selections/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org1")
    assert 'href="/admin/selections/"' in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/selections/new").get_data(as_text=True)
    assert "reference_date: 2021-09-30" in page and "PTG1LIVE" in page


def test_a_bad_selection_file_shows_its_problems_at_line_and_column_and_stores_nothing(app, client, people):
    login(client, "org1")
    text = SELECTION.replace("reference_date: 2021-09-30", "reference_date: 2021-09-31").replace("BIWU01", "NOPE1")
    response = create(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "selection.yaml:3:19" in page and "没有导入任何内容" in page
    assert "NOPE1" in page  # the text stays in the box to be corrected
    response = create(client, SELECTION.replace("BIWU01", "NOPE1"))  # the file is fine, the database is not
    assert response.status_code == 422
    assert "selection.yaml:6:43" in response.get_data(as_text=True)  # the code inside [NOPE1]
    assert "没有代码为 NOPE1 的竞赛" in response.get_data(as_text=True)
    theirs_and_another = SELECTION.replace("  parts:", "  groups: [community, market]\n  parts:")
    response = create(client, theirs_and_another)
    assert response.status_code == 422
    assert "评选包括不由您负责的组：第二组：各街镇市场监督管理所" in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count(Selection.id))) == 0


def test_an_uploaded_file_is_read_and_the_tie_mode_of_the_form_overrides_the_files(client, people):
    login(client, "org1")
    token = csrf_token(client, "/admin/selections/new")
    data = {"csrf_token": token, "source": "", "tie_mode": "tie_break"}
    data["file"] = (io.BytesIO(SELECTION.encode("utf-8")), "评选.yaml")
    response = client.post("/admin/selections/new", data=data, content_type="multipart/form-data")
    broken = client.get(f"/admin/selections/{created_id(response)}").get_data(as_text=True)
    assert "按规定顺序决出并列" in broken and "超出名额" not in broken
    included = client.get(f"/admin/selections/{created_id(create(client))}").get_data(as_text=True)
    assert 'class="warning-banner"' in included and "超出名额" in included
    assert included.count("末位并列</span>") == 4  # a, c, d, e tied at the cut-off
    assert "在窗口工作不满一年" in included  # b ranks first and stays visible with the reason


def test_another_groups_organizer_gets_404_and_only_admins_reopen(app, client, people):
    login(client, "org1")
    selection_id = created_id(create(client))
    page = f"/admin/selections/{selection_id}"
    listing = client.get("/admin/selections/").get_data(as_text=True)
    assert "网页评选" in listing and "第一组：各街镇社区事务受理中心" in listing and "草稿" in listing
    assert post(client, f"{page}/freeze", page).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org2")
    assert "网页评选" not in client.get("/admin/selections/").get_data(as_text=True)
    assert client.get(page).status_code == 404
    assert client.get(f"{page}/selection.json").status_code == 404
    assert post(client, f"{page}/publish", "/admin/selections/", appeal_until="2031-01-01T10:00").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org1")
    assert post(client, f"{page}/reopen", page, reason="重算").status_code == 403
    assert "解除冻结的原因" not in client.get(page).get_data(as_text=True)
    assert client.get(f"{page}/edit").status_code == 302  # frozen: no editing
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "admin1")
    assert post(client, f"{page}/reopen", page, reason="名单更正").status_code == 302
    with app.app_context():
        assert _db.session.get(Selection, selection_id).frozen_at is None
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.reopen"))
        assert (event.username, event.detail["reason"]) == ("admin1", "名单更正")


def test_a_frozen_page_keeps_its_result_and_says_what_changed_since(app, client, people, tmp_path):
    login(client, "org1")
    selection_id = created_id(create(client, tie_mode="tie_break"))
    page = f"/admin/selections/{selection_id}"
    post(client, f"{page}/freeze", page)
    assert "无变化" in client.get(page).get_data(as_text=True)
    with app.app_context():
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.freeze"))
        assert (event.username, event.target, event.detail["awarded"]) == (
            "org1",
            "网页评选",
            {"people": 2, "centers": 1},
        )
    before = client.get(f"{page}/selection.json").get_json()
    a_no, a_name = people["a"]
    with app.app_context():
        a = _db.session.scalar(select(Staff).where(Staff.staff_no == a_no))
        a.window_until, a.at_window = date(2021, 9, 1), False  # left before the reference date
        _db.session.commit()
        c_no, c_name = people["c"]
        store(contest_by_code("PAPER1"), tmp_path, [[c_no, c_name, 20, None, None]])  # a new sheet: only c
    text = client.get(page).get_data(as_text=True)
    assert client.get(f"{page}/selection.json").get_json() == before
    changes = text.split('id="changes"')[1].split("</section>")[0]
    assert "无变化" not in changes
    assert f"{a_name}（{a_no}）" in changes and "离开窗口日期 — → 2021-09-01；目前在窗口工作 是 → 否" in changes
    assert "<code>PAPER1</code>" in changes and "成绩 50 → 20" in changes and "已删除" in changes
    assert "获奖：是 → 否" in changes


def test_publishing_shows_the_awarded_to_the_groups_staff_who_may_appeal_until_the_deadline(app, client, people):
    login(client, "org1")
    selection_id = created_id(create(client, tie_mode="tie_break"))
    page = f"/admin/selections/{selection_id}"
    post(client, f"{page}/freeze", page)
    refused = post(client, f"{page}/publish", page, appeal_until="明天")
    assert "请填写正确的异议截止时间" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(Selection, selection_id).published_at is None
    assert post(client, f"{page}/publish", page, appeal_until="2031-01-01T10:00").status_code == 302
    with app.app_context():
        assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.publish")) is not None
    staff = app.test_client()
    sign_in(staff, *people["b"])
    home = staff.get("/learn/").get_data(as_text=True)
    assert "网页评选" in home and f"/learn/selections/{selection_id}" in home
    announcement = staff.get(f"/learn/selections/{selection_id}").get_data(as_text=True)
    assert people["a"][1] in announcement and people["c"][1] in announcement
    assert people["d"][1] not in announcement  # not awarded
    assert "不满一年" not in announcement and "符合条件" not in announcement  # nobody's reasons
    token = csrf_of(staff, f"/learn/selections/{selection_id}")
    appeal = f"/learn/selections/{selection_id}/appeal"
    too_long = staff.post(appeal, data={"csrf_token": token, "text": "长" * 1001})
    assert too_long.status_code == 422 and "不能超过 1000 字" in too_long.get_data(as_text=True)
    assert staff.post(appeal, data={"text": "没有令牌"}).status_code == 403  # no CSRF token
    assert staff.post(appeal, data={"csrf_token": token, "text": "<b>我的起始日期有误</b>"}).status_code == 302
    again = staff.post(appeal, data={"csrf_token": token, "text": "再提一条"})
    assert again.status_code == 409 and "已有一条待处理的异议" in again.get_data(as_text=True)
    admin_page = client.get(page).get_data(as_text=True)
    assert "&lt;b&gt;我的起始日期有误&lt;/b&gt;" in admin_page
    with app.app_context():
        appeal_id = _db.session.scalar(select(SelectionAppeal.id))
    assert post(client, f"{page}/appeals/{appeal_id}", page, reply="已核对，起始日期无误").status_code == 302
    assert "已核对，起始日期无误" in staff.get(f"/learn/selections/{selection_id}").get_data(as_text=True)
    with app.app_context():
        _db.session.get(Selection, selection_id).appeal_until = datetime.now(UTC) - timedelta(minutes=1)
        _db.session.commit()
    late = staff.post(appeal, data={"csrf_token": token, "text": "截止以后"})
    assert late.status_code == 409 and "异议期已经截止" in late.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count(SelectionAppeal.id))) == 1
    other_group = app.test_client()
    sign_in(other_group, "PTM0101", _name_of(app, "PTM0101"))
    assert other_group.get(f"/learn/selections/{selection_id}").status_code == 404


def _name_of(app, staff_no):
    with app.app_context():
        return _db.session.scalar(select(Staff.name).where(Staff.staff_no == staff_no))


def test_the_result_downloads_as_xlsx_and_json(client, people):
    login(client, "org1")
    page = f"/admin/selections/{created_id(create(client, tie_mode='tie_break'))}"
    document = json.loads(client.get(f"{page}/selection.json").get_data())
    assert document["tie_mode"] == "tie_break"
    assert [r["name"] for r in document["people"] if r["award"]] == [people["a"][1], people["c"][1]]
    book = load_workbook(io.BytesIO(client.get(f"{page}/selection.xlsx").get_data()))
    assert book.sheetnames == ["个人评选", "单位评选", "名额", "说明"]
    names = [row[3] for row in book["个人评选"].iter_rows(min_row=3, values_only=True)]
    assert names[:3] == [people["b"][1], people["a"][1], people["c"][1]]


def test_a_draft_is_edited_in_place_and_a_per_group_selection_is_shown_per_group(app, client, people):
    login(client, "org1")
    page = f"/admin/selections/{created_id(create(client))}"
    form = client.get(f"{page}/edit").get_data(as_text=True)
    assert "title: 网页评选" in form
    text = SELECTION.replace("title: 网页评选", "title: 分组评选").replace("  parts:", "  scope: per_group\n  parts:")
    token = csrf_token(client, f"{page}/edit")
    response = client.post(f"{page}/edit", data={"csrf_token": token, "source": text, "tie_mode": "tie_break"})
    assert response.headers["Location"] == page
    shown = client.get(page).get_data(as_text=True)
    assert "第一组：各街镇社区事务受理中心 优秀个人" in shown and "按规定顺序决出并列" in shown
    with app.app_context():
        assert _db.session.scalar(select(func.count(Selection.id))) == 1
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.update"))
        assert (event.target, event.detail["tie_mode"]) == ("分组评选", "tie_break")
