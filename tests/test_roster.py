"""Roster files: xlsx, csv and yaml, with row-numbered problems."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from quizengine.formats.roster import read_roster
from tests.conftest import REPO

HEADER = ["工号", "姓名", "中心", "组", "窗口工作起始日期", "是否在窗口"]


def write_xlsx(path, rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_rows_are_read_with_dates_numbers_and_yes_no(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["PT001", "张三", "长寿路街道社区事务受理服务中心", "community", date(2019, 3, 1), "是"],
            [1002, "李四", "长寿路街道社区事务受理服务中心", "", "2020/7/15", "否"],
        ],
    )
    roster, problems = read_roster(path, max_bytes=10**6)
    assert problems == []
    first, second = roster.staff
    assert (first.staff_no, first.window_since, first.at_window) == ("PT001", date(2019, 3, 1), True)
    assert (second.staff_no, second.window_since, second.at_window) == ("1002", date(2020, 7, 15), False)


def test_xlsx_problems_name_row_and_column(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["PT001", "张三", "某中心", "community", "2019-03-01", "是"],
            ["PT002", "", "某中心", "community", "2019-13-01", "也许"],
            ["PT001", "王五", "某中心", "community", None, None],
        ],
    )
    roster, problems = read_roster(path, max_bytes=10**6)
    assert roster is None
    assert {(p.line, p.column, p.code) for p in problems} == {
        (3, 2, "value"),  # empty name
        (3, 5, "value"),  # month 13
        (3, 6, "value"),  # 也许 is neither yes nor no
        (4, 1, "duplicate-id"),
    }
    assert str(problems[0]).startswith(f"{path}:3:2: error[value]: 姓名为空")


def test_missing_required_column_is_reported_on_the_header(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["张三", "某中心"]], header=["姓名", "中心"])
    roster, problems = read_roster(path, max_bytes=10**6)
    assert roster is None
    assert [(p.line, p.code) for p in problems] == [(1, "missing-key")]
    assert "工号" in problems[0].message


def test_csv_in_utf8_and_in_gbk_from_excel(tmp_path):
    text = "工号,姓名,中心,组\nPT001,张三,甘泉路市场监督管理所,market\n"
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"r-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        roster, problems = read_roster(path, max_bytes=10**6)
        assert problems == []
        assert [(s.name, s.center, s.group) for s in roster.staff] == [("张三", "甘泉路市场监督管理所", "market")]


def test_unknown_columns_are_a_warning_not_an_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("工号,姓名,中心,备注\nPT001,张三,某中心,新人\n", encoding="utf-8")
    roster, problems = read_roster(path, max_bytes=10**6)
    assert roster is not None
    assert [(p.line, p.column, p.severity) for p in problems] == [(1, 4, "warning")]


def test_yaml_roster_problems_carry_lines(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "staff:\n"
        "  - staff_id: PT001\n"
        "    name: 张三\n"
        "    center: 某中心\n"
        "  - staff_id: PT 002\n"
        "    name: 李四\n"
        "    center: 某中心\n"
        "    shoe_size: 42\n",
        encoding="utf-8",
    )
    roster, problems = read_roster(path, max_bytes=10**6)
    assert roster is None
    assert {(p.line, p.code) for p in problems} == {(5, "value"), (8, "unknown-key")}


def test_unsupported_format_and_size_cap(tmp_path):
    (tmp_path / "r.xls").write_bytes(b"old")
    assert read_roster(tmp_path / "r.xls", max_bytes=10**6)[1][0].code == "format"
    (tmp_path / "r.csv").write_text("工号,姓名,中心\n" * 100, encoding="utf-8")
    assert read_roster(tmp_path / "r.csv", max_bytes=100)[1][0].code == "too-large"


def test_sample_roster_has_three_groups_and_valid_staff():
    roster, problems = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    assert problems == []
    assert [g.key for g in roster.groups] == ["community", "market", "government"]
    assert len(roster.staff) >= 100
    assert any(not s.at_window for s in roster.staff)
    assert any(s.window_since and s.window_since > date(2020, 9, 30) for s in roster.staff)
