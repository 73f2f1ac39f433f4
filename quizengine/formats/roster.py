"""Roster files (xlsx, csv, yaml) -> plain rows, with row-numbered problems.

A spreadsheet or CSV holds one staff member per row under a header row; a
YAML roster can also define groups and centers. The file format is
documented in docs/roster.md. Problems use the same `file:line:col` form as
bank problems: for a spreadsheet, the line is the row and the column is the
cell's column number. Files are untrusted: sizes, the xlsx archive, rows and
columns are bounded before anything is built (see `quizengine.untrusted`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from quizengine.core.identity import fold_staff_no
from quizengine.formats.tables import cell as _cell
from quizengine.formats.tables import csv_rows, xlsx_rows
from quizengine.formats.tables import date_value as _date_value
from quizengine.formats.yamlread import NodeReader, Problem, decode_source, read_bounded

ROSTER_SUFFIXES = (".xlsx", ".csv", ".yaml", ".yml")
_STAFF_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_GROUP_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

# Header spellings accepted for each column, Chinese first.
COLUMNS = {
    "staff_no": ("工号", "staff_id", "staff_no"),
    "name": ("姓名", "name"),
    "center": ("中心", "窗口单位", "center"),
    "group": ("组", "组别", "group"),
    "window_since": ("窗口工作起始日期", "上岗日期", "window_since"),
    "at_window": ("是否在窗口", "在窗口", "at_window"),
    "window_until": ("离开窗口日期", "离岗日期", "window_until"),
}
REQUIRED_COLUMNS = ("staff_no", "name", "center")
_YES = {"是", "在", "true", "yes", "y", "1", "√"}
_NO = {"否", "不在", "false", "no", "n", "0", "×"}


@dataclass(frozen=True)
class GroupRow:
    """A group defined in a YAML roster."""

    key: str
    name: str
    lead_unit: str
    line: int


@dataclass(frozen=True)
class CenterRow:
    """A center and the group (key or name) it belongs to."""

    name: str
    group: str
    line: int


@dataclass(frozen=True)
class StaffRow:
    """One staff member as the file states them."""

    staff_no: str
    name: str
    center: str
    group: str
    window_since: date | None
    at_window: bool
    line: int
    window_until: date | None = None  # the last day of window work, when the person has left


@dataclass(frozen=True)
class RejectedRow:
    """What a staff row with errors still says: checked (duplicate ids, centers), never stored."""

    staff_no: str
    center: str
    group: str
    line: int


@dataclass
class RosterData:
    """Everything a roster file says, plus where it said it."""

    path: str
    groups: list[GroupRow] = field(default_factory=list)
    centers: list[CenterRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def read_roster(path: str | Path, *, max_bytes: int, partial: bool = False) -> tuple[RosterData | None, list[Problem]]:
    """Parse a roster file; the data is None whenever any error was found.

    With `partial`, the data (its good rows, and in `rejected` what the bad
    rows say) comes back even with errors, so that an import can check it
    against the database too and report every problem of the file at once;
    such data is for checking only.
    """
    path = Path(path)
    reader = NodeReader(str(path))
    suffix = path.suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        reader.report((1, 1), "format", f"不支持的名单格式 {suffix or '（无扩展名）'}；请用 xlsx、csv 或 yaml")
        return None, reader.problems
    data = read_bounded(reader, path, max_bytes)
    if data is None:
        return None, reader.problems
    roster = RosterData(str(path))
    if suffix == ".xlsx":
        rows = xlsx_rows(reader, data, "人员")
    elif suffix == ".csv":
        rows = csv_rows(reader, data)
    else:
        rows = None
        _read_yaml(reader, data, max_bytes, roster)
    if rows is not None:
        _read_table(reader, rows, roster)
    _check_duplicates(reader, roster)
    return (None if reader.failed and not partial else roster), reader.problems


def _read_table(reader: NodeReader, rows: list[tuple[int, list]], roster: RosterData) -> None:
    rows = [(n, row) for n, row in rows if any(_cell(v) for v in row)]
    if not rows:
        reader.report((1, 1), "missing-key", "名单是空的：第一行应为表头（工号、姓名、中心……）")
        return
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = _column_name(_cell(title))
        if name is None:
            if _cell(title):
                reader.report((header_line, index + 1), "unknown-key", f"未知的列 {_cell(title)}，已忽略", "warning")
            continue
        if name in columns:
            reader.report((header_line, index + 1), "duplicate-key", f"列 {_cell(title)} 重复")
        columns[name] = index
    missing = [COLUMNS[name][0] for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        reader.report((header_line, 1), "missing-key", f"表头缺少必需的列：{'、'.join(missing)}")
        return
    for line, row in rows[1:]:
        cells = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
        _read_staff(reader, line, cells, columns, roster)


def _read_staff(reader, line: int, cells: dict, columns: dict[str, int], roster: RosterData) -> None:
    def where(name: str) -> tuple[int, int]:
        return (line, columns.get(name, 0) + 1)

    values = {name: _cell(cells.get(name)) for name in COLUMNS}
    values["staff_no"] = fold_staff_no(values["staff_no"])  # "ｐｔｃ0101" is PTC0101
    ok = True
    for name in REQUIRED_COLUMNS:
        if not values[name]:
            reader.report(where(name), "value", f"{COLUMNS[name][0]}为空")
            ok = False
    if values["staff_no"] and not _STAFF_NO.fullmatch(values["staff_no"]):
        reader.report(where("staff_no"), "value", f"工号 {values['staff_no']!r} 只能含字母、数字、- 和 _")
        ok = False
    if len(values["name"]) > 100:
        reader.report(where("name"), "value", "姓名过长（最多 100 字）")
        ok = False
    since = _date_value(cells.get("window_since"))
    if since is False:
        reader.report(where("window_since"), "value", f"日期 {values['window_since']!r} 无法识别；请写 2019-03-01")
        ok = False
    at_window = _yes_no(values["at_window"])
    if at_window is None:
        reader.report(where("at_window"), "value", f"是否在窗口应为 是 或 否，写的是 {values['at_window']!r}")
        ok = False
    until = _date_value(cells.get("window_until"))
    if until is False:
        reader.report(where("window_until"), "value", f"日期 {values['window_until']!r} 无法识别；请写 2021-06-30")
        ok = False
    elif until:
        if since and until < since:
            reader.report(where("window_until"), "value", f"离开窗口日期 {until} 早于窗口工作起始日期 {since}")
            ok = False
        if values["at_window"] and at_window:
            # A left date with 是 contradicts itself; a blank 是否在窗口 simply follows the date.
            reader.report(where("at_window"), "value", "写了离开窗口日期，是否在窗口应为 否 或留空")
            ok = False
        at_window = False
    if not ok:
        staff_no = values["staff_no"] if _STAFF_NO.fullmatch(values["staff_no"]) else ""
        roster.rejected.append(RejectedRow(staff_no, values["center"], values["group"], line))
    else:
        roster.staff.append(
            StaffRow(
                staff_no=values["staff_no"],
                name=values["name"],
                center=values["center"],
                group=values["group"],
                window_since=since or None,
                at_window=at_window,
                line=line,
                window_until=until or None,
            )
        )


def _read_yaml(reader: NodeReader, data: bytes, max_bytes: int, roster: RosterData) -> None:
    text = decode_source(reader, data, max_bytes)
    root = reader.parse(text) if text is not None else None
    if root is None:
        if not reader.problems:
            reader.report((1, 1), "missing-key", "文件是空的")
        return
    top = reader.mapping(root, required=(), optional=("groups", "centers", "staff"), what="名单文件")
    if not top:
        return
    for item in reader.sequence(top["groups"][1], "groups") or [] if "groups" in top else []:
        entries = reader.mapping(item, required=("key", "name"), optional=("lead_unit",), what="组")
        if entries and {"key", "name"} <= entries.keys():
            key = reader.text(entries["key"][1], "组编号 key")
            if key and not _GROUP_KEY.fullmatch(key):
                reader.report(entries["key"][1], "value", f"组编号 {key!r} 只能含字母、数字、- 和 _")
                key = None
            name = reader.text(entries["name"][1], "组名称 name")
            lead = reader.text(entries["lead_unit"][1], "牵头单位", allow_empty=True) if "lead_unit" in entries else ""
            if key and name:
                roster.groups.append(GroupRow(key, name, lead or "", item.start_mark.line + 1))
    for item in reader.sequence(top["centers"][1], "centers") or [] if "centers" in top else []:
        entries = reader.mapping(item, required=("name", "group"), optional=(), what="中心")
        if entries and {"name", "group"} <= entries.keys():
            name = reader.text(entries["name"][1], "中心名称 name")
            group = reader.text(entries["group"][1], "所属组 group")
            if name and group:
                roster.centers.append(CenterRow(name, group, item.start_mark.line + 1))
    for item in reader.sequence(top["staff"][1], "staff") or [] if "staff" in top else []:
        entries = reader.mapping(
            item,
            required=("staff_id", "name", "center"),
            optional=("group", "window_since", "at_window", "window_until"),
            what="人员",
        )
        if not entries or not {"staff_id", "name", "center"} <= entries.keys():
            continue
        line = item.start_mark.line + 1
        cells = {"staff_no": entries["staff_id"][1].value}
        cells.update({k: v[1].value for k, v in entries.items() if k != "staff_id"})
        columns = {name: entries[key][1].start_mark.column for name, key in _YAML_KEYS.items() if key in entries}
        _read_staff(reader, line, cells, columns, roster)


_YAML_KEYS = {
    "staff_no": "staff_id",
    "name": "name",
    "center": "center",
    "group": "group",
    "window_since": "window_since",
    "at_window": "at_window",
    "window_until": "window_until",
}


def _check_duplicates(reader: NodeReader, roster: RosterData) -> None:
    """Duplicate staff ids and centers given two groups, over good and rejected rows alike."""
    rows = sorted([*roster.staff, *roster.rejected], key=lambda row: row.line)
    seen: dict[str, int] = {}
    for row in rows:
        if not row.staff_no:
            continue
        if row.staff_no in seen:
            reader.report(
                (row.line, 1), "duplicate-id", f"工号 {row.staff_no} 重复（第 {seen[row.staff_no]} 行已出现）"
            )
        seen.setdefault(row.staff_no, row.line)
    center_groups: dict[str, tuple[str, int]] = {}
    for row in [*roster.centers, *rows]:
        if not row.group:
            continue
        name = row.name if isinstance(row, CenterRow) else row.center
        if not name:
            continue
        earlier = center_groups.setdefault(name, (row.group, row.line))
        if earlier[0] != row.group:
            reader.report(
                (row.line, 1),
                "value",
                f"同一中心写了不同的组：{earlier[0]}（第 {earlier[1]} 行）和 {row.group}",
            )


def _column_name(title: str) -> str | None:
    folded = title.strip().lower()
    for name, spellings in COLUMNS.items():
        if folded in spellings:
            return name
    return None


def _yes_no(text: str) -> bool | None:
    if not text:
        return True
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def template_workbook() -> bytes:
    """An xlsx template with the expected header, one example row and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append([spellings[0] for spellings in COLUMNS.values()])
    sheet.append(["PTC0101", "张三", "长寿路街道社区事务受理服务中心", "community", date(2019, 3, 1), "是", None])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (12, 10, 36, 14, 18, 12, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["E2"].number_format = "yyyy-mm-dd"
    sheet["G2"].number_format = "yyyy-mm-dd"
    notes = book.create_sheet("说明")
    for line in (
        ("列", "说明"),
        ("工号", "必填；字母、数字、- 和 _；全名单唯一，再次导入时按工号更新"),
        ("姓名", "必填"),
        ("中心", "必填；窗口单位全称"),
        (
            "组",
            "新中心必填：community（社区事务受理中心）、market（市场监督管理所）、government（行政服务中心和各部门政务服务中心），或组名称",
        ),
        ("窗口工作起始日期", "可选；如 2019-03-01；用于“窗口工作满一年”的评选条件"),
        ("是否在窗口", "可选；是/否，默认是；写了离开窗口日期时应为 否 或留空"),
        (
            "离开窗口日期",
            "可选；已离开窗口工作的人员填写最后在窗口工作的日期，如 2021-06-30；用于“目前仍在窗口工作”的评选条件",
        ),
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
