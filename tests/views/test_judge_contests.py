"""Judges score a judged contest (岗位比武) on their phones; the admin page, the board page and its JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizengine.extensions import db as _db
from quizengine.formats.contests import read_contest
from quizengine.models import Center, Contest, Group, JudgeScore, Staff, User
from quizengine.services.accounts import create_user
from quizengine.services.contests import import_contest
from quizengine.services.judged_results import entrants
from tests.conftest import PASSWORD, REPO, csrf_token, login
from tests.views.test_admin import roster  # noqa: F401  (fixture)

SCORES = {"c_policy": "8", "c_process": "9", "c_service": "7", "c_answer": "10"}  # 24 + 27 + 14 + 20 = 85


@pytest.fixture
def skill(app, accounts, roster):  # noqa: F811
    """The example skill contest, open, with one entrant from each of three centers; judge1 is of the first's center."""
    with app.app_context():
        for n in range(1, 6):
            create_user(f"judge{n}", PASSWORD, "judge")
        spec, _ = read_contest(REPO / "examples" / "contests" / "skill.yaml")
        contest, problems = import_contest(spec)
        assert problems == []
        query = select(Staff).join(Center).join(Group).where(Group.key == "community").order_by(Center.name)
        picked, seen = [], set()
        for staff in _db.session.scalars(query):
            if staff.center_id not in seen:
                seen.add(staff.center_id)
                picked.append(staff.staff_no)
        contest_id = contest.id
        first_center = _db.session.scalar(select(Staff.center_id).where(Staff.staff_no == picked[0]))
        _db.session.scalar(select(User).where(User.username == "judge1")).center_id = first_center
        _db.session.commit()
    return {"id": contest_id, "staff": picked[:3]}


def entrant_ids(app, contest_id: int) -> dict[str, int]:
    with app.app_context():
        return {e.name: e.id for e in entrants(_db.session.get(Contest, contest_id))}


def staff_name(app, staff_no: str) -> str:
    with app.app_context():
        return _db.session.scalar(select(Staff.name).where(Staff.staff_no == staff_no))


def add_and_open(client, contest_id: int, numbers: list[str]):
    page = f"/admin/judged/{contest_id}"
    token = csrf_token(client, page)
    response = client.post(f"{page}/entrants", data={"csrf_token": token, "staff_numbers": "\n".join(numbers)})
    assert response.status_code == 302
    assert client.post(f"{page}/open", data={"csrf_token": token}).status_code == 302


def test_organizer_adds_entrants_and_opens_and_another_group_gets_404(app, client, skill):
    login(client, "org2")
    assert client.get(f"/admin/judged/{skill['id']}").status_code == 404
    assert client.get(f"/admin/contests/{skill['id']}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org1")
    assert client.get(f"/admin/contests/{skill['id']}").headers["Location"].endswith(f"/admin/judged/{skill['id']}")
    token = csrf_token(client, f"/admin/judged/{skill['id']}")
    bad = client.post(f"/admin/judged/{skill['id']}/entrants", data={"csrf_token": token, "staff_numbers": "NOBODY"})
    assert bad.status_code == 422 and "名单中没有工号 NOBODY" in bad.get_data(as_text=True)
    add_and_open(client, skill["id"], skill["staff"])
    assert '<span class="badge">岗位比武</span>' in client.get("/admin/contests/").get_data(as_text=True)
    page = client.get(f"/admin/judged/{skill['id']}").get_data(as_text=True)
    assert all(staff_name(app, n) in page for n in skill["staff"])
    assert "结束比武并冻结评分" in page and "0 / 3" in page  # judge1 may score only two of the three


def test_a_judge_scores_on_the_phone_and_may_change_the_score(app, client, skill):
    login(client, "org1")
    add_and_open(client, skill["id"], skill["staff"])
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "judge2")
    name = staff_name(app, skill["staff"][0])
    entrant = entrant_ids(app, skill["id"])[name]
    listing = client.get(f"/judge/contests/{skill['id']}").get_data(as_text=True)
    assert name in listing and "未评" in listing
    form = f"/judge/contests/{skill['id']}/people/{entrant}"
    token = csrf_token(client, form)
    assert client.post(form, data={"csrf_token": token, **SCORES}).status_code == 302
    assert "已评 85" in client.get(f"/judge/contests/{skill['id']}").get_data(as_text=True)
    wrong = client.post(form, data={"csrf_token": token, **SCORES, "c_policy": "11"})
    assert wrong.status_code == 422 and "应在 0 到 10 之间" in wrong.get_data(as_text=True)
    assert client.post(form, data={"csrf_token": token, **SCORES, "c_answer": "nan"}).status_code == 422
    assert client.post(form, data=SCORES).status_code == 403  # no CSRF token: refused before the view
    assert client.post(form, data={"csrf_token": token, **SCORES, "c_policy": "10"}).status_code == 302
    with app.app_context():
        rows = list(_db.session.scalars(select(JudgeScore)))
        assert [(r.total, r.scores["policy"]) for r in rows] == [(91.0, 10.0)]


def test_a_judge_of_the_entrants_own_center_gets_404_and_no_row(app, client, skill):
    login(client, "org1")
    add_and_open(client, skill["id"], skill["staff"])
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "judge1")
    own = staff_name(app, skill["staff"][0])
    entrant = entrant_ids(app, skill["id"])[own]
    listing = client.get(f"/judge/contests/{skill['id']}").get_data(as_text=True)
    assert own not in listing and staff_name(app, skill["staff"][1]) in listing
    form = f"/judge/contests/{skill['id']}/people/{entrant}"
    assert client.get(form).status_code == 404
    token = csrf_token(client, f"/judge/contests/{skill['id']}")
    assert client.post(form, data={"csrf_token": token, **SCORES}).status_code == 404
    with app.app_context():
        assert _db.session.scalar(select(func.count(JudgeScore.id))) == 0


def test_a_judge_not_on_the_contest_and_an_organizer_cannot_open_the_judge_pages(app, client, skill):
    with app.app_context():
        create_user("judge9", PASSWORD, "judge")
    login(client, "judge9")
    assert client.get(f"/judge/contests/{skill['id']}").status_code == 404
    assert "还没有被安排" in client.get("/judge/contests/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/judge/contests/")})
    login(client, "org1")
    assert client.get(f"/judge/contests/{skill['id']}").status_code == 403


def test_the_board_json_shows_combined_scores_counts_and_ranking_with_the_board_key(app, client, skill):
    login(client, "org1")
    add_and_open(client, skill["id"], skill["staff"])
    with app.app_context():
        key = _db.session.get(Contest, skill["id"]).board_key
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    second = staff_name(app, skill["staff"][1])
    entrant = entrant_ids(app, skill["id"])[second]
    for judge, policy in (("judge2", "8"), ("judge3", "6")):
        login(client, judge)
        form = f"/judge/contests/{skill['id']}/people/{entrant}"
        client.post(form, data={"csrf_token": csrf_token(client, form), **SCORES, "c_policy": policy})
        client.post("/logout", data={"csrf_token": csrf_token(client, "/judge/contests/")})
    assert client.get(f"/board/judged/{skill['id']}/state.json?key=wrong").status_code == 404
    assert client.get(f"/board/{skill['id']}?key={key}").status_code == 302
    state = client.get(f"/board/judged/{skill['id']}/state.json?key={key}").get_json()
    assert state["maximum"] == 100 and state["entrants"] == "people"
    top = state["rows"][0]
    # 85 and 79 (policy 6: 18 + 27 + 14 + 20): fewer than five judges, so the plain mean
    assert (top["rank"], top["name"], top["score"], top["judges"], top["possible"], top["too_few"]) == (
        1,
        second,
        82.0,
        2,
        5,
        True,
    )
    assert [row["rank"] for row in state["rows"][1:]] == [None, None]  # nobody scored them yet
    page = client.get(f"/board/judged/{skill['id']}?key={key}").get_data(as_text=True)
    assert "judged-board.js" in page and second in page and "<script>" not in page


def test_the_results_pages_and_exports_of_a_finished_judged_contest_show_the_combined_scores(app, client, skill):
    login(client, "org1")
    add_and_open(client, skill["id"], skill["staff"])
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    name = staff_name(app, skill["staff"][1])
    entrant = entrant_ids(app, skill["id"])[name]
    login(client, "judge2")
    form = f"/judge/contests/{skill['id']}/people/{entrant}"
    client.post(form, data={"csrf_token": csrf_token(client, form), **SCORES})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/judge/contests/")})
    login(client, "org1")
    token = csrf_token(client, f"/admin/judged/{skill['id']}")
    assert client.post(f"/admin/judged/{skill['id']}/finish", data={"csrf_token": token}).status_code == 302
    page = client.get(f"/admin/judged/{skill['id']}").get_data(as_text=True)
    assert "已结束" in page and "结束比武并冻结评分" not in page
    results = client.get(f"/admin/contests/{skill['id']}/results")
    assert results.status_code == 200 and name in results.get_data(as_text=True)
    assert client.get(f"/admin/contests/{skill['id']}/results/print").status_code == 200
    people_csv = client.get(f"/admin/contests/{skill['id']}/results/people.csv").get_data(as_text=True)
    assert name in people_csv and "85" in people_csv
    assert client.get(f"/admin/contests/{skill['id']}/results.xlsx").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "judge2")
    again = client.post(form, data={"csrf_token": csrf_token(client, "/judge/contests/"), **SCORES, "c_policy": "1"})
    assert again.status_code == 422 and "评分不能再修改" in again.get_data(as_text=True)
    with app.app_context():
        assert [r.total for r in _db.session.scalars(select(JudgeScore))] == [85.0]


def test_a_phone_that_opens_a_skill_contests_join_link_is_told_judges_score_it(client, skill):
    page = client.get("/play/PTG1SKIL").get_data(as_text=True)
    assert "由评委现场评分，选手不需要在手机上作答" in page
    assert 'id="join-form"' not in page
