"""Score sheets of offline contests: xlsx and csv, row:column problems, all in one pass."""

from __future__ import annotations

import io
from datetime import time

from openpyxl import Workbook, load_workbook

from quizengine.formats.contests import read_contest
from quizengine.formats.scores import read_scores, template_workbook
from tests.conftest import FIXTURES

HEADER = ["工号", "姓名", "成绩", "答对题数", "用时"]


def write_xlsx(path, rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.title = "成绩"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_rows_are_read_with_decimals_counts_and_times(tmp_path):
    rows = [
        ["ptc0101", "何娜刚", 86.5, 43, 1520],
        ["PTC0102", "张三", "90", None, "25:20"],
        ["PTC0103", "李四", 77, 40, time(0, 3, 5)],
    ]
    sheet, problems = read_scores(write_xlsx(tmp_path / "s.xlsx", rows), max_bytes=10**6, max_score=100)
    assert problems == []
    assert [(r.staff_no, r.score, r.correct, r.time_ms, r.line) for r in sheet.rows] == [
        ("PTC0101", 86.5, 43, 1_520_000, 2),
        ("PTC0102", 90.0, None, 1_520_000, 3),
        ("PTC0103", 77.0, 40, 185_000, 4),
    ]


def test_every_problem_of_the_sheet_is_reported_with_its_row_and_column(tmp_path):
    rows = [
        ["PTC0101", "", 86.5, 43, 1520],  # empty name
        ["PTC0102", "张三", "八十", None, None],  # not a number
        ["PTC0103", "李四", 101, 2.5, None],  # above the full score; a fractional count
        ["PTC0104", "王五", 80.125, None, "一刻钟"],  # three decimals; unreadable time
        ["PTC0101", "何娜刚", 60, None, None],  # staff id again
        ["PTC0105", "赵六", -1, None, None],
    ]
    sheet, problems = read_scores(write_xlsx(tmp_path / "s.xlsx", rows), max_bytes=10**6, max_score=100)
    assert sheet is None
    assert [(p.line, p.column, p.code) for p in problems] == [
        (2, 2, "value"),
        (3, 3, "value"),
        (4, 3, "value"),
        (4, 4, "value"),
        (5, 3, "value"),
        (5, 5, "value"),
        (6, 1, "duplicate-id"),
        (7, 3, "value"),
    ]
    assert "超过本竞赛满分 100" in problems[2].message


def test_a_csv_sheet_in_gbk_with_english_headers_is_read(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes("staff_id,name,score\nPTC0101,何娜刚,88\n".encode("gb18030"))
    sheet, problems = read_scores(path, max_bytes=10**6)
    assert problems == []
    assert (sheet.rows[0].name, sheet.rows[0].score, sheet.rows[0].correct) == ("何娜刚", 88.0, None)


def test_a_sheet_without_the_required_columns_or_of_another_format_is_refused(tmp_path):
    sheet, problems = read_scores(write_xlsx(tmp_path / "s.xlsx", [], header=["工号", "分数"]), max_bytes=10**6)
    assert sheet is None
    assert [p.code for p in problems] == ["unknown-key", "missing-key"]
    assert "姓名、成绩" in problems[1].message
    other = tmp_path / "s.yaml"
    other.write_text("x: 1\n")
    assert read_scores(other, max_bytes=10**6)[0] is None


def test_the_template_has_the_header_the_reader_expects(tmp_path):
    book = load_workbook(io.BytesIO(template_workbook()))
    assert [c.value for c in book["成绩"][1]] == HEADER
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_workbook())
    sheet, problems = read_scores(path, max_bytes=10**6, max_score=100)
    assert problems == [] and sheet.rows[0].score == 86.5


def test_an_offline_contest_file_needs_a_full_score_and_no_rounds(tmp_path):
    spec, problems = read_contest(FIXTURES / "contests" / "offline.yaml")
    assert problems == []
    assert (spec.mode, spec.max_score, spec.rounds, spec.paper) == ("offline", 100.0, (), None)
    bad = tmp_path / "bad.yaml"
    bad.write_text("contest:\n  title: 线下\n  groups: [community]\n  mode: offline\nrounds: []\n", encoding="utf-8")
    spec, problems = read_contest(bad)
    assert spec is None
    assert [(p.line, p.code) for p in problems] == [(2, "missing-key"), (5, "unknown-key")]
