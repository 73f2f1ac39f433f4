"""The judges' pages (/judge/): conflicts are 404s with no row, blind reviews leak no name, bad scores store nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.models import JudgeScore
from quizengine.models.types import utcnow
from quizengine.services import judging
from tests.conftest import csrf_token, login
from tests.services.judging_data import BUDONGCHAN, CAOJIADU, CHANGSHOU, MINZHENG, PERSON, YIBAO, build

GOOD = {"score-innovation": "8", "score-effect": "15", "score-writing": "4", "comment": "做法可复制"}


@pytest.fixture
def world(app):
    """The judging world with its review open (not blind)."""
    with app.app_context():
        world = build()
        judging.open_review(judging.get_review(world.review), utcnow())
        return world


@pytest.fixture
def blind_world(app):
    """The judging world with a blind review, open."""
    with app.app_context():
        world = build(blind=True)
        judging.open_review(judging.get_review(world.review), utcnow())
        return world


def rows(app) -> list[tuple[int, int, float, str]]:
    with app.app_context():
        query = select(JudgeScore.judge_id, JudgeScore.submission_id, JudgeScore.total, JudgeScore.comment)
        return [tuple(r) for r in _db.session.execute(query)]


def page(world, key):
    return f"/judge/reviews/{world.review}/submissions/{world.submissions[key]}"


def test_a_judge_sees_their_reviews_and_scores_from_the_phone(app, client, world):
    login(client, "judge_free1")
    home = client.get("/judge/").get_data(as_text=True)
    assert "2021 年优秀工作案例评审" in home and "已评 0 / 4" in home
    listing = client.get(f"/judge/reviews/{world.review}").get_data(as_text=True)
    assert listing.count("未评") == 4 and CHANGSHOU in listing  # not blind: the centers are named
    form = client.get(page(world, "yibao")).get_data(as_text=True)
    assert 'name="score-innovation"' in form and 'max="10"' in form and 'inputmode="decimal"' in form
    response = client.post(page(world, "yibao"), data={**GOOD, "csrf_token": csrf_token(client, page(world, "yibao"))})
    assert response.status_code == 302
    assert rows(app) == [(world.judges["free1"], world.submissions["yibao"], 77.5, "做法可复制")]
    listing = client.get(f"/judge/reviews/{world.review}").get_data(as_text=True)
    assert "已评 77.50" in listing and listing.count("未评") == 3
    again = client.get(page(world, "yibao")).get_data(as_text=True)
    assert 'value="15"' in again and "做法可复制" in again  # the saved score comes back to change


@pytest.mark.parametrize(("judge", "center"), [("own", "changshou"), ("bureau", "caojiadu")])
def test_a_conflicted_judge_gets_404_and_no_row_and_does_not_see_it_listed(app, client, world, judge, center):
    login(client, f"judge_{judge}")
    name = {"changshou": CHANGSHOU, "caojiadu": CAOJIADU}[center]
    assert name not in client.get(f"/judge/reviews/{world.review}").get_data(as_text=True)
    assert client.get(page(world, center)).status_code == 404
    token = csrf_token(client, page(world, "yibao"))
    assert client.post(page(world, center), data={**GOOD, "csrf_token": token}).status_code == 404
    assert rows(app) == []


def test_a_judge_not_in_the_review_and_other_roles_are_kept_out(app, client, world, accounts):
    with app.app_context():
        judging.set_judges(judging.get_review(world.review), [world.judges["free1"]])
    login(client, "judge_free2")
    assert "目前没有需要您评分的评审" in client.get("/judge/").get_data(as_text=True)
    assert client.get(f"/judge/reviews/{world.review}").status_code == 404
    assert client.get(page(world, "yibao")).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    login(client, "org1")
    assert client.get("/judge/").status_code == 403


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score-innovation": "11"}, "「创新性」的分数须在 0 到 10 之间"),
        ({"score-effect": ""}, "请为「实效性」打分"),
        ({"score-writing": "四"}, "请为「文字表达」打分"),
        ({"comment": "评" * 2001}, "评语不能超过 2000 字"),
    ],
)
def test_a_bad_score_is_refused_with_a_clear_error_and_nothing_is_stored(app, client, world, change, message):
    login(client, "judge_free1")
    data = {**GOOD, **change, "csrf_token": csrf_token(client, page(world, "yibao"))}
    response = client.post(page(world, "yibao"), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(app) == []


def test_a_score_needs_the_csrf_token_and_cannot_change_after_the_review_closes(app, client, world):
    login(client, "judge_free1")
    assert client.post(page(world, "yibao"), data=GOOD).status_code == 403
    assert rows(app) == []
    with app.app_context():
        judging.close_review(judging.get_review(world.review), utcnow())
    form = client.get(page(world, "yibao")).get_data(as_text=True)
    assert "保存评分" not in form and "disabled" in form
    response = client.post(page(world, "yibao"), data={**GOOD, "csrf_token": csrf_token(client, page(world, "yibao"))})
    assert response.status_code == 422 and "评审尚未开始或已经结束" in response.get_data(as_text=True)
    assert rows(app) == []


NAMES = (CHANGSHOU, CAOJIADU, BUDONGCHAN, YIBAO, "长寿路街道", "曹家渡街道", MINZHENG, "区医保局", PERSON, "顾涛然")


def test_no_response_to_a_judge_of_a_blind_review_names_a_center_bureau_or_person(app, client, blind_world):
    world = blind_world
    login(client, "judge_free1")
    bodies = [client.get("/judge/"), client.get(f"/judge/reviews/{world.review}")]
    for key in world.submissions:
        bodies.append(client.get(page(world, key)))
        bad = {**GOOD, "score-innovation": "99", "csrf_token": csrf_token(client, page(world, key))}
        bodies.append(client.post(page(world, key), data=bad))
        bodies.append(client.post(page(world, key), data={**GOOD, "csrf_token": csrf_token(client, page(world, key))}))
        bodies.append(client.get(page(world, key)))
    bodies.append(client.get(f"/judge/reviews/{world.review}"))
    assert len(rows(app)) == 4
    for response in bodies:
        text = response.get_data(as_text=True) + str(response.headers)
        assert [name for name in NAMES if name in text] == [], response.request.path
        assert ".pdf" not in text
    case = client.get(page(world, "changshou")).get_data(as_text=True)
    assert "某中心推出“高效办成一件事”套餐" in case and "附件 1" in case and "附件：某某的做法" in case
    assert not re.search(r"<img|href=\"[^\"]*attachments", case)
