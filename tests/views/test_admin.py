"""The web admin: role boundaries, bank upload errors, roster import, the audit log."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.formats.roster import read_roster
from quizengine.models import AuditEvent, Bank, Staff
from quizengine.services.roster import import_roster
from tests.conftest import FIXTURES, REPO, csrf_token, login
from tests.test_roster import write_xlsx


@pytest.fixture
def roster(app, accounts):
    """The sample roster, loaded."""
    with app.app_context():
        data, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(data)


def staff_id(app, staff_no: str) -> int:
    with app.app_context():
        return _db.session.scalar(select(Staff.id).where(Staff.staff_no == staff_no))


def upload(client, path: str, name: str, content: bytes, field: str = "file"):
    token = csrf_token(client, path)
    return client.post(
        path, data={"csrf_token": token, field: (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("trainer1", "/admin/roster/", 403),
        ("trainer1", "/admin/users", 403),
        ("trainer1", "/admin/audit", 403),
        ("org1", "/admin/users", 403),
        ("org1", "/admin/audit.csv", 403),
        ("org1", "/admin/roster/", 200),
        ("trainer1", "/admin/banks/", 200),
        ("admin1", "/admin/audit", 200),
    ],
)
def test_each_role_reaches_only_its_pages(client, accounts, username, path, status):
    login(client, username)
    assert client.get(path).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/admin/", "/admin/banks/", "/admin/roster/", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_organizer_sees_and_edits_only_their_own_group(app, client, roster):
    login(client, "org1")
    page = client.get("/admin/roster/").get_data(as_text=True)
    assert "PTC0101" in page and "PTM0101" not in page  # community staff yes, market staff no
    assert client.get(f"/admin/roster/staff/{staff_id(app, 'PTM0101')}").status_code == 404
    own = f"/admin/roster/staff/{staff_id(app, 'PTC0101')}"
    token = csrf_token(client, own)
    with app.app_context():
        market_center = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTM0101")).center_id
        own_center = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0102")).center_id
    moved = client.post(own, data={"csrf_token": token, "name": "改名", "center_id": market_center, "at_window": "y"})
    assert moved.status_code == 200  # refused: the market center is not among the choices
    saved = client.post(own, data={"csrf_token": token, "name": "改名", "center_id": own_center, "at_window": "y"})
    assert saved.status_code == 302
    with app.app_context():
        person = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        assert (person.name, person.center_id) == ("改名", own_center)
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.edit"))
        assert event.username == "org1" and event.target == "PTC0101" and "name" in event.detail


def test_a_left_date_is_edited_with_the_at_window_box_unticked(app, client, roster):
    login(client, "org1")
    own = f"/admin/roster/staff/{staff_id(app, 'PTC0101')}"
    token = csrf_token(client, own)
    with app.app_context():
        person = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        center, name = person.center_id, person.name
    form = {"csrf_token": token, "name": name, "center_id": center, "window_since": "2019-03-01"}
    contradicts = client.post(own, data={**form, "at_window": "y", "window_until": "2021-06-30"})
    assert contradicts.status_code == 200
    assert "填写了离开窗口日期，请取消“目前在窗口工作”" in contradicts.get_data(as_text=True)
    saved = client.post(own, data={**form, "window_until": "2021-06-30"})
    assert saved.status_code == 302
    with app.app_context():
        person = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        assert (person.window_until, person.at_window) == (date(2021, 6, 30), False)
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.edit"))
        assert "window_until" in event.detail


def test_organizer_cannot_import_rows_of_another_group(app, client, roster, tmp_path):
    login(client, "org1")
    rows = [["PTX001", "新人", "长寿路市场监督管理所", "", None, "是"]]
    response = upload(client, "/admin/roster/", "名单.xlsx", write_xlsx(tmp_path / "r.xlsx", rows).read_bytes())
    assert response.status_code == 422
    assert "不在您负责的组内" in response.get_data(as_text=True)
    assert staff_id(app, "PTX001") is None


def test_roster_import_through_the_web_and_the_template(app, client, accounts, tmp_path):
    login(client, "admin1")
    template = client.get("/admin/roster/template.xlsx")
    book = load_workbook(io.BytesIO(template.data))
    assert [c.value for c in book["人员"][1]] == [
        "工号",
        "姓名",
        "中心",
        "组",
        "窗口工作起始日期",
        "是否在窗口",
        "离开窗口日期",
    ]
    rows = [["PT900", "王五", "万里街道社区事务受理服务中心", "community", "2020-01-02", "是"]]
    response = upload(client, "/admin/roster/", "r.xlsx", write_xlsx(tmp_path / "r.xlsx", rows).read_bytes())
    assert response.status_code == 302
    assert "新增 1 人" in client.get("/admin/roster/?q=PT900").get_data(as_text=True)
    bad = upload(
        client,
        "/admin/roster/",
        "r.xlsx",
        write_xlsx(tmp_path / "b.xlsx", [["PT901", "", "x", "", "", ""]]).read_bytes(),
    )
    assert bad.status_code == 422
    assert "第 2 行第 2 列：姓名为空" in bad.get_data(as_text=True)


def test_bank_upload_shows_every_error_with_its_line_and_stores_nothing(app, client, accounts):
    login(client, "trainer1")
    content = (FIXTURES / "banks" / "invalid" / "answers.yaml").read_bytes()
    response = upload(client, "/admin/banks/", "answers.yaml", content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "answers.yaml:12:13" in page and "answer-not-in-options" in page
    assert page.count('class="problem problem-error"') == 7
    assert "  12 │     answer: E  # ERROR: answer-not-in-options" in page
    with app.app_context():
        assert _db.session.scalar(select(Bank)) is None


def test_valid_bank_upload_is_stored_previewed_and_audited(app, client, accounts):
    login(client, "trainer1")
    response = upload(client, "/admin/banks/", "example.yaml", (FIXTURES / "banks" / "valid_example.yaml").read_bytes())
    assert response.status_code == 302
    preview = client.get("/admin/banks/haochaping").get_data(as_text=True)
    assert "建立政务服务“好差评”制度的国务院办公厅意见的文号是？" in preview
    assert "共 4 题" in preview
    with app.app_context():
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.import"))
        assert (event.username, event.target, event.detail["status"]) == ("trainer1", "haochaping", "created")


def test_organizer_may_view_but_not_upload_banks(client, accounts):
    login(client, "org1")
    response = upload(client, "/admin/banks/", "b.yaml", (FIXTURES / "banks" / "valid_example.yaml").read_bytes())
    assert response.status_code == 403


def test_names_are_escaped_in_admin_pages(app, client, accounts, tmp_path):
    login(client, "admin1")
    rows = [["PT666", "<img src=x onerror=alert(1)>", "<b>中心</b>", "community", None, None]]
    upload(client, "/admin/roster/", "r.xlsx", write_xlsx(tmp_path / "r.xlsx", rows).read_bytes())
    page = client.get("/admin/roster/?q=PT666").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>中心</b>" not in page


def test_audit_log_lists_actions_and_exports_csv(app, client, accounts):
    login(client, "admin1")
    token = csrf_token(client, "/admin/users")
    client.post(
        "/admin/users", data={"csrf_token": token, "username": "org3", "role": "organizer", "groups": ["government"]}
    )
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.create" in page and "org3" in page
    export = client.get("/admin/audit.csv")
    assert export.mimetype == "text/csv"
    text = export.data.decode("utf-8-sig")
    assert "admin1,user.create,org3,groups=government; role=organizer" in text


def test_roster_upload_reports_file_and_database_problems_together(app, client, accounts, tmp_path):
    login(client, "admin1")
    rows = [
        ["PT901", "", "甲中心", "community", None, None],
        ["PT902", "李四", "乙中心", "no-such-group", None, None],
    ]
    response = upload(client, "/admin/roster/", "r.xlsx", write_xlsx(tmp_path / "r.xlsx", rows).read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 2 行第 2 列：姓名为空" in page and "第 3 行：未知的组 no-such-group" in page
    assert staff_id(app, "PT901") is None and staff_id(app, "PT902") is None


def test_bank_upload_reports_a_clash_with_stored_banks_with_the_files_own_errors(app, client, accounts):
    login(client, "trainer1")
    assert (
        upload(client, "/admin/banks/", "a.yaml", (FIXTURES / "banks" / "valid_example.yaml").read_bytes()).status_code
        == 302
    )
    content = (
        "bank: {id: other, title: 另一个, version: 1, tags: {}}\n"
        "questions:\n"
        "  - {id: hcp-001, type: judge, stem: 重复的编号, answer: 对}\n"
        "  - {id: o-2, type: judge, stem: 答案无法识别, answer: 也许}\n"
    ).encode()
    page = upload(client, "/admin/banks/", "b.yaml", content).get_data(as_text=True)
    assert "b.yaml:3:10" in page and "已被数据库中的题库 haochaping 使用" in page
    assert "b.yaml:4:50" in page and "judge-answer" in page


def test_an_upload_the_worker_cannot_finish_is_refused_with_a_reason(app, client, accounts):
    app.config["UPLOAD_PARSE_MEMORY_MB"] = 30  # too little for Python itself to load the parser
    login(client, "trainer1")
    response = upload(client, "/admin/banks/", "a.yaml", (FIXTURES / "banks" / "valid_example.yaml").read_bytes())
    assert response.status_code == 422
    assert "文件过于复杂，读取时需要超过 30 MB 内存" in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(Bank)) is None


def test_the_bank_page_names_question_types_in_chinese_and_shows_local_time(app, client, accounts):
    from zoneinfo import ZoneInfo

    from quizengine.models import BankRevision

    login(client, "trainer1")
    upload(client, "/admin/banks/", "example.yaml", (FIXTURES / "banks" / "valid_example.yaml").read_bytes())
    page = client.get("/admin/banks/haochaping").get_data(as_text=True)
    stats = page[page.index("题型：") :].split("</p>")[0]
    assert "单选" in stats and "判断" in stats
    for key in ("single", "multiple", "judge", "fill"):
        assert key not in stats
    with app.app_context():
        imported = _db.session.scalar(select(BankRevision.imported_at))
    local = imported.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"导入于 {local}" in page and " UTC" not in page
