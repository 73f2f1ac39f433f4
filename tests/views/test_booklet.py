"""The booklet (汇编成册): the chosen cases and the selected people's deeds as a Word document and a printable page."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import docx
import pytest
from docx.oxml.ns import qn
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.formats.roster import read_roster
from quizengine.models import Center, Selection, Staff
from quizengine.services import submissions
from quizengine.services.requirements import save_requirement
from quizengine.services.roster import import_roster
from tests.attachment_files import png_bytes
from tests.conftest import REPO, csrf_token, login

CHANGSHOU, CAOJIADU, MARKET = "长寿路街道社区事务受理服务中心", "曹家渡街道社区事务受理服务中心", "长寿路市场监督管理所"


def _requirement(kind: str, groups) -> object:
    return save_requirement(
        None,
        title=f"2021年{kind}",
        kind=kind,
        description="",
        due_at=datetime.now(UTC) + timedelta(days=3),
        group_keys=groups,
        multiple=True,
        allowed_groups=None,
    )


@pytest.fixture
def handed_in(app, accounts):
    """Two cases of group 1 (one with a photo), one of group 2; deeds of 何娜刚 and 顾涛然; a frozen selection
    awarding 何娜刚 only."""
    with app.app_context():
        data, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(data)
        case, deed = _requirement("case", {"community", "market"}), _requirement("deed", {"community"})
        centers = {c.name: c for c in _db.session.scalars(select(Center))}
        people = {s.staff_no: s for s in _db.session.scalars(select(Staff))}
        first = submissions.submit(
            case, centers[CHANGSHOU], title="“一件事”集成服务", category="高效办成一件事", text="第一段。\n\n第二段。"
        )
        submissions.add_attachment(first, "现场.png", png_bytes(40, 30))
        second = submissions.submit(case, centers[CAOJIADU], title="好差评闭环", category="好差评", text="整改。")
        outside = submissions.submit(case, centers[MARKET], title="市场所的案例", category="快办", text="x")
        he, gu = (
            submissions.submit(deed, centers[CHANGSHOU], title=title, text=f"{name}的事迹。", staff_id=people[no].id)
            for no, name, title in (("PTC0101", "何娜刚", "窗口标兵"), ("PTC0102", "顾涛然", "服务明星"))
        )
        selection = Selection(
            title="2021 评选",
            source="",
            groups=["community"],
            frozen_at=datetime.now(UTC),
            document={"people": [{"staff_id": "PTC0101", "award": True}, {"staff_id": "PTC0102", "award": False}]},
        )
        _db.session.add(selection)
        _db.session.commit()
        cases = [first.id, second.id]
        return {"cases": cases, "outside": outside.id, "deeds": [he.id, gu.id], "selection": selection.id}


def build(client, data: dict):
    token = csrf_token(client, "/admin/booklet/")
    return client.post("/admin/booklet/", data={"csrf_token": token, **data})


def test_the_booklet_docx_has_the_chosen_chapters_in_order_with_chinese_typography(client, handed_in):
    login(client, "org1")
    data = {"case": [str(i) for i in handed_in["cases"]], "deed": [str(handed_in["deeds"][0])], "format": "docx"}
    response = build(client, data)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = docx.Document(io.BytesIO(response.data))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "第一部分　优秀工作案例"),
        ("Heading 2", "好差评闭环"),  # in the page's order: by group, then center (曹家渡 before 长寿路)
        ("Heading 2", "“一件事”集成服务"),
        ("Heading 1", "第二部分　先进个人事迹"),
        ("Heading 2", "何娜刚"),
    ]
    texts = [p.text for p in document.paragraphs]
    assert "普陀区人民政府办公室" in texts and "目　录" in texts
    assert "单位：长寿路街道社区事务受理服务中心　　类别：高效办成一件事" in texts
    assert texts.index("好差评闭环") < texts.index("第一段。") < texts.index("第二段。") < texts.index("何娜刚")
    assert len(document.inline_shapes) == 1  # the case's photo
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.styles["Normal"].element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_a_frozen_selection_limits_the_deeds_to_its_awarded_people(client, handed_in):
    login(client, "org1")
    page = client.get(f"/admin/booklet/?selection={handed_in['selection']}").get_data(as_text=True)
    assert "何娜刚" in page and "顾涛然" not in page
    everyone = client.get("/admin/booklet/").get_data(as_text=True)
    assert "何娜刚" in everyone and "顾涛然" in everyone
    refused = build(client, {"selection": str(handed_in["selection"]), "deed": str(handed_in["deeds"][1])})
    assert refused.status_code == 302
    assert "所选的材料不存在" in client.get(refused.headers["Location"]).get_data(as_text=True)


def test_an_organizer_cannot_put_another_groups_case_in_the_booklet(client, handed_in):
    login(client, "org1")
    assert "市场所的案例" not in client.get("/admin/booklet/").get_data(as_text=True)
    response = build(client, {"case": str(handed_in["outside"]), "format": "docx"})
    assert response.status_code == 302


def test_the_printable_booklet_has_the_chapters_and_escapes_names(app, client, handed_in):
    with app.app_context():
        case = _db.session.get(submissions.Submission, handed_in["cases"][1])
        case.title = "<script>alert(1)</script>"
        _db.session.commit()
    login(client, "admin1")
    response = build(client, {"case": [str(i) for i in handed_in["cases"]], "format": "html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.rindex("&lt;script&gt;alert(1)&lt;/script&gt;") < page.rindex("“一件事”集成服务")
    assert "<script>alert" not in page and "css/booklet.css" in page


def test_choosing_nothing_asks_for_a_choice(client, handed_in):
    login(client, "org1")
    response = build(client, {"format": "docx"})
    assert "请至少选择一篇案例或事迹" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_title_with_control_characters_and_slashes_still_makes_a_booklet(client, handed_in):
    login(client, "org1")
    response = build(client, {"case": str(handed_in["cases"][0]), "title": "汇编\x01/2021\r\n版", "format": "docx"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E6%B1%87%E7%BC%96" in response.headers["Content-Disposition"]
    title = docx.Document(io.BytesIO(response.data)).paragraphs[6]
    assert (title.style.name, title.text) == ("Title", "汇编/2021 版")
