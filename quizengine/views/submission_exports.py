"""The submissions dashboard as an xlsx workbook for 区府办 (text via quizengine.sheets, times as datetimes)."""

from __future__ import annotations

import io

from quizengine.core.submissions import REQUIREMENT_KINDS
from quizengine.sheets import append_row, bold, workbook
from quizengine.timezone import local_zone

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER = ("组", "中心", "主管单位", "应报材料", "材料类别", "截止时间", "状态", "报送时间", "份数", "标题", "最后修改")


def _local(moment):
    """A date-time in local time without its zone (Excel has none)."""
    return moment.astimezone(local_zone()).replace(tzinfo=None) if moment is not None else None


def dashboard_workbook(board) -> bytes:
    """Two sheets: 报送情况 (one row per center and requirement) and 汇总 (counts per requirement)."""
    book = workbook()
    sheet = book.active
    sheet.title = "报送情况"
    append_row(sheet, HEADER)
    bold(sheet[1])
    sheet.freeze_panes = "A2"
    for center, cells in board.rows:
        for requirement, cell in zip(board.requirements, cells, strict=True):
            if cell is None:
                continue
            titles = "；".join(s.title for s in cell.submissions)
            append_row(
                sheet,
                [
                    center.group.name,
                    center.name,
                    center.bureau,
                    requirement.title,
                    REQUIREMENT_KINDS.get(requirement.kind, requirement.kind),
                    _local(requirement.due_at),
                    cell.standing.label,
                    _local(cell.standing.submitted_at),
                    cell.standing.count,
                    titles,
                    _local(max((s.updated_at for s in cell.submissions), default=None)),
                ],
            )
    for column in ("F", "H", "K"):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=ord(column) - 64, max_col=ord(column) - 64):
            cell.number_format = DATETIME_FORMAT
    for letter, width in zip("ABCDEFGHIJK", (24, 30, 16, 24, 14, 18, 10, 18, 6, 40, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    summary = book.create_sheet("汇总")
    append_row(summary, ["应报材料", "截止时间", "已报送", "逾期报送", "未报送"])
    bold(summary[1])
    for requirement in board.requirements:
        counts = board.counts[requirement.id]
        append_row(
            summary,
            [requirement.title, _local(requirement.due_at), counts["on_time"], counts["late"], counts["missing"]],
        )
    for (cell,) in summary.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = DATETIME_FORMAT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
