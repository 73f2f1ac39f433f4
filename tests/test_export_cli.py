"""`quizengine export CODE --format xlsx|csv -o PATH` as an organizer runs it."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner
from flask.cli import ScriptInfo
from openpyxl import load_workbook

from quizengine.cli import cli
from tests.conftest import FIXTURES, REPO
from tests.test_scores import write_xlsx


def _invoke(app):
    info = ScriptInfo(create_app=lambda: app)
    return lambda *args: CliRunner().invoke(cli, list(args), obj=info, catch_exceptions=False)


def _offline_contest(invoke, tmp_path):
    assert invoke("roster", "import", str(REPO / "examples" / "roster.yaml")).exit_code == 0
    assert invoke("contest", "import", str(FIXTURES / "contests" / "offline.yaml")).exit_code == 0
    sheet = write_xlsx(
        tmp_path / "s.xlsx", [["PTC0101", "何娜刚", 88, 44, 1500], ["PTC0102", "顾涛然", 60.5, None, None]]
    )
    assert invoke("scores", "import", "BIWU01", str(sheet)).exit_code == 0


def test_export_writes_the_xlsx_and_one_csv_per_table(app, tmp_path):
    invoke = _invoke(app)
    _offline_contest(invoke, tmp_path)
    output = tmp_path / "成绩.xlsx"
    result = invoke("export", "biwu01", "--format", "xlsx", "-o", str(output))
    assert result.exit_code == 0, result.output
    book = load_workbook(output)
    people = book.worksheets[0]
    first = [cell.value for cell in people[3]]
    assert first[:5] == [1, "PTC0101", "何娜刚", first[3], 88] and first[8] == 1500  # seconds, a number
    assert people.cell(4, 5).value == 60.5
    folder = tmp_path / "csv"
    result = invoke("export", "BIWU01", "--format", "csv", "-o", str(folder))
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted(
        f"BIWU01_{key}.csv" for key in ("people", "centers", "groups", "questions", "answers", "incidents")
    )
    rows = list(csv.reader(io.StringIO((folder / "BIWU01_people.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["组", "名次", "工号", "姓名"]
    assert [[*row[2:4], row[5]] for row in rows[1:]] == [["PTC0101", "何娜刚", "88"], ["PTC0102", "顾涛然", "60.5"]]


def test_export_of_an_unknown_code_or_to_an_unwritable_path_fails_with_a_message(app, tmp_path):
    invoke = _invoke(app)
    _offline_contest(invoke, tmp_path)
    result = invoke("export", "NOPE", "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "没有代码为 NOPE 的竞赛" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = invoke("export", "BIWU01", "--format", "csv", "-o", str(blocker))
    assert result.exit_code == 1 and f"无法写入 {blocker}" in result.output
    result = invoke("export", "BIWU01", "-o", str(tmp_path / "missing" / "x.xlsx"))
    assert result.exit_code == 1 and "无法写入" in result.output
