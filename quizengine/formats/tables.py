"""Spreadsheet tables (xlsx, csv) -> bounded rows of cells, shared by the roster and score sheets.

Files are untrusted: the xlsx archive, rows and columns are bounded before
anything is built (see `quizengine.untrusted`). Problems go to the caller's
reader at row:column (the column is the cell's number, A = 1).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from quizengine.formats.yamlread import NodeReader
from quizengine.untrusted import MAX_COLUMNS, MAX_ROWS, bounded_rows, xlsx_refusal


def xlsx_rows(reader: NodeReader, data: bytes, sheet_name: str) -> list[tuple[int, list]] | None:
    """The rows of the sheet `sheet_name` (else the first sheet), bounded; None (with a problem) when unreadable."""
    from openpyxl import load_workbook

    refusal = xlsx_refusal(data)
    if refusal is not None:
        reader.report((1, 1), *refusal)
        return None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        reader.report((1, 1), "format", f"无法作为 xlsx 打开：{exc}")
        return None
    try:
        if not book.worksheets:
            reader.report((1, 1), "format", "xlsx 文件中没有工作表")
            return None
        sheet = book[sheet_name] if sheet_name in book.sheetnames else book.worksheets[0]
        if not hasattr(sheet, "reset_dimensions"):
            reader.report((1, 1), "format", f"工作表 {sheet.title} 不是普通的数据表")
            return None
        # The declared dimension is the file's say-so: ignore it, and read one
        # row and one column past the limits to notice an oversized sheet.
        sheet.reset_dimensions()
        cells = sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 1, min_col=1, max_col=MAX_COLUMNS + 1, values_only=True)
        return bounded_rows(reader, cells)
    except Exception as exc:  # a sheet broken past its directory (bad XML, a failed CRC)
        reader.report((1, 1), "format", f"无法作为 xlsx 读取：{exc}")
        return None
    finally:
        book.close()


def csv_rows(reader: NodeReader, data: bytes) -> list[tuple[int, list]] | None:
    """The rows of a CSV file (UTF-8 or GB18030), bounded; None (with a problem) when unreadable."""
    # Spreadsheets saved as CSV on Chinese Windows are usually GB18030 (GBK).
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    rows = csv.reader(io.StringIO(text))
    try:
        return bounded_rows(reader, rows)
    except csv.Error as exc:
        reader.report((rows.line_num, 1), "format", f"CSV 格式错误：{exc}")
        return None


def cell(value) -> str:
    """A cell as stripped text (a whole float as an integer: a staff id typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a staff id typed as a number arrives as 1001.0
    return str(value).strip()


def date_value(value) -> date | bool | None:
    """A date, None when blank, or False when unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        return False
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
