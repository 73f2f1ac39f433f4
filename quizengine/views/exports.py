"""Excel workbooks organizers download (openpyxl)."""

from __future__ import annotations

import csv
import io
import re

from quizengine.services.report import TIE_BREAK
from quizengine.services.report_tables import DATETIME, INT, PERCENT, SECONDS, TEXT, report_tables
from quizengine.sheets import append_row, bold, csv_field, csv_row, workbook
from quizengine.timezone import local_text, local_zone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_workbook(report) -> bytes:
    """A contest's results (services.report.contest_report) as an Excel workbook an office can file.

    Per group a sheet of people and one of centers, named by the group; then
    the groups, the questions, every answer, false starts and kicks, and the
    rules. Numbers are numbers, times real date-times (local, QUIZ_TIMEZONE),
    durations seconds and shares percentages, each with its number format.
    """
    tables = {table.key: table for table in report_tables(report)}
    book = workbook()
    book.remove(book.active)
    for index, group in enumerate(report.groups, 1):
        for key, kind in (("people", "个人"), ("centers", "中心")):
            table = tables[key]
            sheet = book.create_sheet(_sheet_title(book, group.name, index, kind))
            rows = [row[1:] for row in table.rows if row[0] == group.name]
            _write_table(sheet, group.name, table.columns[1:], rows)
    offline = report.questions is None
    for key in ("groups", "questions", "answers", "incidents"):
        table = tables[key]
        title = (
            f"{table.title}（线下竞赛没有题目和作答）" if offline and key in ("questions", "answers") else table.title
        )
        _write_table(book.create_sheet(table.title), title, table.columns, table.rows)
    notes = book.create_sheet("说明")
    append_row(notes, ["竞赛", f"{report.contest.title}（{report.contest.code}）"])
    append_row(notes, ["时间", report.held])
    append_row(notes, ["参赛组", "、".join(group.name for group in report.groups)])
    append_row(notes, ["中心计分", report.center_rule])
    append_row(notes, ["参与率", "参与人数 ÷ 名单上仍在窗口工作的人数"])
    append_row(notes, ["并列规则", TIE_BREAK])
    append_row(notes, ["导出时间", local_text(report.generated_at, "%Y-%m-%d %H:%M:%S")])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 12, 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NUMBER_FORMATS = {
    INT: "0",
    PERCENT: "0.0%",
    SECONDS: "0.0",
    DATETIME: "yyyy-mm-dd hh:mm:ss",
}


def _cell_value(kind: str, value):
    """A value as the workbook stores it: a date-time in local time without its zone (Excel has none)."""
    if kind == DATETIME and value is not None:
        return value.astimezone(local_zone()).replace(tzinfo=None)
    return value


def _write_table(sheet, title: str, columns, rows) -> None:
    """A title row, a bold frozen header row, the rows, each column with its number format."""
    from openpyxl.utils import get_column_letter

    append_row(sheet, [title])
    bold([sheet["A1"]], size=12)
    append_row(sheet, [column.title for column in columns])
    bold(sheet[2])
    sheet.freeze_panes = "A3"
    for row in rows:
        append_row(sheet, [_cell_value(c.kind, v) for c, v in zip(columns, row, strict=True)])
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = number_format
        width = 20 if column.kind == DATETIME else 30 if column.kind == TEXT else 12
        sheet.column_dimensions[letter].width = width


def results_csv(table) -> bytes:
    """One table of a report as CSV: UTF-8 with BOM (Excel reads Chinese), local times, no field a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(csv_row(column.title for column in table.columns))
    for row in table.rows:
        writer.writerow([_csv_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)])
    return out.getvalue().encode("utf-8")


def _csv_value(kind: str, value) -> str:
    """A CSV field: numbers as written (a negative score stays a number), text through sheets.csv_field."""
    if value is None:
        return ""
    if kind == PERCENT:
        return f"{value * 100:.1f}%"
    if kind == DATETIME:
        return local_text(value, "%Y-%m-%d %H:%M:%S")
    if kind == TEXT:
        return csv_field(value)
    return str(value)


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


def selection_workbook(document: dict) -> bytes:
    """A selection's result as an Excel workbook: people, centers, quotas and the rules.

    `document` is `SelectionResult.as_json()`: the file and the JSON say the same.
    """
    book = workbook()
    book.remove(book.active)
    for kind, title in (("people", "个人评选"), ("centers", "单位评选")):
        sheet = book.create_sheet(title)
        # A case review's part scores units only: people's rows do not have it.
        parts = [p for p in document["parts"] if kind == "centers" or not p.get("units_only")]
        append_row(sheet, [f"{document['title']}（参考日期 {document['reference_date']}）"])
        head = ["范围", "名次", *(["工号", "姓名"] if kind == "people" else ["单位"]), "中心", "组"]
        head += [f"{p['title']}（得分）" for p in parts] + [f"{p['title']}（折算×权重）" for p in parts]
        append_row(sheet, [*head, "总分", "符合条件", "原因", "获奖", "推荐", "末位并列"])
        for row in document[kind]:
            who = [row["staff_id"], row["name"]] if kind == "people" else [row["name"]]
            scores = ["未参加" if part["absent"] else part["score"] for part in row["parts"]]
            weighted = [part["weighted"] for part in row["parts"]]
            values = [
                row["group_name"] if row["scope"] else document.get("scope_name", "全区"),
                row["rank"],
                *who,
                row["center"],
                row["group_name"],
            ]
            flags = ["是" if row["eligible"] else "否", row["reason"], "是" if row["award"] else ""]
            flags += ["是" if row["recommended"] else "", "是" if row["tied_at_cutoff"] else ""]
            append_row(sheet, [*values, *scores, *weighted, row["total"], *flags])
        bold([sheet["A1"]], size=12)
        bold(sheet[2])
    quotas = book.create_sheet("名额")
    append_row(quotas, ["对象", "范围", "获奖名额", "评出", "推荐名额", "推荐", "超出名额", "提示"])
    for q in document["quotas"]:
        exceeded = "是" if q["award_exceeded"] or q["recommend_exceeded"] else ""
        kind = "个人" if q["kind"] == "people" else "单位"
        scope = q.get("scope_name") or q["group_name"] or "全区"
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
    if document.get("cases_quota"):
        _cases_sheet(book, document)
    notes = book.create_sheet("说明")
    append_row(notes, ["参考日期", document["reference_date"]])
    for p in document["parts"]:
        contests = "、".join(f"{c['title']}（{c['code']}，满分 {c['maximum']}）" for c in p["contests"])
        if p.get("review"):
            contests = (
                f"成果评审 {p['review']['title']}（编号 {p['review']['id']}，满分 {p['review']['maximum']}；只计单位）"
            )
        append_row(notes, [p["title"], f"权重 {p['weight']:g}；折算 {p['normalise']}；{contests}"])
    append_row(notes, ["评选条件", "参考日期时在窗口工作满一年（恰好一年算满）且仍在窗口工作"])
    append_row(
        notes, ["并列", "末位并列者全部入选并标明超出名额" if document["tie_mode"] == "include" else "按规定顺序决出"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cases_sheet(book, document: dict) -> None:
    """The 优秀工作案例 sheet: the cases ranked by combined score, awarded ones and ties at the cut-off marked."""
    sheet = book.create_sheet("优秀工作案例")
    quota = document["cases_quota"]
    append_row(
        sheet, [f"{quota['title']}：名额 {quota['award']}，评出 {quota['awarded']}", "；".join(quota["warnings"])]
    )
    append_row(sheet, ["名次", "案例", "单位", "组", "得分", "获奖", "并列", "末位并列"])
    for row in document["cases"]:
        score = "未评分" if row["score"] is None else row["score"]
        flags = ["是" if row["award"] else "", "是" if row["tied"] else "", "是" if row["tied_at_cutoff"] else ""]
        append_row(sheet, [row["rank"], row["title"], row["center"], row["group_name"], score, *flags])
    bold(sheet[2])
