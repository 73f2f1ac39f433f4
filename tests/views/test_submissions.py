"""The center contact's pages, the organizers' requirements and dashboard, and who may open what."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizengine.extensions import db as _db
from quizengine.formats.roster import read_roster
from quizengine.models import Attachment, Center, Requirement, Submission
from quizengine.services import submissions
from quizengine.services.accounts import AccountError, create_user
from quizengine.services.requirements import save_requirement
from quizengine.services.roster import import_roster
from tests.attachment_files import exe_bytes, png_bytes
from tests.conftest import PASSWORD, REPO, csrf_token, login

CHANGSHOU, CAOJIADU = "长寿路街道社区事务受理服务中心", "曹家渡街道社区事务受理服务中心"


@pytest.fixture
def hall(app, accounts):
    """The sample roster; contacts of two centers, a judge; a case requirement (due in 3 days) and a past one."""
    with app.app_context():
        data, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(data)
        create_user("contact1", PASSWORD, "center_contact", center_name=CHANGSHOU)
        create_user("contact2", PASSWORD, "center_contact", center_name=CAOJIADU)
        create_user("judge1", PASSWORD, "judge", center_name=CAOJIADU, bureau="区民政局")
        case = save_requirement(
            None,
            title="2021年工作案例",
            kind="case",
            description="",
            due_at=datetime.now(UTC) + timedelta(days=3),
            group_keys={"community"},
            multiple=True,
            allowed_groups=None,
        )
        plan = save_requirement(
            None,
            title="2021年学习方案",
            kind="study_plan",
            description="",
            due_at=datetime.now(UTC) - timedelta(days=1),
            group_keys={"community"},
            multiple=False,
            allowed_groups=None,
        )
        center2 = _db.session.scalar(select(Center).where(Center.name == CAOJIADU))
        other = submissions.submit(case, center2, title="曹家渡的案例", category="好办", text="曹家渡正文")
        attachment = submissions.add_attachment(other, "照片.png", png_bytes())
        return {"case": case.id, "plan": plan.id, "other": other.id, "other_attachment": attachment.id}


def post_form(client, page: str, action: str, data: dict, **kwargs):
    data = {"csrf_token": csrf_token(client, page), **data}
    return client.post(action, data=data, **kwargs)


def test_a_center_contact_lands_on_their_center_page_and_a_judge_on_the_judge_home(client, hall):
    assert login(client, "contact1").headers["Location"] == "/center/"
    page = client.get("/center/").get_data(as_text=True)
    assert CHANGSHOU in page and "2021年工作案例" in page and "未报送" in page and "剩余 2 天" in page
    assert "管理后台" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/center/")})
    assert login(client, "judge1").headers["Location"] == "/judge/"


def test_creating_a_center_contact_without_a_center_is_refused(app, accounts):
    with app.app_context(), pytest.raises(AccountError, match="中心联络员必须指定所在中心"):
        create_user("contact9", PASSWORD, "center_contact")


@pytest.mark.parametrize("username", ["contact1", "judge1"])
def test_center_contacts_and_judges_open_no_admin_page(app, client, hall, username):
    login(client, username)
    paths = sorted(
        {
            re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/admin") and "GET" in rule.methods
        }
    )
    assert len(paths) > 30
    opened = {path: client.get(path).status_code for path in paths}
    assert {path: status for path, status in opened.items() if status not in (403, 404)} == {}


def test_a_contact_hands_in_a_late_study_plan_and_sees_it_marked_late(client, hall):
    login(client, "contact1")
    page = f"/center/requirements/{hall['plan']}/new"
    response = post_form(client, page, page, {"title": "长寿路学习方案", "text": "第一段\n第二段"})
    assert response.status_code == 302
    listing = client.get("/center/").get_data(as_text=True)
    assert "逾期报送" in listing and "长寿路学习方案" in listing and "已截止" in listing


def test_a_contact_cannot_see_edit_withdraw_or_download_another_centers_submission(client, hall):
    login(client, "contact1")
    other = hall["other"]
    assert client.get(f"/center/submissions/{other}").status_code == 404
    assert client.get(f"/center/attachments/{hall['other_attachment']}").status_code == 404
    token = csrf_token(client, "/center/")
    assert client.post(f"/center/submissions/{other}", data={"csrf_token": token, "title": "x"}).status_code == 404
    assert client.post(f"/center/submissions/{other}/withdraw", data={"csrf_token": token}).status_code == 404
    delete = f"/center/attachments/{hall['other_attachment']}/delete"
    assert client.post(delete, data={"csrf_token": token}).status_code == 404


def test_the_owner_downloads_an_attachment_under_a_safe_name_as_the_type_checked(client, hall):
    login(client, "contact2")
    response = client.get(f"/center/attachments/{hall['other_attachment']}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%85%A7%E7%89%87.png" in response.headers["Content-Disposition"]
    assert response.data == png_bytes()
    response.close()


def test_uploading_a_renamed_executable_says_why_and_stores_nothing(app, client, hall):
    login(client, "contact2")
    page = f"/center/submissions/{hall['other']}"
    response = post_form(
        client,
        page,
        f"{page}/attachments",
        {"file": (io.BytesIO(exe_bytes()), "案例.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "附件 案例.pdf：附件不予接收：文件类型不支持" in text
    with app.app_context():
        assert _db.session.scalar(select(func.count(Attachment.id))) == 1


def test_a_new_case_with_its_first_attachment_is_stored(app, client, hall):
    login(client, "contact1")
    page = f"/center/requirements/{hall['case']}/new"
    data = {"title": "“一件事”改革", "category": "快办", "text": "正文", "file": (io.BytesIO(png_bytes()), "图.png")}
    response = post_form(client, page, page, data, content_type="multipart/form-data", follow_redirects=True)
    assert "已报送" in response.get_data(as_text=True) and "图.png" in response.get_data(as_text=True)
    with app.app_context():
        case = _db.session.scalar(select(Submission).where(Submission.title == "“一件事”改革"))
        assert (case.category, case.center.name, [a.kind for a in case.attachments]) == ("快办", CHANGSHOU, ["png"])


def test_an_organizer_of_another_group_gets_404_for_the_groups_requirement_and_submission(client, hall):
    login(client, "org2")
    assert client.get(f"/admin/requirements/{hall['case']}").status_code == 404
    assert client.get(f"/admin/requirements/submissions/{hall['other']}").status_code == 404
    assert client.get(f"/admin/requirements/attachments/{hall['other_attachment']}").status_code == 404
    assert "2021年工作案例" not in client.get("/admin/requirements/").get_data(as_text=True)


def test_the_dashboard_shows_each_centers_state_and_exports_it(client, hall):
    login(client, "org1")
    page = client.get("/admin/requirements/dashboard").get_data(as_text=True)
    assert "曹家渡的案例" in page and "已报送 1 · 逾期 0 · 未报送 9" in page
    response = client.get("/admin/requirements/dashboard.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["报送情况"].iter_rows(values_only=True))
    assert rows[0] == (
        "组",
        "中心",
        "主管单位",
        "应报材料",
        "材料类别",
        "截止时间",
        "状态",
        "报送时间",
        "份数",
        "标题",
        "最后修改",
    )
    caojiadu = [r for r in rows if r[1] == CAOJIADU]
    assert [(r[3], r[6], r[8]) for r in caojiadu] == [("2021年学习方案", "未报送", 0), ("2021年工作案例", "已报送", 1)]
    assert isinstance(caojiadu[1][5], datetime) and isinstance(caojiadu[1][7], datetime)
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[1][0] == "2021年学习方案" and summary[1][2:] == (0, 0, 10)


def test_an_organizer_creates_the_plans_requirements_in_one_click(app, client, hall):
    login(client, "org1")
    response = post_form(client, "/admin/requirements/", "/admin/requirements/plan", {"year": "2022"})
    assert response.status_code == 302
    with app.app_context():
        made = _db.session.scalars(select(Requirement).where(Requirement.title.like("2022年%"))).all()
        assert sorted(r.kind for r in made) == ["case", "skill_plan", "skill_results", "study_plan", "study_results"]
        assert {g.key for r in made for g in r.groups} == {"community"}


def test_an_organizer_adds_a_requirement_due_in_local_time(app, client, hall):
    login(client, "org1")
    data = {"title": "个人事迹", "kind": "deed", "due_at": "2021-09-30T18:00", "groups": "community"}
    data["multiple"] = "auto"
    assert post_form(client, "/admin/requirements/", "/admin/requirements/", data).status_code == 302
    with app.app_context():
        deed = _db.session.scalar(select(Requirement).where(Requirement.title == "个人事迹"))
        assert (deed.due_at.isoformat(), deed.multiple) == ("2021-09-30T10:00:00+00:00", True)


def test_a_requirement_for_a_group_not_ones_own_is_refused(app, client, hall):
    login(client, "org1")
    data = {"title": "越权", "kind": "case", "due_at": "2021-09-30T18:00", "groups": "market", "multiple": "auto"}
    response = post_form(client, "/admin/requirements/", "/admin/requirements/", data)
    assert response.status_code == 422
    assert "只能为自己负责的组设置应报材料" in response.get_data(as_text=True)
    plan = {"year": "2022", "groups": "market"}
    response = post_form(client, "/admin/requirements/", "/admin/requirements/plan", plan)
    assert response.status_code == 422
    assert "只能为自己负责的组设置应报材料" in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count(Requirement.id))) == 2


def test_an_admin_creates_a_center_contact_on_the_users_page_and_is_told_when_the_center_is_missing(app, client, hall):
    login(client, "admin1")
    token = csrf_token(client, "/admin/users")
    missing = client.post("/admin/users", data={"csrf_token": token, "username": "contact9", "role": "center_contact"})
    assert "中心联络员必须指定所在中心" in missing.get_data(as_text=True)
    data = {"csrf_token": token, "username": "contact9", "role": "center_contact", "center": CHANGSHOU}
    page = client.post("/admin/users", data=data).get_data(as_text=True)
    assert "已创建账号 contact9" in page and "初始密码" in page
    with app.app_context():
        from quizengine.models import User

        assert _db.session.scalar(select(User).where(User.username == "contact9")).center.name == CHANGSHOU


def test_an_admin_sets_a_centers_bureau_on_the_structure_page(app, client, hall):
    with app.app_context():
        changshou = _db.session.scalar(select(Center).where(Center.name == CHANGSHOU))
        center_id, group_id = changshou.id, changshou.group_id
    login(client, "admin1")
    page = f"/admin/groups/centers/{center_id}"
    data = {"name": CHANGSHOU, "group_id": str(group_id), "bureau": "长寿路街道办事处"}
    assert post_form(client, page, page, data).status_code == 302
    assert "主管单位 长寿路街道办事处" in client.get("/admin/groups/").get_data(as_text=True)


def test_an_organizer_watches_a_requirement_of_several_groups_for_their_own_centers_only(app, client, hall):
    with app.app_context():
        shared = save_requirement(
            None,
            title="全区学习实施结果",
            kind="study_results",
            description="",
            due_at=datetime.now(UTC) + timedelta(days=3),
            group_keys={"community", "market"},
            multiple=False,
            allowed_groups=None,
        )
        shared_id = shared.id
    login(client, "org2")
    listing = client.get("/admin/requirements/").get_data(as_text=True)
    assert "全区学习实施结果" in listing and f'/admin/requirements/{shared_id}"' not in listing
    assert client.get(f"/admin/requirements/{shared_id}").status_code == 404  # changing it takes both groups
    board = client.get("/admin/requirements/dashboard").get_data(as_text=True)
    assert "长寿路市场监督管理所" in board and CHANGSHOU not in board and "未报送 10" in board


def test_an_on_time_submission_edited_after_the_deadline_says_so_in_the_dashboard(app, client, hall):
    with app.app_context():
        case = _db.session.get(Submission, hall["other"])
        case.requirement.due_at = datetime.now(UTC) - timedelta(minutes=30)
        case.submitted_at = case.requirement.due_at - timedelta(hours=1)
        _db.session.commit()
        submissions.update(case, title="曹家渡的案例（改）", category="好办", text="改过")
    login(client, "org1")
    page = client.get("/admin/requirements/dashboard").get_data(as_text=True)
    assert "曹家渡的案例（改）" in page and "截止后修改于" in page
