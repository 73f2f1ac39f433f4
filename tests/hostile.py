"""Hostile upload files, built in the test: deep YAML, an xlsx zip bomb, an xlsx with a lying dimension.

Shared by the unit tests of each bound, the served-app test and `benchmarks/upload_attacks.py`.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["工号", "姓名", "中心", "组", "窗口工作起始日期", "是否在窗口"]


def nested_yaml(depth: int = 15_000, prefix: str = "bank: ") -> bytes:
    """`prefix` then `depth` nested flow lists on one line: 2 x depth bytes of brackets."""
    return (prefix + "[" * depth + "]" * depth + "\n").encode()


def nested_block_yaml(depth: int, prefix: str = "bank:\n") -> bytes:
    """Block lists nested `depth` deep, one more indentation level per line."""
    lines = [prefix.rstrip("\n")] + [" " * (2 * level) + "-" for level in range(1, depth + 1)]
    return ("\n".join(lines) + " x\n").encode()


def workbook_bytes(rows=(), header=HEADER) -> bytes:
    """A small, honest roster workbook."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replace_sheet(workbook: bytes, write_sheet) -> bytes:
    """The workbook with its first sheet's XML written by `write_sheet(file)` (streamed, deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    write_sheet(sheet)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def zip_bomb_xlsx(uncompressed_mb: int = 100) -> bytes:
    """A valid xlsx whose sheet is `uncompressed_mb` MB of empty rows, deflated about 1000:1."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    chunk = b"<row/>" * (1024 * 1024 // 6)

    def write(sheet):
        sheet.write(head)
        for _ in range(uncompressed_mb):
            sheet.write(chunk)
        sheet.write(b"</sheetData></worksheet>")

    return _replace_sheet(workbook_bytes(), write)


def huge_dimension_xlsx(ref: str = "A1:XFD1048576", last_row: int = 2_000) -> bytes:
    """A few-KB xlsx that declares the sheet `ref` and has rows 1, 2 and `last_row`."""
    rows = [["PT001", "张三", "某中心", "community", None, "是"]]
    rows += [[None] * 6] * (last_row - 3) + [["PT002", "李四", "某中心", "community", None, "是"]]
    honest = workbook_bytes(rows)
    with zipfile.ZipFile(io.BytesIO(honest)) as source:
        xml = source.read(SHEET)
    lying = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), xml)
    assert lying != xml
    return _replace_sheet(honest, lambda sheet: sheet.write(lying))


def flat_yaml(megabytes: float = 1.9, prefix: str = "bank: ") -> bytes:
    """A shallow but long list of numbers: legal, under the size cap, and seconds of pure-Python parsing."""
    count = int(megabytes * 1024 * 1024 / 3)
    return (prefix + "[" + "1, " * count + "1]\n").encode()


def upload_while_pinging(session, url: str, path: str, name: str, content: bytes, timeout: float = 150.0) -> dict:
    """POST `content` as the form's file to `path`; meanwhile GET /login every 50 ms from another client.

    Returns the upload's status, text and seconds, and the sorted latencies of the other requests.
    """
    import threading
    import time

    import requests

    page = session.get(url + path).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    outcome: dict = {}

    def upload():
        started = time.perf_counter()
        try:
            response = session.post(
                url + path, data={"csrf_token": token}, files={"file": (name, content)}, timeout=timeout
            )
            outcome.update(status=response.status_code, text=response.text)
        except requests.RequestException as exc:
            outcome.update(status=type(exc).__name__, text="")
        outcome["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=upload)
    worker.start()
    pings = []
    with requests.Session() as other:
        while worker.is_alive():
            started = time.perf_counter()
            with contextlib.suppress(requests.RequestException):
                other.get(url + "/login", timeout=timeout)
            pings.append(time.perf_counter() - started)
            time.sleep(0.05)
    worker.join()
    outcome["pings"] = sorted(pings)
    return outcome


# Parse functions for the worker's own tests: the child imports them from here, by name.


def slow_parse(path, seconds: float):
    import time

    time.sleep(seconds)
    return None, []


def hungry_parse(path, megabytes: int):
    return bytearray(megabytes * 1024 * 1024), []


def failing_parse(path):
    raise ValueError("a parser bug")


class _Sneaky:
    def __reduce__(self):
        import os

        return (os.getcwd, ())


def sneaky_parse(path):
    """A result that names a callable outside the allow-list, as a subverted child could."""
    return _Sneaky(), []
