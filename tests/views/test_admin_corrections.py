"""The 复核 pages: scope, preview without storing, confirm with CSRF, refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizengine.extensions import db as _db
from quizengine.models import AuditEvent, ContestCorrection, Score
from quizengine.services import live, papers
from tests.conftest import csrf_token, login
from tests.services.test_corrections import make_live, paper_played, play, players
from tests.services.test_live import T0
from tests.services.test_papers import T0 as T_PAPER
from tests.services.test_scores import offline_contest


@pytest.fixture
def finished(app, accounts, tmp_path):
    """The live contest FIX01 (group 1) played and finished: {"contest", "q1", "q4", "a", "b"} (ids)."""
    with app.app_context():
        contest = make_live(tmp_path)
        a, b, _ = players()
        q1, _, _, q4 = play(contest, [{a: ("A", 1), b: ("B", 5)}, {}, {}, {a: ("一次", 1)}])
        return {"contest": contest.id, "q1": q1.id, "q4": q4.id, "a": a.id, "b": b.id}


def frozen(app, contest_id):
    with app.app_context():
        rows = _db.session.execute(select(Score.player_id, Score.points).where(Score.contest_id == contest_id))
        return dict(rows.all())


def stored_corrections(app):
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(ContestCorrection))


def test_preview_lists_old_and_new_figures_and_stores_nothing_then_confirm_applies(app, client, finished):
    login(client, "org1")
    page = f"/admin/corrections/{finished['contest']}/{finished['q1']}"
    shown = client.get(page).get_data(as_text=True)
    assert "当前答案：<strong>A</strong>" in shown and "<td>B</td><td>1</td>" in shown  # key and distribution
    form = {"csrf_token": csrf_token(client, page), "kind": "rekey", "key": "B", "reason": "依据新文件，答案为 B"}
    preview = client.post(page, data=form)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "预览：2 人受影响（尚未保存）" in text
    # a: the question, the score, the rank (behind c, who answered nothing: less time)
    assert "<td>何娜刚</td><td>长寿路街道社区事务受理服务中心</td><td>10 → 0</td><td>10 → 0</td><td>1 → 3</td>" in text
    assert stored_corrections(app) == 0 and frozen(app, finished["contest"])[finished["a"]] == 10
    done = client.post(page, data={**form, "confirm": "1"})
    assert done.status_code == 302
    scores = frozen(app, finished["contest"])
    assert (scores[finished["a"]], scores[finished["b"]]) == (0, 8)
    with app.app_context():
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.correct"))
        assert (event.username, event.detail["kind"], event.detail["answer"]) == ("org1", "rekey", ["B"])
    after = client.get(page).get_data(as_text=True)
    assert "当前答案（已更正）：<strong>B</strong>；题库答案：A" in after and "依据新文件，答案为 B" in after
    contest_page = client.get(f"/admin/contests/{finished['contest']}").get_data(as_text=True)
    assert "<strong>B</strong>（已更正，题库答案 A）" in contest_page and page in contest_page
    login(client, "admin1")
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "contest.correct" in log and "本题 10 → 0，总分 10 → 0，名次 1 → 3" in log


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        ("q1", {"kind": "void", "reason": ""}, "请填写复核理由"),
        ("q1", {"kind": "rekey", "key": "E", "reason": "理由"}, "答案 E 不在选项 A、B、C、D 中"),
        ("q4", {"kind": "rekey", "fill": " \n。", "reason": "理由"}, "去掉空白和标点后不能为空"),
        ("q1", {"reason": "理由"}, "请选择作废本题或更正答案"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(app, client, finished, question, data, message):
    login(client, "org1")
    page = f"/admin/corrections/{finished['contest']}/{finished[question]}"
    for confirm in ("", "1"):
        response = client.post(page, data={"csrf_token": csrf_token(client, page), "confirm": confirm, **data})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert stored_corrections(app) == 0 and frozen(app, finished["contest"])[finished["a"]] == 10


def test_a_post_without_the_csrf_token_changes_nothing(app, client, finished):
    login(client, "org1")
    page = f"/admin/corrections/{finished['contest']}/{finished['q1']}"
    response = client.post(page, data={"kind": "void", "reason": "理由", "confirm": "1"})
    assert response.status_code == 403 and stored_corrections(app) == 0


def test_another_groups_contest_is_not_found_and_trainers_may_correct_any(app, client, finished):
    page = f"/admin/corrections/{finished['contest']}/{finished['q1']}"
    login(client, "org2")
    assert client.get(page).status_code == 404
    assert client.get(f"/admin/corrections/{finished['contest']}").status_code == 404
    assert "FIX01" not in client.get("/admin/corrections/").get_data(as_text=True)
    login(client, "trainer1")
    assert "FIX01" in client.get("/admin/corrections/").get_data(as_text=True)
    response = client.post(page, data={"csrf_token": csrf_token(client, page), "kind": "void", "reason": "题目有误"})
    assert response.status_code == 200 and "预览" in response.get_data(as_text=True)
    assert stored_corrections(app) == 0


def test_the_open_question_and_offline_contests_are_refused(app, client, accounts, tmp_path):
    with app.app_context():
        contest = make_live(tmp_path)
        players()
        rq = live.next_question(contest, T0)
        offline = offline_contest()
        ids = (contest.id, rq.id, offline.id)
    login(client, "org1")
    page = f"/admin/corrections/{ids[0]}/{ids[1]}"
    assert "这道题正在作答，公布答案后才能复核" in client.get(page).get_data(as_text=True)
    token = csrf_token(client, f"/admin/corrections/{ids[0]}")
    response = client.post(page, data={"csrf_token": token, "kind": "void", "reason": "理由", "confirm": "1"})
    assert response.status_code == 422 and "这道题现在不能复核：这道题正在作答" in response.get_data(as_text=True)
    assert stored_corrections(app) == 0
    listing = client.get(f"/admin/corrections/{ids[2]}")
    assert listing.status_code == 422 and "线下竞赛没有题目" in listing.get_data(as_text=True)


def test_a_voided_paper_question_is_marked_on_the_paper_and_attempt_pages(app, client, accounts, tmp_path):
    with app.app_context():
        contest, first, _, question_id = paper_played(tmp_path)
        papers.finish(contest, T_PAPER + timedelta(hours=1))
        ids = (contest.id, first.id, question_id)
    login(client, "org1")
    page = f"/admin/corrections/{ids[0]}/{ids[2]}"
    assert page in client.get(f"/admin/contests/{ids[0]}").get_data(as_text=True)  # the paper page links to it
    form = {"csrf_token": csrf_token(client, page), "kind": "void", "reason": "题目有误", "confirm": "1"}
    assert client.post(page, data=form).status_code == 302
    attempt = client.get(f"/admin/contests/{ids[0]}/attempts/{ids[1]}").get_data(as_text=True)
    assert "本题已作废，不计分" in attempt and "得分 34，答对 7 题，作答 7 / 8 题" in attempt
