"""Applying rosters to the database: idempotent by staff id, all or nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from quizengine.formats.roster import read_roster
from quizengine.models import Center, Group, Staff
from quizengine.services.roster import import_roster
from tests.conftest import REPO
from tests.test_roster import write_xlsx


def load(path):
    roster, problems = read_roster(path, max_bytes=10**7)
    assert problems == [] or all(not p.is_error for p in problems)
    return roster


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_sample_roster_imports_then_reimports_unchanged(db):
    roster = load(REPO / "examples" / "roster.yaml")
    first = import_roster(roster)
    assert (first.created, first.updated, first.groups_created) == (len(roster.staff), 0, 3)
    second = import_roster(roster)
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(roster.staff))
    assert count(db, Staff) == len(roster.staff)
    assert count(db, Group) == 3
    assert count(db, Center) == 26


def test_reimport_updates_by_staff_id(db, tmp_path):
    rows = [["PT001", "张三", "长寿路街道社区事务受理服务中心", "community", date(2019, 3, 1), "是"]]
    import_roster(load(write_xlsx(tmp_path / "a.xlsx", rows)))
    rows[0][1], rows[0][5] = "张三丰", "否"
    report = import_roster(load(write_xlsx(tmp_path / "b.xlsx", rows)))
    assert (report.created, report.updated) == (0, 1)
    person = db.session.scalar(select(Staff).where(Staff.staff_no == "PT001"))
    assert (person.name, person.at_window, person.center.group.key) == ("张三丰", False, "community")


def test_a_bad_row_changes_nothing(db, tmp_path):
    import_roster(load(write_xlsx(tmp_path / "a.xlsx", [["PT001", "张三", "甲中心", "community", None, None]])))
    rows = [
        ["PT001", "改名", "甲中心", "community", None, None],
        ["PT002", "李四", "乙中心", "no-such-group", None, None],
    ]
    report = import_roster(load(write_xlsx(tmp_path / "b.xlsx", rows)))
    assert [(p.line, "no-such-group" in p.message) for p in report.problems] == [(3, True)]
    db.session.expire_all()
    assert db.session.scalar(select(Staff.name).where(Staff.staff_no == "PT001")) == "张三"
    assert count(db, Staff) == 1
    assert db.session.scalar(select(Center).where(Center.name == "乙中心")) is None


def test_new_center_needs_a_group_and_cannot_switch_groups(db, tmp_path):
    import_roster(load(write_xlsx(tmp_path / "a.xlsx", [["PT001", "张三", "甲中心", "community", None, None]])))
    report = import_roster(load(write_xlsx(tmp_path / "b.xlsx", [["PT002", "李四", "新中心", "", None, None]])))
    assert "请在“组”列写明" in report.problems[0].message
    report = import_roster(load(write_xlsx(tmp_path / "c.xlsx", [["PT003", "王五", "甲中心", "market", None, None]])))
    assert "属于" in report.problems[0].message
    report = import_roster(load(write_xlsx(tmp_path / "d.xlsx", [["PT004", "赵六", "甲中心", "", None, None]])))
    assert report.problems == () and report.created == 1


def test_group_may_be_named_by_its_chinese_name(db, tmp_path):
    rows = [["PT001", "张三", "区行政服务中心", "第三组：区行政服务中心和各部门政务服务中心", None, None]]
    report = import_roster(load(write_xlsx(tmp_path / "a.xlsx", rows)))
    assert report.problems == ()
    assert db.session.scalar(select(Center).where(Center.name == "区行政服务中心")).group.key == "government"


def test_file_and_database_problems_of_a_roster_come_back_at_once(db, tmp_path):
    # Before, the unknown groups showed only once the empty name and the bad date were fixed.
    rows = [
        ["PT001", "", "甲中心", "community", None, None],  # row 2: empty name
        ["PT002", "李四", "乙中心", "no-such-group", None, None],  # row 3: unknown group
        ["PT003", "王五", "丙中心", "no-such-group", "2019-13-01", None],  # row 4: both
    ]
    roster, problems = read_roster(write_xlsx(tmp_path / "r.xlsx", rows), max_bytes=10**6, partial=True)
    report = import_roster(roster, file_problems=problems)
    assert [(p.line, p.column) for p in report.problems] == [(2, 2), (3, 1), (4, 1), (4, 5)]
    assert "no-such-group" in report.problems[1].message and "no-such-group" in report.problems[2].message
    assert count(db, Staff) == 0
    assert count(db, Center) == 0


def test_an_organizers_import_cannot_take_over_another_groups_staff(db, tmp_path):
    import_roster(load(REPO / "examples" / "roster.yaml"))
    market_person = db.session.scalar(select(Staff).where(Staff.staff_no == "PTM0101"))
    market_center = market_person.center.name
    rows = [
        ["PTC9001", "新同事", "长寿路街道社区事务受理服务中心", "community", date(2020, 1, 1), "是"],
        ["PTM0101", "冒名", "长寿路街道社区事务受理服务中心", "community", date(2020, 1, 1), "是"],
    ]
    report = import_roster(load(write_xlsx(tmp_path / "take.xlsx", rows)), allowed_groups={"community"})
    assert [(p.line, p.code) for p in report.problems] == [(3, "value")]
    assert "PTM0101" in report.problems[0].message
    db.session.expire_all()
    person = db.session.scalar(select(Staff).where(Staff.staff_no == "PTM0101"))
    assert (person.name, person.center.name) == (market_person.name, market_center)
    assert db.session.scalar(select(Staff).where(Staff.staff_no == "PTC9001")) is None  # nothing changed


def test_staff_ids_are_stored_folded_and_match_however_typed(db, tmp_path):
    from quizengine.services.identity import identify

    rows = [["ｐｔ００１", "张 三", "长寿路街道社区事务受理服务中心", "community", date(2019, 3, 1), "是"]]
    import_roster(load(write_xlsx(tmp_path / "a.xlsx", rows)))
    assert db.session.scalar(select(Staff.staff_no)) == "PT001"
    assert identify("pt001", "张三").staff_no == "PT001"
    assert identify(" ＰＴ００１ ", "张三").staff_no == "PT001"
    again = import_roster(load(write_xlsx(tmp_path / "b.xlsx", [["pt001", *rows[0][1:]]])))
    assert (again.created, again.unchanged) == (0, 1)


def test_a_left_date_is_stored_and_cleared_by_reimport(db, tmp_path):
    header = ["工号", "姓名", "中心", "组", "窗口工作起始日期", "是否在窗口", "离开窗口日期"]
    rows = [["PT001", "张三", "甲中心", "community", date(2019, 3, 1), "", date(2021, 6, 30)]]
    import_roster(load(write_xlsx(tmp_path / "a.xlsx", rows, header=header)))
    person = db.session.scalar(select(Staff).where(Staff.staff_no == "PT001"))
    assert (person.window_until, person.at_window) == (date(2021, 6, 30), False)
    rows[0][5:] = ["是", None]
    report = import_roster(load(write_xlsx(tmp_path / "b.xlsx", rows, header=header)))
    assert report.updated == 1
    db.session.expire_all()
    person = db.session.scalar(select(Staff).where(Staff.staff_no == "PT001"))
    assert (person.window_until, person.at_window) == (None, True)


def test_a_roster_with_a_bad_left_date_stores_nothing(db, tmp_path):
    header = ["工号", "姓名", "中心", "组", "窗口工作起始日期", "是否在窗口", "离开窗口日期"]
    rows = [
        ["PT001", "张三", "甲中心", "community", "2019-03-01", "", "2021-06-30"],
        ["PT002", "李四", "甲中心", "community", "2019-03-01", "是", "2021-06-30"],
    ]
    roster, problems = read_roster(write_xlsx(tmp_path / "a.xlsx", rows, header=header), max_bytes=10**6, partial=True)
    report = import_roster(roster, file_problems=problems)
    assert [(p.line, p.column) for p in report.problems] == [(3, 6)]
    assert count(db, Staff) == 0
