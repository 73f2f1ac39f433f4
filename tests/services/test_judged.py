"""Judged contests (岗位比武): import, entrants, judges' scores with conflicts (回避), standings and maximum."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from quizengine.formats.contests import read_contest
from quizengine.models import Center, Contest, Group, JudgeScore, Review, ReviewJudge, Staff, User
from quizengine.services import judged
from quizengine.services.accounts import create_user
from quizengine.services.contests import import_contest
from quizengine.services.errors import Refused
from quizengine.services.judged_results import combined, entrants
from quizengine.services.results import maximum_score, rank_contest, ranking_version, rankings_by_group
from tests.conftest import FIXTURES, REPO

NOW = datetime(2021, 9, 20, 2, 0, tzinfo=UTC)


def make_judges(db, count: int, prefix: str = "judge") -> list[User]:
    """Judge accounts judge1..judgeN (no center, no bureau)."""
    return [create_user(f"{prefix}{n}", None, "judge")[0] for n in range(1, count + 1)]


def import_file(path) -> Contest:
    spec, problems = read_contest(path)
    assert problems == []
    contest, problems = import_contest(spec)
    assert problems == []
    return contest


def community_staff(db, count: int) -> list[Staff]:
    """The first staff of `count` different community centers."""
    result, seen = [], set()
    query = select(Staff).join(Center).join(Group).where(Group.key == "community").order_by(Center.name, Staff.staff_no)
    for staff in db.session.scalars(query):
        if staff.center_id not in seen:
            seen.add(staff.center_id)
            result.append(staff)
        if len(result) == count:
            break
    return result


ALL_TENS = {"policy": 10, "process": 10, "service": 10, "answer": 10}


def points(value: float) -> dict:
    return dict.fromkeys(ALL_TENS, value)


def test_import_creates_the_contest_its_rubric_review_and_judges(loaded):
    make_judges(loaded, 5)
    contest = import_file(REPO / "examples" / "contests" / "skill.yaml")
    review = loaded.session.scalar(select(Review).where(Review.contest_id == contest.id))
    assert (contest.mode, contest.code, contest.settings["entrants"]) == ("judged", "PTG1SKIL", "people")
    assert (review.combine, review.normalise_judges, review.min_judges) == ("trimmed_mean", False, 3)
    assert [c["key"] for c in review.rubric.categories] == ["policy", "process", "service", "answer"]
    assert [j.username for j in review.judges] == ["judge1", "judge2", "judge3", "judge4", "judge5"]
    assert maximum_score(contest) == 100


def test_an_unknown_judge_or_an_account_that_is_not_a_judge_is_an_error_at_its_line_and_column(loaded):
    make_judges(loaded, 3)
    create_user("judge4", None, "trainer")
    spec, _ = read_contest(REPO / "examples" / "contests" / "skill.yaml")
    contest, problems = import_contest(spec)
    assert contest is None
    assert [(p.line, p.column, p.code) for p in problems] == [(13, 36, "unknown-judge"), (13, 44, "unknown-judge")]
    assert "不是启用的评委" in problems[0].message and "没有用户名为 judge5" in problems[1].message
    assert loaded.session.scalar(select(func.count(Contest.id))) == 0
    assert loaded.session.scalar(select(func.count(Review.id))) == 0


def test_entrants_are_added_by_staff_id_and_a_wrong_id_adds_nobody(loaded):
    make_judges(loaded, 5)
    contest = import_file(REPO / "examples" / "contests" / "skill.yaml")
    a, b = community_staff(loaded, 2)
    market = loaded.session.scalar(select(Staff).join(Center).join(Group).where(Group.key == "market").limit(1))
    problems = judged.add_entrants(contest, [a.staff_no, "NOBODY", market.staff_no])
    assert problems == ["名单中没有工号 NOBODY", f"工号 {market.staff_no}（{market.name}）不属于本竞赛的组"]
    assert rank_contest(contest)[0] == []
    assert judged.add_entrants(contest, [a.staff_no, b.staff_no, a.staff_no]) == []
    assert sorted(r.standing.name for r in rank_contest(contest)[0]) == sorted([a.name, b.name])


def open_skill(loaded):
    users = make_judges(loaded, 5)
    contest = import_file(REPO / "examples" / "contests" / "skill.yaml")
    staff = community_staff(loaded, 3)
    assert judged.add_entrants(contest, [s.staff_no for s in staff]) == []
    judged.open_judged(contest, NOW)
    return contest, users, staff


def entrant_of(contest, staff):
    return next(e for e in entrants(contest) if e.name == staff.name)


def test_judges_scores_combine_by_trimmed_mean_and_rank_people(loaded):
    contest, users, (a, b, c) = open_skill(loaded)
    ea, eb = entrant_of(contest, a), entrant_of(contest, b)
    for judge, value in zip(users, (7, 8, 8.5, 9, 10), strict=True):  # totals 70, 80, 85, 90, 100
        judged.save_score(contest, judge, "people", ea.id, points(value), NOW)
    for judge, value in zip(users[:4], (9, 9, 9, 6), strict=True):  # four judges: plain mean of 90, 90, 90, 60
        judged.save_score(contest, judge, "people", eb.id, points(value), NOW)
    people, centers = rank_contest(contest)
    assert [(r.rank, r.standing.name, r.standing.score) for r in people] == [
        (1, a.name, 85.0),  # (80 + 85 + 90) / 3
        (2, b.name, 82.5),
        (3, c.name, 0),
    ]
    assert combined(contest)[("people", people[0].standing.player_id)].judges == 5
    assert [c.rank for c in centers if c.center in (a.center.name, b.center.name)] == [1, 2]


def test_a_judge_may_change_a_score_until_the_contest_finishes_and_the_ranking_sees_it(loaded):
    contest, users, (a, _, _) = open_skill(loaded)
    ea = entrant_of(contest, a)
    judged.save_score(contest, users[0], "people", ea.id, points(6), NOW)
    before = ranking_version(contest)
    assert rank_contest(contest)[0][0].standing.score == 60
    judged.save_score(contest, users[0], "people", ea.id, points(8), NOW)
    assert ranking_version(contest) != before
    assert rank_contest(contest)[0][0].standing.score == 80
    assert loaded.session.scalar(select(func.count(JudgeScore.id))) == 1
    judged.finish_judged(contest, NOW)
    with pytest.raises(Refused) as refused:
        judged.save_score(contest, users[0], "people", ea.id, points(10), NOW)
    assert refused.value.code == "judging_closed"
    assert rank_contest(contest)[0][0].standing.score == 80


def test_points_out_of_range_are_refused_and_nothing_is_stored(loaded):
    contest, users, (a, _, _) = open_skill(loaded)
    with pytest.raises(Refused) as refused:
        judged.save_score(contest, users[0], "people", entrant_of(contest, a).id, {"policy": 11}, NOW)
    assert refused.value.code == "invalid_scores"
    assert "「政策掌握」的分数应在 0 到 10 之间" in refused.value.message
    assert loaded.session.scalar(select(func.count(JudgeScore.id))) == 0


def test_a_judge_of_the_entrants_center_or_bureau_neither_sees_nor_scores_them(loaded):
    contest, users, (a, b, c) = open_skill(loaded)
    own_center, own_bureau = users[0], users[1]
    own_center.center_id = a.center_id
    b.center.bureau = "区民政局"
    own_bureau.bureau = "区民政局"
    loaded.session.commit()
    assert a.name not in [e.name for e in judged.visible_entrants(contest, own_center)]
    assert b.name not in [e.name for e in judged.visible_entrants(contest, own_bureau)]
    assert c.name in [e.name for e in judged.visible_entrants(contest, own_bureau)]
    for judge, staff in ((own_center, a), (own_bureau, b)):
        entrant = entrant_of(contest, staff)
        with pytest.raises(Refused) as refused:
            judged.save_score(contest, judge, "people", entrant.id, points(10), NOW)
        assert refused.value.code == "not_found"
    assert loaded.session.scalar(select(func.count(JudgeScore.id))) == 0
    progress = {p["username"]: p["of"] for p in judged.judges_progress(contest)}
    assert progress == {"judge1": 2, "judge2": 2, "judge3": 3, "judge4": 3, "judge5": 3}


def test_a_judge_not_on_the_contest_cannot_score_it(loaded):
    contest, _, (a, _, _) = open_skill(loaded)
    outsider = create_user("judge9", None, "judge")[0]
    with pytest.raises(Refused):
        judged.save_score(contest, outsider, "people", entrant_of(contest, a).id, points(10), NOW)
    assert judged.judge_contest(contest.id, outsider) is None


def test_team_contests_rank_centers_by_their_teams_score_and_rank_no_people(loaded):
    users = make_judges(loaded, 2)
    contest = import_file(FIXTURES / "contests" / "judged_teams.yaml")
    judged.open_judged(contest, NOW)
    teams = judged.visible_entrants(contest, users[0])
    first, second, third = teams[0], teams[1], teams[2]
    # totals: 60*x/10 + 40*y/5
    judged.save_score(contest, users[0], "centers", first.id, {"skill": 8, "teamwork": 4}, NOW)  # 80
    judged.save_score(contest, users[1], "centers", first.id, {"skill": 9, "teamwork": 5}, NOW)  # 94
    judged.save_score(contest, users[0], "centers", second.id, {"skill": 10, "teamwork": 5}, NOW)  # 100
    judged.save_score(contest, users[1], "centers", third.id, {"skill": 8, "teamwork": 4}, NOW)  # 80
    judged.save_score(contest, users[0], "centers", third.id, {"skill": 9, "teamwork": 5}, NOW)  # 94
    people, centers = rank_contest(contest)
    assert people == []
    assert [(c.rank, c.center, c.score) for c in centers[:3]] == [
        (1, second.name, 100),
        (2, first.name, 87),
        (2, third.name, 87),
    ]
    assert all(c.rank is None for c in centers[3:])  # nobody scored these teams
    assert combined(contest)[("centers", second.id)].too_few  # one judge of the two required
    (_, group_people, group_centers) = rankings_by_group(contest)[0]
    assert group_people == [] and group_centers[0].center == second.name
    assert maximum_score(contest) == 100
    assert loaded.session.scalar(select(func.count(ReviewJudge.user_id))) == 2
