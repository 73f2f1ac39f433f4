"""Score sheets of offline contests (xlsx, csv) -> plain rows, with row:column problems.

A contest held off the system (a paper 笔试, an on-site 线下 contest, a 岗位比武
scored on paper) is scored on a sheet: one person per row under a header
row. The format is documented in docs/results.md ("线下成绩"). Every problem
of the file is reported in one pass, as `file:row:column`; the sheet is None
whenever any error was found, so nothing is stored from a file with errors.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from quizengine.core.identity import fold_staff_no
from quizengine.formats.tables import cell, csv_rows, xlsx_rows
from quizengine.formats.yamlread import NodeReader, Problem, read_bounded

SCORE_SUFFIXES = (".xlsx", ".csv")
SHEET_NAME = "成绩"
COLUMNS = {
    "staff_no": ("工号", "staff_id", "staff_no"),
    "name": ("姓名", "name"),
    "score": ("成绩", "得分", "score"),
    "correct": ("答对题数", "答对", "correct"),
    "time": ("用时", "用时（秒）", "time"),
}
REQUIRED_COLUMNS = ("staff_no", "name", "score")
_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


@dataclass(frozen=True)
class ScoreRow:
    """One person's result as the sheet states it."""

    staff_no: str
    name: str
    score: float
    correct: int | None
    time_ms: int | None
    line: int


@dataclass
class ScoreSheet:
    """Every row of a score sheet, plus where it was read from."""

    path: str
    rows: list[ScoreRow] = field(default_factory=list)


def read_scores(
    path: str | Path, *, max_bytes: int, max_score: float | None = None
) -> tuple[ScoreSheet | None, list[Problem]]:
    """Parse a score sheet; the sheet is None whenever any error was found (all of them are reported)."""
    path = Path(path)
    reader = NodeReader(str(path))
    suffix = path.suffix.lower()
    if suffix not in SCORE_SUFFIXES:
        reader.report((1, 1), "format", f"不支持的成绩表格式 {suffix or '（无扩展名）'}；请用 xlsx 或 csv")
        return None, reader.problems
    data = read_bounded(reader, path, max_bytes)
    if data is None:
        return None, reader.problems
    rows = xlsx_rows(reader, data, SHEET_NAME) if suffix == ".xlsx" else csv_rows(reader, data)
    sheet = ScoreSheet(str(path))
    if rows is not None:
        _read_table(reader, rows, sheet, max_score)
    return (None if reader.failed else sheet), reader.problems


def _read_table(reader: NodeReader, rows: list[tuple[int, list]], sheet: ScoreSheet, max_score: float | None) -> None:
    rows = [(n, row) for n, row in rows if any(cell(v) for v in row)]
    if not rows:
        reader.report((1, 1), "missing-key", "成绩表是空的：第一行应为表头（工号、姓名、成绩……）")
        return
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = next((k for k, spellings in COLUMNS.items() if cell(title).lower() in spellings), None)
        if name is None:
            if cell(title):
                reader.report((header_line, index + 1), "unknown-key", f"未知的列 {cell(title)}，已忽略", "warning")
            continue
        if name in columns:
            reader.report((header_line, index + 1), "duplicate-key", f"列 {cell(title)} 重复")
        columns[name] = index
    missing = [COLUMNS[name][0] for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        reader.report((header_line, 1), "missing-key", f"表头缺少必需的列：{'、'.join(missing)}")
        return
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        values = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
        result = _read_row(reader, line, values, columns, max_score)
        staff_no = fold_staff_no(cell(values["staff_no"]))
        if staff_no in seen:
            where = (line, columns["staff_no"] + 1)
            reader.report(where, "duplicate-id", f"工号 {staff_no} 重复（第 {seen[staff_no]} 行已出现）")
        elif staff_no:
            seen[staff_no] = line
        if result is not None:
            sheet.rows.append(result)


def _read_row(reader: NodeReader, line: int, values: dict, columns: dict[str, int], max_score) -> ScoreRow | None:
    def where(name: str) -> tuple[int, int]:
        return (line, columns[name] + 1)

    ok = True
    staff_no, name = fold_staff_no(cell(values["staff_no"])), cell(values["name"])
    for key, text in (("staff_no", staff_no), ("name", name)):
        if not text:
            reader.report(where(key), "value", f"{COLUMNS[key][0]}为空")
            ok = False
    score = _number(values["score"])
    if score is None:
        reader.report(where("score"), "value", f"成绩 {cell(values['score'])!r} 不是数字（最多两位小数）")
        ok = False
    elif score < 0:
        reader.report(where("score"), "value", f"成绩 {cell(values['score'])} 不能为负数")
        ok = False
    elif max_score is not None and score > max_score:
        reader.report(where("score"), "value", f"成绩 {cell(values['score'])} 超过本竞赛满分 {max_score:g}")
        ok = False
    correct = None
    if "correct" in columns and cell(values["correct"]):
        number = _number(values["correct"])
        if number is None or number < 0 or not float(number).is_integer():
            reader.report(where("correct"), "value", f"答对题数 {cell(values['correct'])!r} 应为不小于 0 的整数")
            ok = False
        else:
            correct = int(number)
    time_ms = None
    if "time" in columns and cell(values["time"]):
        time_ms = _duration_ms(values["time"])
        if time_ms is None:
            text = cell(values["time"])
            reader.report(where("time"), "value", f"用时 {text!r} 无法识别；请写秒数（如 95）或 分:秒（如 1:35）")
            ok = False
    if not ok:
        return None
    return ScoreRow(staff_no, name, score, correct, time_ms, line)


def _number(value) -> float | None:
    """A score with at most two decimals, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = repr(value)
    try:
        number = Decimal(cell(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        return None
    return float(number)


def _duration_ms(value) -> int | None:
    """Seconds, m:ss or h:mm:ss text, or a spreadsheet time cell -> milliseconds."""
    if isinstance(value, timedelta):
        return int(value.total_seconds() * 1000)
    if isinstance(value, time):
        return ((value.hour * 60 + value.minute) * 60 + value.second) * 1000 + value.microsecond // 1000
    if isinstance(value, datetime):
        return None
    text = cell(value)
    match = _TIME.fullmatch(text)
    if match:
        hours, minutes, seconds = match.groups()
        if (int(minutes) >= 60 and hours is not None) or float(seconds) >= 60:
            return None
        return int(((int(hours or 0) * 60 + int(minutes)) * 60 + float(seconds)) * 1000)
    number = _number(text)
    return None if number is None or number < 0 else int(number * 1000)


def template_workbook() -> bytes:
    """An xlsx score-sheet template with the expected header, one example row and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append([spellings[0] for spellings in COLUMNS.values()])
    sheet.append(["PTC0101", "张三", 86.5, 43, 1520])
    for header in sheet[1]:
        header.font = Font(bold=True)
    for column, width in zip("ABCDE", (12, 10, 10, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("说明")
    for row in (
        ("列", "说明"),
        ("工号", "必填；名单上的工号，每人一行"),
        ("姓名", "必填；须与名单一致"),
        ("成绩", "必填；不小于 0、不超过本竞赛满分的数字，最多两位小数"),
        ("答对题数", "可选；整数；成绩相同时答对多者在前"),
        ("用时", "可选；秒数（如 1520）或 分:秒（如 25:20）；成绩和答对题数都相同时用时少者在前"),
    ):
        notes.append(row)
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
