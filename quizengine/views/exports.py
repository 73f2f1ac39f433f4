"""Excel workbooks organizers download (openpyxl)."""

from __future__ import annotations

import io
import re

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
        sheet = book.create_sheet(_sheet_title(book, group, index, "个人"))
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
        sheet = book.create_sheet(_sheet_title(book, group, index, "中心"))
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


# Excel refuses these in a sheet's name (and control characters).
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _sheet_title(book, group: str, index: int, kind: str) -> str:
    """A sheet's name from its group's: "第三组：区行政服务中心…" gives "第三组个人"; at most 31 characters, without
    what Excel refuses; the group's position ("第3组个人") when the name leaves nothing or is taken."""
    short = _NOT_IN_SHEET_NAMES.sub("", group.split("：", 1)[0].split(":", 1)[0]).strip(" '")
    title = f"{short[: 31 - len(kind)]}{kind}" if short else ""
    if not title or title in book.sheetnames:
        title = f"第{index}组{kind}"
    return title


def _style(sheet, percent_column: int) -> None:
    sheet["A1"].font = Font(bold=True, size=12)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3, min_col=percent_column, max_col=percent_column):
        row[0].number_format = "0.0%"
    sheet.column_dimensions["B"].width = sheet.column_dimensions["D"].width = 30


def selection_workbook(document: dict) -> bytes:
    """A selection's result as an Excel workbook: people, centers, quotas and the rules.

    `document` is `SelectionResult.as_json()`: the file and the JSON say the same.
    """
    book = Workbook()
    book.remove(book.active)
    parts = document["parts"]
    for kind, title in (("people", "个人评选"), ("centers", "单位评选")):
        sheet = book.create_sheet(title)
        append_row(sheet, [f"{document['title']}（参考日期 {document['reference_date']}）"])
        head = ["范围", "名次", *(["工号", "姓名"] if kind == "people" else ["单位"]), "中心", "组"]
        head += [f"{p['title']}（得分）" for p in parts] + [f"{p['title']}（折算×权重）" for p in parts]
        append_row(sheet, [*head, "总分", "符合条件", "原因", "获奖", "推荐", "末位并列"])
        for row in document[kind]:
            who = [row["staff_id"], row["name"]] if kind == "people" else [row["name"]]
            scores = ["未参加" if part["absent"] else part["score"] for part in row["parts"]]
            weighted = [part["weighted"] for part in row["parts"]]
            values = [
                row["group_name"] if row["scope"] else "全区",
                row["rank"],
                *who,
                row["center"],
                row["group_name"],
            ]
            flags = ["是" if row["eligible"] else "否", row["reason"], "是" if row["award"] else ""]
            flags += ["是" if row["recommended"] else "", "是" if row["tied_at_cutoff"] else ""]
            append_row(sheet, [*values, *scores, *weighted, row["total"], *flags])
        sheet["A1"].font = Font(bold=True, size=12)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
    quotas = book.create_sheet("名额")
    append_row(quotas, ["对象", "范围", "获奖名额", "评出", "推荐名额", "推荐", "超出名额", "提示"])
    for q in document["quotas"]:
        exceeded = "是" if q["award_exceeded"] or q["recommend_exceeded"] else ""
        kind = "个人" if q["kind"] == "people" else "单位"
        scope = q["group_name"] or "全区"
        append_row(
            quotas,
            [
                kind,
                scope,
                q["award"],
                q["awarded"],
                q["recommend"],
                q["recommended"],
                exceeded,
                "；".join(q["warnings"]),
            ],
        )
    notes = book.create_sheet("说明")
    append_row(notes, ["参考日期", document["reference_date"]])
    for p in parts:
        contests = "、".join(f"{c['title']}（{c['code']}，满分 {c['maximum']}）" for c in p["contests"])
        append_row(notes, [p["title"], f"权重 {p['weight']:g}；折算 {p['normalise']}；{contests}"])
    append_row(notes, ["评选条件", "参考日期时在窗口工作满一年（恰好一年算满）且仍在窗口工作"])
    append_row(
        notes, ["并列", "末位并列者全部入选并标明超出名额" if document["tie_mode"] == "include" else "按规定顺序决出"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
