"""The item analysis pages: who may see them, the figures and warnings they show, the flags trainers get."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.services.analysis_data import load, play_live, sit_paper


@pytest.fixture
def played(app, accounts, tmp_path):
    """The hand-computed live contest and paper of tests/services/test_item_analysis.py: {code: id}."""
    with app.app_context():
        load(tmp_path)
        return {contest.code: contest.id for contest in (play_live(tmp_path), sit_paper(tmp_path))}


def test_another_groups_organizer_gets_404_and_a_trainer_403(client, played):
    login(client, "org2")
    assert client.get(f"/admin/contests/{played['TEST01']}/analysis").status_code == 404
    assert client.get("/admin/contests/999999/analysis").status_code == 404
    client.get("/logout")
    login(client, "trainer1")
    assert client.get(f"/admin/contests/{played['TEST01']}/analysis").status_code == 403


def test_the_contest_page_shows_figures_left_out_rounds_the_warning_and_the_heatmap(client, played):
    login(client, "org1")
    response = client.get(f"/admin/contests/{played['TEST01']}/analysis")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "只有 4 人作答（少于 30 人），以下统计数字参考意义有限" in page
    assert "抢答题只有抢到的人作答" in page
    assert "<td>75.0%</td>" in page and "<td>52.2%</td>" in page  # hcp-001's facility and discrimination
    assert "66.7%" in page  # alpha
    assert "过难（得分率低于 10%）" in page
    # The heat map: 长寿路 answered 5 of 6 政务服务“好差评” questions right, a blank cell where nobody answered.
    assert "各中心按专题正确率" in page and "政务服务“好差评”" in page
    cell = '<td class="heat heat-3" title="答对 5 / 作答 6"><span class="pct">83%</span> <span class="n">6</span></td>'
    assert cell in page
    assert '<td class="heat heat-blank">' in page


def test_a_papers_page_flags_the_question_that_discriminates_negatively(client, played):
    login(client, "admin1")
    page = client.get(f"/admin/contests/{played['EXAM01']}/analysis").get_data(as_text=True)
    assert "区分度为负：成绩较差的人反而答得好，请检查答案" in page
    assert "<td>-100.0%</td>" in page


def test_an_offline_contest_says_it_has_no_items(app, client, accounts, tmp_path):
    from quizengine.formats.contests import read_contest
    from quizengine.services.contests import import_contest
    from tests.conftest import FIXTURES

    with app.app_context():
        load(tmp_path)
        spec, _ = read_contest(FIXTURES / "contests" / "offline.yaml")
        contest_id = import_contest(spec)[0].id
    login(client, "admin1")
    page = client.get(f"/admin/contests/{contest_id}/analysis").get_data(as_text=True)
    assert "线下竞赛只导入了每人的总成绩，没有逐题得分，无法做试题分析。" in page
    assert "各中心按专题正确率" not in page  # no answers per question, so no heat map either


def test_a_trainer_sees_flagged_questions_on_the_bank_page_and_their_figures(client, played):
    login(client, "trainer1")
    page = client.get("/admin/banks/haochaping").get_data(as_text=True)
    assert "2 道题需要检查" in page
    assert 'class="phone-preview flagged" id="q-hcp-006"' in page
    assert "（2 人作答，人数少，仅供参考）" in page
    assert 'class="phone-preview" id="q-hcp-001"' in page
    analysis = client.get("/admin/banks/haochaping/analysis").get_data(as_text=True)
    assert "分析测试竞赛" in analysis and "EXAM01" in analysis
    assert "71.4%" in analysis  # hcp-001 pooled: 5 of 7
    assert "区分度为负" in analysis and "有 5 道题作答人数少于 30 人" in analysis
    assert "该场分析" not in analysis  # a trainer has no contest pages to link to


def test_an_organizer_sees_a_banks_figures_from_their_own_groups_contests_only(client, played):
    login(client, "org2")
    page = client.get("/admin/banks/haochaping/analysis").get_data(as_text=True)
    assert "还没有竞赛或笔试用过本题库的题（只看您负责的组的竞赛）" in page and "TEST01" not in page
    assert "需要检查" not in client.get("/admin/banks/haochaping").get_data(as_text=True)


def test_a_groups_heatmap_adds_up_its_contests_for_its_own_centers(client, played):
    login(client, "org1")
    page = client.get("/admin/groups/community/heatmap").get_data(as_text=True)
    assert "分析测试竞赛" in page and "分析测试笔试" in page
    # 长寿路 over both: 5 of 6 live answers right, 3 of 4 paper answers right.
    assert 'title="答对 8 / 作答 10"' in page
    assert client.get("/admin/groups/market/heatmap").status_code == 404
    assert client.get("/admin/groups/nowhere/heatmap").status_code == 404


def test_a_contest_nobody_played_yet_shows_empty_figures(app, client, accounts, tmp_path):
    from quizengine.formats.contests import read_contest
    from quizengine.services.contests import import_contest
    from tests.conftest import REPO, store_banks

    with app.app_context():
        store_banks(REPO / "question_banks")
        spec, _ = read_contest(REPO / "examples" / "contests" / "community.yaml")
        contest_id = import_contest(spec)[0].id
    login(client, "org1")
    response = client.get(f"/admin/contests/{contest_id}/analysis")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "还没有可分析的题" in page and "还没有可统计的作答" in page
