"""Excel workbooks organizers download (openpyxl)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from quizengine.core.ranking import center_rule_label
from quizengine.sheets import append_row
from quizengine.timezone import local_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_workbook(contest, groups, staff_numbers: dict[int, str]) -> bytes:
    """A contest's standings, per group: one sheet of people and one of centers each.

    `groups` is `standings.rankings_by_group(contest)`; `staff_numbers` maps player id -> staff id.
    """
    book = Workbook()
    book.remove(book.active)
    for index, (group, people, centers) in enumerate(groups, 1):
        sheet = book.create_sheet(f"第{index}组个人"[:31])
        append_row(sheet, [group])
        append_row(
            sheet, ["名次", "工号", "姓名", "中心", "得分", "答对", "作答", "正确率", "用时（秒）", "最后作答/交卷"]
        )
        for ranked in people:
            s = ranked.standing
            append_row(
                sheet,
                [
                    ranked.rank,
                    staff_numbers.get(s.player_id, ""),
                    s.name,
                    s.center,
                    s.score,
                    s.correct,
                    s.answered,
                    round(s.accuracy, 3) if s.accuracy is not None else "",
                    round(s.total_time_ms / 1000, 1),
                    local_text(s.last_answer_at, "%Y-%m-%d %H:%M:%S"),
                ],
            )
        _style(sheet, percent_column=8)
        sheet = book.create_sheet(f"第{index}组中心"[:31])
        append_row(sheet, [group])
        append_row(sheet, ["名次", "中心", "成绩", "参与人数", "名单人数", "参与率"])
        for c in centers:
            rank = c.rank if c.rank is not None else ""  # nobody took part: no rank
            append_row(sheet, [rank, c.center, c.score, c.joined, c.roster, round(c.participation, 3)])
        _style(sheet, percent_column=6)
    notes = book.create_sheet("说明")
    append_row(notes, ["竞赛", f"{contest.title}（{contest.code}）"])
    rule = center_rule_label(contest.settings.get("center_rule", "mean"), contest.settings.get("top_n", 3))
    append_row(notes, ["中心计分", rule])
    append_row(notes, ["并列规则", "分数高、答对多、总用时少、最后一次作答（交卷）早，依次比较；四项相同并列"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _style(sheet, percent_column: int) -> None:
    sheet["A1"].font = Font(bold=True, size=12)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3, min_col=percent_column, max_col=percent_column):
        row[0].number_format = "0.0%"
    sheet.column_dimensions["B"].width = sheet.column_dimensions["D"].width = 30
