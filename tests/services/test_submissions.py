"""Requirements and submissions: deadlines, late and withdrawn submissions, attachments stored only when checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from sqlalchemy import func, select

from quizengine.formats.roster import read_roster
from quizengine.models import Attachment, AuditEvent, Center, Requirement, Staff
from quizengine.services import submissions
from quizengine.services.errors import Refused
from quizengine.services.requirements import create_plan_requirements, dashboard, save_requirement
from quizengine.services.roster import import_roster
from tests.attachment_files import exe_bytes, pdf_bytes, png_bytes
from tests.conftest import REPO

CHANGSHOU, CAOJIADU = "长寿路街道社区事务受理服务中心", "曹家渡街道社区事务受理服务中心"
MARKET = "长寿路市场监督管理所"


@pytest.fixture
def roster(db):
    """The sample roster, in an app context."""
    data, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(data)
    return db


def center(db, name: str) -> Center:
    return db.session.scalar(select(Center).where(Center.name == name))


def requirement(kind="case", due=None, groups=("community",), multiple=None) -> Requirement:
    due = due or datetime.now(UTC) + timedelta(days=3)
    return save_requirement(
        None,
        title=f"测试 {kind}",
        kind=kind,
        description="",
        due_at=due,
        group_keys=groups,
        multiple=kind == "case" if multiple is None else multiple,
        allowed_groups=None,
    )


def stored_files() -> list[Path]:
    folder = Path(current_app.instance_path) / "attachments"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_the_plan_creates_five_requirements_due_at_the_end_of_the_day_in_shanghai(roster):
    made = create_plan_requirements(2021, ZoneInfo("Asia/Shanghai"), {"community", "market"})
    assert [(r.kind, r.due_at.isoformat()) for r in made] == [
        ("study_plan", "2021-08-30T15:59:00+00:00"),
        ("study_results", "2021-08-30T15:59:00+00:00"),
        ("skill_plan", "2021-09-30T15:59:00+00:00"),
        ("skill_results", "2021-09-30T15:59:00+00:00"),
        ("case", "2021-09-30T15:59:00+00:00"),
    ]
    assert [g.key for g in made[0].groups] == ["community", "market"]
    assert [r.multiple for r in made] == [False, False, False, False, True]


def test_an_organizer_cannot_set_a_requirement_for_another_group(roster):
    with pytest.raises(Refused) as refused:
        save_requirement(
            None,
            title="学习方案",
            kind="study_plan",
            description="",
            due_at=datetime.now(UTC),
            group_keys={"market"},
            multiple=False,
            allowed_groups={"community"},
        )
    assert refused.value.message == "应报材料的设置不正确：只能为自己负责的组设置应报材料"
    assert roster.session.scalar(select(func.count(Requirement.id))) == 0


def test_a_late_submission_is_accepted_and_marked_late_in_the_dashboard(roster):
    due = datetime.now(UTC) - timedelta(hours=1)
    late_one = requirement("study_plan", due=due)
    on_time = requirement("case")
    changshou = center(roster, CHANGSHOU)
    submissions.submit(late_one, changshou, title="学习方案")
    submissions.submit(on_time, changshou, title="一件事", category="高效办成一件事")
    board = dashboard(None, datetime.now(UTC))
    cells = dict((c.name, cells) for c, cells in board.rows)
    assert [cell.standing.state for cell in cells[CHANGSHOU]] == ["late", "on_time"]
    assert [cell.standing.state for cell in cells[CAOJIADU]] == ["missing", "missing"]
    assert MARKET not in cells  # the market group owes nothing here
    assert board.counts[late_one.id] == {"on_time": 0, "late": 1, "missing": 9}
    audit = roster.session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.create")).all()
    assert [e.detail["late"] for e in audit] == [True, False]


def test_a_withdrawn_submission_no_longer_counts(roster):
    plan = requirement("study_plan")
    changshou = center(roster, CHANGSHOU)
    handed = submissions.submit(plan, changshou, title="学习方案")
    submissions.withdraw(handed)
    cells = dict((c.name, cells) for c, cells in dashboard(None, datetime.now(UTC)).rows)
    assert cells[CHANGSHOU][0].standing.state == "missing"
    with pytest.raises(Refused) as refused:
        submissions.update(handed, title="改")
    assert refused.value.code == "submission_withdrawn"


def test_a_single_requirement_takes_one_submission_per_center(roster):
    plan = requirement("study_plan")
    changshou = center(roster, CHANGSHOU)
    submissions.submit(plan, changshou, title="学习方案")
    with pytest.raises(Refused) as refused:
        submissions.submit(plan, changshou, title="第二份")
    assert refused.value.message == "报送内容不完整或不正确：这项材料每个中心报送一份，请修改已报送的那份"


def test_a_case_needs_a_known_category(roster):
    with pytest.raises(Refused) as refused:
        submissions.submit(requirement("case"), center(roster, CHANGSHOU), title="案例", category="随便")
    assert refused.value.message == "报送内容不完整或不正确：请选择案例类别"


def test_a_deed_names_a_person_of_the_contacts_own_center(roster):
    deed = requirement("deed")
    changshou, caojiadu = center(roster, CHANGSHOU), center(roster, CAOJIADU)
    stranger = roster.session.scalar(select(Staff).where(Staff.center_id == caojiadu.id).limit(1))
    with pytest.raises(Refused) as refused:
        submissions.submit(deed, changshou, title="事迹", staff_id=stranger.id)
    assert refused.value.message == "报送内容不完整或不正确：请选择本中心的一位工作人员"
    own = roster.session.scalar(select(Staff).where(Staff.center_id == changshou.id).limit(1))
    assert submissions.submit(deed, changshou, title="事迹", staff_id=own.id).staff_id == own.id


def test_a_center_of_another_group_cannot_hand_in(roster):
    with pytest.raises(Refused) as refused:
        submissions.submit(requirement("case"), center(roster, MARKET), title="案例", category="好办")
    assert refused.value.code == "not_found"


def test_a_renamed_executable_is_refused_and_nothing_is_stored(roster):
    handed = submissions.submit(requirement("case"), center(roster, CHANGSHOU), title="案例", category="好办")
    with pytest.raises(Refused) as refused:
        submissions.add_attachment(handed, "案例材料.pdf", exe_bytes())
    assert refused.value.message == ("附件不予接收：文件类型不支持：只接收 PDF、Word 文档（DOCX）、PNG 和 JPEG 图片")
    assert roster.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files() == []


def test_an_oversize_attachment_is_refused_before_it_is_read(roster):
    current_app.config["ATTACHMENT_MAX_BYTES"] = 1024 * 1024
    handed = submissions.submit(requirement("case"), center(roster, CHANGSHOU), title="案例", category="好办")
    with pytest.raises(Refused) as refused:
        submissions.add_attachment(handed, "big.pdf", pdf_bytes() + b"\x00" * (1024 * 1024))
    assert refused.value.message == "附件太大：每个附件不超过 1 MB"
    assert stored_files() == []


def test_a_png_named_pdf_is_stored_as_a_png_by_its_hash_with_its_text_extracted_for_pdfs(roster):
    handed = submissions.submit(requirement("case"), center(roster, CHANGSHOU), title="案例", category="好办")
    image = submissions.add_attachment(handed, r"C:\scans\现场照片.pdf", png_bytes())
    document = submissions.add_attachment(handed, "材料.pdf", pdf_bytes("Window case text"))
    assert (image.kind, image.filename) == ("png", "现场照片.png")
    assert submissions.attachment_path(image.sha256).read_bytes() == png_bytes()
    assert (document.kind, document.filename) == ("pdf", "材料.pdf")
    assert "Window case text" in document.text
    assert len(stored_files()) == 2
