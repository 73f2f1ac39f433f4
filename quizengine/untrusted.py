"""Bounds for untrusted spreadsheets, checked before anything is built from them.

An xlsx file is a zip archive: ten kilobytes of it may inflate to gigabytes
(a "zip bomb"), and the sheet may declare a size (`<dimension ref=...>`) that
openpyxl would fill with empty cells. So the archive's directory is checked
before openpyxl opens it, the declared dimension is ignored, and rows and
columns are cut at fixed limits for xlsx and csv alike. The YAML bounds live
with the YAML reader (`MAX_DEPTH`, `MAX_PROBLEMS`); docs/roster.md explains
all of them under "untrusted input".

Python's zipfile never inflates an entry past the size its directory
declares (it stops there and the CRC check fails), so the declared sizes
checked here are a real bound, not a hint.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence

# A district's roster is a few thousand people; a whole city's fits too.
MAX_ROWS = 20_000
# The roster has six columns; room for a sheet with notes beside them.
MAX_COLUMNS = 64
# What an xlsx archive may hold: Excel writes a dozen parts for one sheet.
XLSX_MAX_ENTRIES = 1_000
XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
# Spreadsheet XML deflates 5-20:1; a bomb deflates about 1000:1. Checked on
# parts over XLSX_RATIO_FLOOR, since tiny parts compress oddly.
XLSX_MAX_RATIO = 200
XLSX_RATIO_FLOOR = 1024 * 1024

_MIB = 1024 * 1024


def xlsx_refusal(data: bytes) -> tuple[str, str] | None:
    """(code, message) saying why the xlsx archive in `data` must not be opened, or None when it is within bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        return "format", f"无法作为 xlsx 打开：文件不是有效的 zip 压缩包（{exc}）"
    if len(entries) > XLSX_MAX_ENTRIES:
        return "too-large", f"xlsx 文件内含 {len(entries)} 个部件，超过上限 {XLSX_MAX_ENTRIES} 个"
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            return "format", "xlsx 文件已加密；请取消密码保护后另存再导入"
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return "format", f"xlsx 文件中的 {entry.filename} 使用了不支持的压缩方式"
        if entry.file_size > XLSX_RATIO_FLOOR and entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            return "too-large", (
                f"xlsx 文件中的 {entry.filename} 压缩比异常（{ratio}:1，上限 {XLSX_MAX_RATIO}:1），"
                "疑似“压缩炸弹”，已拒绝"
            )
        total += entry.file_size
    if total > XLSX_MAX_UNCOMPRESSED:
        return "too-large", (
            f"xlsx 文件解压后有 {total / _MIB:.0f} MB，超过上限 {XLSX_MAX_UNCOMPRESSED // _MIB} MB；"
            "请删去多余的工作表、图片和格式后再导入"
        )
    return None


def bounded_rows(reader, rows: Iterable[Sequence]) -> list[tuple[int, list]] | None:
    """Number the rows from 1, each cut to `MAX_COLUMNS` cells; None (with a problem on `reader`) past `MAX_ROWS`.

    `rows` may yield up to `MAX_ROWS + 1` rows of up to `MAX_COLUMNS + 1` cells:
    the extra row or column is how an oversized table is noticed without
    reading the rest of it. A header wider than `MAX_COLUMNS` is an error;
    wider data rows only lose cells that no header column names.
    """
    result: list[tuple[int, list]] = []
    header_seen = False
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS:
            reader.report(
                (number, 1), "too-large", f"名单最多 {MAX_ROWS} 行，第 {number} 行起还有内容；请分成几个文件导入"
            )
            return None
        cells = list(row[:MAX_COLUMNS])
        wide = len(row) > MAX_COLUMNS and any(_filled(value) for value in row[MAX_COLUMNS:])
        if not header_seen and (wide or any(_filled(value) for value in cells)):
            header_seen = True
            if wide:
                message = f"表头超过 {MAX_COLUMNS} 列；名单只需要工号、姓名、中心等几列"
                reader.report((number, MAX_COLUMNS + 1), "too-large", message)
                return None
        result.append((number, cells))
    return result


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""
