"""Roster files: xlsx, csv and yaml, with row-numbered problems."""

from __future__ import annotations

import time
import tracemalloc
from datetime import date

from openpyxl import Workbook

from quizengine import untrusted
from quizengine.formats.roster import read_roster
from quizengine.untrusted import MAX_COLUMNS, MAX_ROWS
from tests.conftest import REPO
from tests.hostile import huge_dimension_xlsx, workbook_bytes, zip_bomb_xlsx

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


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    # Before the check, openpyxl inflated every row: 100 MB of them froze the server for over 90 s.
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb_xlsx(20))  # 20 MB of rows in about 30 KB
    started = time.perf_counter()
    roster, problems = read_roster(path, max_bytes=10**7)
    assert roster is None
    assert [(p.line, p.column, p.code) for p in problems] == [(1, 1, "too-large")]
    assert "压缩比异常" in problems[0].message
    assert time.perf_counter() - started < 1.0


def test_xlsx_archive_bounds_total_size_and_entry_count(tmp_path, monkeypatch):
    path = tmp_path / "r.xlsx"
    path.write_bytes(workbook_bytes([["PT001", "张三", "某中心", "community", None, "是"]]))
    assert read_roster(path, max_bytes=10**6)[1] == []
    monkeypatch.setattr(untrusted, "XLSX_MAX_UNCOMPRESSED", 2_000)
    [problem] = read_roster(path, max_bytes=10**6)[1]
    assert problem.code == "too-large" and "解压后" in problem.message
    monkeypatch.setattr(untrusted, "XLSX_MAX_ENTRIES", 3)
    [problem] = read_roster(path, max_bytes=10**6)[1]
    assert problem.code == "too-large" and "个部件" in problem.message


def test_a_huge_declared_dimension_is_not_trusted(tmp_path):
    # A few KB declaring A1:XFD1048576: before, every row was padded to 16,384 cells (hundreds of MB).
    path = tmp_path / "wide.xlsx"
    path.write_bytes(huge_dimension_xlsx("A1:XFD1048576", last_row=2_000))
    assert path.stat().st_size < 20_000
    tracemalloc.start()
    try:
        roster, problems = read_roster(path, max_bytes=10**6)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problems == []
    assert [(s.staff_no, s.line) for s in roster.staff] == [("PT001", 2), ("PT002", 2_000)]
    assert peak < 30 * 1024 * 1024


def test_rows_past_the_limit_are_refused_in_csv_and_xlsx(tmp_path):
    rows = [f"PT{n:05d},张三,某中心,community" for n in range(MAX_ROWS)]  # with the header: one too many
    path = tmp_path / "r.csv"
    path.write_text("工号,姓名,中心,组\n" + "\n".join(rows) + "\n", encoding="utf-8")
    roster, problems = read_roster(path, max_bytes=10**7)
    assert roster is None
    assert [(p.line, p.code) for p in problems] == [(MAX_ROWS + 1, "too-large")]
    path = tmp_path / "r.xlsx"
    path.write_bytes(huge_dimension_xlsx("A1:F2", last_row=MAX_ROWS + 5))
    roster, problems = read_roster(path, max_bytes=10**7)
    assert [(p.line, p.code) for p in problems] == [(MAX_ROWS + 1, "too-large")]


def test_a_header_wider_than_the_limit_is_refused_and_wide_rows_are_cut(tmp_path):
    path = tmp_path / "r.csv"
    wide = ",".join(["x"] * (MAX_COLUMNS + 10))
    path.write_text(f"工号,姓名,中心\nPT001,张三,某中心,{wide}\n", encoding="utf-8")
    roster, problems = read_roster(path, max_bytes=10**6)
    assert problems == [] and roster.staff[0].staff_no == "PT001"
    path.write_text(f"工号,姓名,中心,{wide}\n", encoding="utf-8")
    roster, problems = read_roster(path, max_bytes=10**6)
    assert [(p.line, p.column, p.code) for p in problems] == [(1, MAX_COLUMNS + 1, "too-large")]


def test_a_broken_csv_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('工号,姓名,中心\nPT001,"' + "长" * 200_000 + "\n", encoding="utf-8")
    roster, problems = read_roster(path, max_bytes=10**7)
    assert roster is None
    assert [p.code for p in problems] == ["format"]


def test_an_oversized_roster_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "r.xlsx"
    with path.open("wb") as file:
        file.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    try:
        _, problems = read_roster(path, max_bytes=10**7)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.line, p.code) for p in problems] == [(1, "too-large")]
    assert peak < 1024 * 1024


def test_a_bad_row_does_not_hide_its_duplicate_staff_id(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["PT001", "", "某中心", "community", None, None],  # row 2: empty name
            ["PT002", "李四", "某中心", "community", None, None],
            ["PT001", "王五", "某中心", "community", None, None],  # row 4: PT001 again
            ["PT003", "赵六", "某中心", "market", "2019-13-01", None],  # row 5: bad date, and another group
        ],
    )
    roster, problems = read_roster(path, max_bytes=10**6)
    assert roster is None
    assert {(p.line, p.column, p.code) for p in problems} == {
        (2, 2, "value"),
        (4, 1, "duplicate-id"),
        (5, 5, "value"),
        (5, 1, "value"),  # the center was given another group on row 2
    }
    partial, again = read_roster(path, max_bytes=10**6, partial=True)
    assert again == problems
    assert [s.staff_no for s in partial.staff] == ["PT002", "PT001"]
    assert [(r.staff_no, r.line) for r in partial.rejected] == [("PT001", 2), ("PT003", 5)]


LEFT_HEADER = [*HEADER, "离开窗口日期"]


def test_a_left_date_is_read_and_means_no_longer_at_a_window(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["PT001", "张三", "某中心", "community", date(2019, 3, 1), "", date(2021, 6, 30)],
            ["PT002", "李四", "某中心", "community", "2019-03-01", "否", "2021年7月1日"],
            ["PT003", "王五", "某中心", "community", "2019-03-01", "是", None],
        ],
        header=LEFT_HEADER,
    )
    roster, problems = read_roster(path, max_bytes=10**6)
    assert problems == []
    assert [(s.staff_no, s.at_window, s.window_until) for s in roster.staff] == [
        ("PT001", False, date(2021, 6, 30)),
        ("PT002", False, date(2021, 7, 1)),
        ("PT003", True, None),
    ]


def test_a_left_date_that_contradicts_the_row_is_an_error_with_its_cell(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["PT001", "张三", "某中心", "community", "2019-03-01", "是", "2021-06-30"],
            ["PT002", "李四", "某中心", "community", "2019-03-01", "", "2018-12-31"],
            ["PT003", "王五", "某中心", "community", "2019-03-01", "", "上个月"],
            ["PT004", "赵六", "某中心", "community", "2019-03-01", "否", "2021-06-30"],
        ],
        header=LEFT_HEADER,
    )
    roster, problems = read_roster(path, max_bytes=10**6)
    assert roster is None
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 6, "value"), (3, 7, "value"), (4, 7, "value")]
    assert "早于窗口工作起始日期" in problems[1].message


def test_csv_and_yaml_rosters_take_a_left_date(tmp_path):
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("工号,姓名,中心,离开窗口日期\nPT001,张三,某中心,2021/6/30\n", encoding="utf-8")
    roster, problems = read_roster(csv_path, max_bytes=10**6)
    assert problems == []
    assert (roster.staff[0].window_until, roster.staff[0].at_window) == (date(2021, 6, 30), False)
    yaml_path = tmp_path / "r.yaml"
    yaml_path.write_text("staff:\n  - {staff_id: PT001, name: 张三, center: 某中心, window_until: 2021-06-30}\n")
    roster, problems = read_roster(yaml_path, max_bytes=10**6)
    assert problems == []
    assert roster.staff[0].window_until == date(2021, 6, 30)
