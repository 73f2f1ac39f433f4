"""The results pages and exports as an organizer uses them: scope, escaping, links, the xlsx cell types, CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.models import Contest, Staff
from quizengine.services import live
from tests.conftest import REPO, login
from tests.services.test_report import play_contest

HOSTILE = '=HYPERLINK("http://evil.example/","点击")'
MARKUP = "<b>雷</b>"


@pytest.fixture
def finished(app, accounts, tmp_path):
    """TEST01 played and finished; PTC0101 renamed to a formula, PTC0102 to markup. Returns ids and names."""
    with app.app_context():
        contest, players = play_contest(_db, tmp_path)
        live.finish(contest)
        for staff_no, name in (("PTC0101", HOSTILE), ("PTC0102", MARKUP)):
            _db.session.scalar(select(Staff).where(Staff.staff_no == staff_no)).name = name
        _db.session.commit()
        return {
            "contest": contest.id,
            "a": players["a"].id,
            "b": players["b"].id,
            "c": players["c"].id,
            "group": contest.groups[0].name,
        }


def test_the_results_page_shows_every_table_with_names_escaped(client, finished):
    login(client, "org1")
    page = client.get(f"/admin/contests/{finished['contest']}/results").get_data(as_text=True)
    for heading in ('id="people"', 'id="centers"', 'id="groups"', 'id="questions"', 'id="incidents"'):
        assert heading in page
    assert "&lt;b&gt;雷&lt;/b&gt;" in page and MARKUP not in page
    assert "一评：1 人 ✓" in page and "一次：1 人" in page  # the fill-in answers given
    assert "第 5 题开放前按抢答" in page and "主持人移出竞赛，成绩不计" in page
    assert f"/admin/contests/{finished['contest']}/results/people/{finished['a']}" in page
    for key in ("people", "centers", "groups", "questions", "answers", "incidents"):
        assert f"/admin/contests/{finished['contest']}/results/{key}.csv" in page
    assert 'id="weak-points"' in page and "各中心按专题正确率" in page  # the center × topic heat map
    assert f"/admin/contests/{finished['contest']}/analysis" in page


def test_a_persons_answers_page_lists_each_answer_as_given(client, finished):
    login(client, "org1")
    page = client.get(f"/admin/contests/{finished['contest']}/results/people/{finished['a']}").get_data(as_text=True)
    assert "第 1 名" in page and "A、B、C" in page and "一评" in page and "2.0 秒" in page
    kicked = client.get(f"/admin/contests/{finished['contest']}/results/people/{finished['c']}").get_data(as_text=True)
    assert "被主持人移出竞赛，成绩不计" in kicked and "一评" in kicked  # their answers stay visible for a dispute


def test_another_groups_organizer_gets_404_and_a_trainer_403(client, finished):
    base = f"/admin/contests/{finished['contest']}"
    paths = ["/results", f"/results/people/{finished['a']}", "/results/print", "/results/people.csv", "/results.xlsx"]
    login(client, "org2")
    assert [client.get(base + path).status_code for path in paths] == [404] * len(paths)
    login(client, "trainer1")
    assert [client.get(base + path).status_code for path in paths] == [403] * len(paths)
    login(client, "org1")
    assert client.get(f"{base}/results/nothing.csv").status_code == 404
    assert client.get(f"{base}/results/people/999999").status_code == 404
    assert client.get("/admin/contests/999999/results").status_code == 404


def test_the_contest_page_and_the_hosts_final_view_link_to_the_results(client, finished):
    login(client, "org1")
    results = f"/admin/contests/{finished['contest']}/results"
    assert f'href="{results}"' in client.get(f"/admin/contests/{finished['contest']}").get_data(as_text=True)
    host = client.get(f"/host/{finished['contest']}").get_data(as_text=True)
    assert f'<p id="hb-results" hidden><a href="{results}"' in host
    script = (REPO / "static" / "js" / "host.js").read_text(encoding="utf-8")
    assert '$("hb-results").hidden = p !== "finished"' in script


def test_the_xlsx_has_numbers_datetimes_percentages_and_formulas_as_text(client, finished):
    login(client, "org1")
    export = client.get(f"/admin/contests/{finished['contest']}/results.xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["第一组个人", "第一组中心", "各组", "题目", "作答明细", "抢跑与移出", "说明"]
    people = book["第一组个人"]
    assert people["A1"].value == finished["group"] and people.freeze_panes == "A3"
    assert [c.value for c in people[2]][:4] == ["名次", "工号", "姓名", "中心"] and people["A2"].font.bold
    first = people[3]
    assert (first[0].value, first[1].value) == (1, "PTC0101")
    assert first[2].value == HOSTILE and first[2].data_type == "s" and first[2].quotePrefix
    assert isinstance(first[4].value, int) and first[4].value > 0  # 得分
    assert first[7].value == 1.0 and first[7].number_format == "0.0%"  # 正确率 5/5
    assert first[8].value == 14 and first[8].number_format == "0.0"  # 总用时: 2 + 3 + 1 + 6 + 2 seconds
    # 09:04:07 UTC, the buzzer answer, is 17:04:07 in Asia/Shanghai; stored without a zone
    assert first[9].value == datetime(2021, 9, 1, 17, 4, 7) and first[9].is_date
    assert first[9].number_format == "yyyy-mm-dd hh:mm:ss"
    centers = list(book["第一组中心"].iter_rows(min_row=3))
    ranked = next(row for row in centers if row[0].value == 1)
    assert isinstance(ranked[3].value, int) and ranked[5].number_format == "0.0%"
    assert 0 < ranked[5].value <= 1
    answers = list(book["作答明细"].iter_rows(min_row=3, values_only=True))
    assert len(answers) == 9 and answers[0][7] == "A" and answers[0][10] == 2.0
    assert answers[0][11] == datetime(2021, 9, 1, 17, 0, 2)
    incidents = list(book["抢跑与移出"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in incidents] == ["移出", "抢跑"] and isinstance(incidents[0][1], datetime)
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)


def test_each_table_downloads_as_csv_with_a_bom_and_no_formula(client, finished):
    login(client, "org1")
    response = client.get(f"/admin/contests/{finished['contest']}/results/people.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["组", "名次", "工号", "姓名"]
    assert rows[1][3] == "'" + HOSTILE and rows[1][8] == "100.0%"
    assert rows[1][10].startswith("2021-09-01 17:04:07")
    questions = list(
        csv.reader(
            io.StringIO(
                client.get(f"/admin/contests/{finished['contest']}/results/questions.csv").data.decode("utf-8-sig")
            )
        )
    )
    assert questions[1][10] == "A✓ 1｜B 1｜C 0｜D 0" and questions[1][9] == "50.0%"


def test_the_printable_page_is_a4_with_a_header_per_group_and_a_signature_line(client, finished):
    login(client, "org1")
    page = client.get(f"/admin/contests/{finished['contest']}/results/print").get_data(as_text=True)
    assert "测试竞赛成绩报告" in page and "2021-09-01" in page and finished["group"] in page
    assert "制表人" in page and "审核人" in page and "&lt;b&gt;雷&lt;/b&gt;" in page
    assert "css/print.css" in page
    css = (REPO / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert "size: A4" in css and "WenQuanYi Micro Hei" in css and "break-after: page" in css


def test_an_admin_sees_any_groups_results(client, finished):
    login(client, "admin1")
    page = client.get(f"/admin/contests/{finished['contest']}/results").get_data(as_text=True)
    assert "成绩 · 测试竞赛" in page


def test_a_papers_page_links_to_its_results_which_count_each_question_among_those_who_had_it(app, client, tmp_path):
    from datetime import UTC

    from quizengine.services import papers
    from quizengine.services.accounts import create_user
    from tests.conftest import PASSWORD
    from tests.views.test_learn import seed_paper

    paper = seed_paper(app, tmp_path, publish=True)
    with app.app_context():
        create_user("org1", PASSWORD, "organizer", group_keys=["community"])
        contest = _db.session.get(Contest, paper)
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0101"))
        attempt = papers.start(contest, staff, datetime.now(UTC))
        player_id = attempt.player_id
        papers.submit(contest, staff, datetime.now(UTC))
    login(client, "org1")
    results = f"/admin/contests/{paper}/results"
    assert f'href="{results}"' in client.get(f"/admin/contests/{paper}").get_data(as_text=True)
    page = client.get(results).get_data(as_text=True)
    assert "每题按抽到这道题的人统计" in page and "<th>抽到</th>" in page
    person = client.get(f"{results}/people/{player_id}").get_data(as_text=True)
    assert "未作答" in person and "第 1 名" in person


def test_an_offline_contests_results_say_it_has_no_questions(app, client, accounts, tmp_path):
    from quizengine.formats.roster import read_roster
    from quizengine.services.roster import import_roster
    from quizengine.services.scores import import_scores
    from tests.services.test_scores import offline_contest, sheet

    with app.app_context():
        roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(roster)
        contest = offline_contest()
        import_scores(contest, sheet(tmp_path, [["PTC0101", "何娜刚", 77.5, 30, 900]]))
        contest_id = contest.id
    login(client, "org1")
    results = f"/admin/contests/{contest_id}/results"
    assert f'href="{results}"' in client.get(f"/admin/contests/{contest_id}").get_data(as_text=True)
    page = client.get(results).get_data(as_text=True)
    assert "线下竞赛只导入了成绩，没有题目和作答记录" in page and "77.5" in page
    book = load_workbook(io.BytesIO(client.get(f"/admin/contests/{contest_id}/results.xlsx").data))
    assert book["题目"]["A1"].value == "题目（线下竞赛没有题目和作答）"
    assert book["第一组个人"]["E3"].value == 77.5
