"""Reviews in the web admin: the rubric form, scope, judges, assignments, the blind preview, results, release, xlsx."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizengine.extensions import db as _db
from quizengine.models import JudgeAssignment, Review, Submission
from quizengine.models.types import utcnow
from quizengine.services import judging
from quizengine.services.judge_access import save_score
from tests.conftest import csrf_token, login
from tests.services.judging_data import CATEGORIES, CHANGSHOU, PERSON, YIBAO, build, user

REVIEW_ID = re.compile(r"/admin/reviews/(\d+)$")


@pytest.fixture
def world(app, accounts):
    """The judging world (community group) next to the admin accounts."""
    with app.app_context():
        return build()


def rubric_fields(categories=CATEGORIES) -> dict:
    fields = {}
    for n, c in enumerate(categories):
        fields.update({f"cat-key-{n}": c["key"], f"cat-label-{n}": c["label"]})
        fields.update({f"cat-weight-{n}": str(c["weight"]), f"cat-max-{n}": str(c["max"])})
    return fields


def create(client, world, **change):
    data = {
        "csrf_token": csrf_token(client, "/admin/reviews/new"),
        "title": "案例评审（网页）",
        "requirement_id": str(world.requirement),
        "combine": "trimmed_mean",
        "min_judges": "5",
        "rubric_title": "案例评审表",
        "blind": "y",
        **rubric_fields(),
        **change,
    }
    return client.post("/admin/reviews/new", data=data)


def post(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


def reviews(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(Review.id)))


def test_an_organizer_creates_a_review_with_its_rubric_and_another_groups_organizer_gets_404(app, client, world):
    login(client, "org1")
    assert 'href="/admin/reviews/"' in client.get("/admin/").get_data(as_text=True)
    response = create(client, world)
    assert response.status_code == 302
    review_id = int(REVIEW_ID.search(response.headers["Location"]).group(1))
    shown = client.get(f"/admin/reviews/{review_id}").get_data(as_text=True)
    assert "去掉一个最高分和一个最低分" in shown and "创新性（满分 10，权重 30）" in shown and "匿名评审" in shown
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "org2")
    assert "案例评审（网页）" not in client.get("/admin/reviews/").get_data(as_text=True)
    for path in (
        f"/admin/reviews/{review_id}",
        f"/admin/reviews/{review_id}/edit",
        f"/admin/reviews/{review_id}/review.xlsx",
    ):
        assert client.get(path).status_code == 404
    response = post(client, f"/admin/reviews/{review_id}/open", "/admin/reviews/")
    assert response.status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "trainer1")
    assert client.get("/admin/reviews/").status_code == 403


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cat-max-1": "0"}, "第 2 项（实效性）的满分须为大于 0"),
        ({"cat-key-0": "创新"}, "第 1 项的代码须为小写字母开头"),
        ({"cat-key-2": "innovation"}, "第 3 项的代码 innovation 重复"),
        ({"requirement_id": "999999"}, "请选择要评审的材料"),
        ({"min_judges": "三"}, "最少评委人数请填写 1 到 50 之间的整数"),
        ({"title": ""}, "请填写评审名称"),
        ({"min_judges": "0"}, "请填写 1 到 50 之间的整数"),
    ],
)
def test_a_bad_review_form_says_what_is_wrong_and_stores_nothing(app, client, world, change, message):
    login(client, "org1")
    before = reviews(app)
    response = create(client, world, **change)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reviews(app) == before


def test_judges_assignments_steps_results_release_and_the_workbook(app, client, world):
    login(client, "org1")
    page = f"/admin/reviews/{world.review}"
    j, s = world.judges, world.submissions
    post(client, f"{page}/judges", page, judge=[str(j["own"]), str(j["free1"]), str(j["free2"])])
    shown = client.get(page).get_data(as_text=True)
    assert shown.count('<span class="muted">回避</span>') == 1  # the own judge and their own center
    # a conflicting assignment is refused whole
    response = post(
        client, f"{page}/assignments", page, pair=[f"{j['own']}:{s['changshou']}", f"{j['free1']}:{s['yibao']}"]
    )
    assert "评委不能评审本中心或本局的材料（回避）" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count(JudgeAssignment.id))) == 0
    post(client, f"{page}/release", page)
    assert "请先结束评审" in client.get(page).get_data(as_text=True)
    post(client, f"{page}/open", page)
    with app.app_context():
        review = judging.get_review(world.review)
        full = {"innovation": 10, "effect": 20, "writing": 5}
        for judge in ("free1", "free2"):
            save_score(review, user(j[judge]), s["yibao"], full, "", utcnow())
            save_score(review, user(j[judge]), s["changshou"], full, "", utcnow())
        save_score(
            review, user(j["free1"]), s["budongchan"], {"innovation": 5, "effect": 10, "writing": 2.5}, "", utcnow()
        )
    shown = client.get(page).get_data(as_text=True)
    assert "1（并列）" in shown and "只有 2 位评委评分，少于规定的 3 位" in shown and "1 份材料还没有评委评分" in shown
    post(client, f"{page}/close", page)
    post(client, f"{page}/release", page)
    assert "已公布" in client.get(page).get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get(f"{page}/review.xlsx").data))
    ranking = [[c.value for c in row] for row in book["成绩"].iter_rows(min_row=2)]
    assert [(r[0], r[2], r[5], r[6]) for r in ranking[:3]] == [
        (1, CHANGSHOU, 100, "是"),
        (1, YIBAO, 100, "是"),
        (3, "区不动产登记中心", 50, "是"),
    ]
    assert len(list(book["评委评分"].iter_rows(min_row=2))) == 5
    assert client.get(f"{page}/edit").status_code == 200
    with app.app_context():
        assert judging.get_review(world.review).released_at is not None


def test_the_blind_preview_highlights_what_was_removed_and_saves_the_corrected_text(app, client, world):
    with app.app_context():
        review = judging.get_review(world.review)
        review.blind = True
        _db.session.commit()
        attachment_id = _db.session.get(Submission, world.submissions["changshou"]).attachments[0].id
    login(client, "org1")
    path = f"/admin/reviews/{world.review}/blind/{world.submissions['changshou']}"
    shown = client.get(path).get_data(as_text=True)
    assert f'<mark class="redacted" title="原文：{CHANGSHOU}">某中心' in shown
    assert f'<mark class="redacted" title="原文：{PERSON}">某某' in shown
    assert "尚未核对" in shown
    response = post(client, path, path, text="某中心的做法（长寿路）", **{f"attachment-{attachment_id}": "附件文字"})
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "仍含有名单中的名称：长寿路" in after and "上次核对" in after
    with app.app_context():
        case = _db.session.get(Submission, world.submissions["changshou"])
        assert (case.redacted_text, case.attachments[0].redacted_text) == ("某中心的做法（长寿路）", "附件文字")
    assert client.get(f"/admin/reviews/{world.review}/blind/999999").status_code == 404


def test_the_center_scores_partial_shows_nothing_before_release_and_no_judge_after(app, world):
    from flask import render_template

    from quizengine.services.review_results import released_scores

    with app.app_context():
        review = judging.get_review(world.review)
        judging.open_review(review, utcnow())
        for judge in ("free1", "free2", "free3"):
            full = {"innovation": 9, "effect": 18, "writing": 4.5}  # 90
            save_score(review, user(world.judges[judge]), world.submissions["changshou"], full, "很好", utcnow())
        center_id = _db.session.get(Submission, world.submissions["changshou"]).center_id
        judging.close_review(review, utcnow())
        with app.test_request_context():
            before = render_template("center/_scores.html", released_scores=released_scores(center_id))
        judging.release_review(review, utcnow())
        with app.test_request_context():
            after = render_template("center/_scores.html", released_scores=released_scores(center_id))
    assert "评审成绩公布后在这里显示" in before and "90.00" not in before
    assert "90.00 / 100" in after and "第 1 名，共 1 份" in after
    assert "评委" not in after and "很好" not in after


def test_editing_a_started_review_changes_the_combination_but_refuses_a_new_rubric(app, client, world):
    login(client, "org1")
    path = f"/admin/reviews/{world.review}/edit"
    post(client, f"/admin/reviews/{world.review}/open", f"/admin/reviews/{world.review}")
    form = client.get(path).get_data(as_text=True)
    assert 'value="innovation"' in form and 'value="30"' in form and "评审已经开始" in form
    data = {"title": "改名后的评审", "requirement_id": str(world.requirement), "combine": "trimmed_mean"}
    data.update({"min_judges": "5", "rubric_title": "案例评审表", **rubric_fields()})
    assert post(client, path, path, **data).status_code == 302
    changed = rubric_fields()
    changed["cat-weight-0"] = "40"
    response = post(client, path, path, **{**data, **changed, "title": "再改"})
    assert response.status_code == 422 and "评审表、评审的材料和匿名设置在开始后不能修改" in response.get_data(
        as_text=True
    )
    with app.app_context():
        review = judging.get_review(world.review)
        assert (review.title, review.combine, review.min_judges) == ("改名后的评审", "trimmed_mean", 5)
        assert review.rubric.categories[0]["weight"] == 30


def test_released_scores_reach_the_center_page_and_the_awarded_cases_are_preselected_in_the_booklet(app, client, world):
    from quizengine.services.accounts import create_user
    from quizengine.services.booklet import preselected_cases
    from tests.conftest import PASSWORD

    with app.app_context():
        center_id = _db.session.get(Submission, world.submissions["changshou"]).center_id
        create_user("contact1", PASSWORD, "center_contact", center_name=CHANGSHOU)
        review = judging.get_review(world.review)
        judging.open_review(review, utcnow())
        for judge in ("free1", "free2", "free3"):
            save_score(review, user(world.judges[judge]), world.submissions["changshou"], FULL, "", utcnow())
        judging.close_review(review, utcnow())
        assert preselected_cases() == []  # not released yet
    login(client, "contact1")
    assert "评审成绩公布后在这里显示" in client.get("/center/").get_data(as_text=True)
    with app.app_context():
        judging.release_review(judging.get_review(world.review), utcnow())
        assert preselected_cases() == [world.submissions["changshou"]]  # the only case scored: awarded
        assert _db.session.get(Submission, world.submissions["changshou"]).center_id == center_id
    page = client.get("/center/").get_data(as_text=True)
    assert "成果评审得分" in page and "100.00 / 100" in page and "第 1 名" in page


FULL = {"innovation": 10, "effect": 20, "writing": 5}
