"""Judging of submissions: conflicts in the data layer, assignments, scoring, results, release and blind copies."""

from __future__ import annotations

from dataclasses import astuple
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizengine.models import AuditEvent, JudgeScore, Requirement, Review, Submission
from quizengine.services import blind, judging
from quizengine.services.errors import Refused
from quizengine.services.judge_access import save_score, submission_for_judge, submissions_for_judge
from quizengine.services.review_results import awarded_cases, progress, released_scores, review_result
from tests.services.judging_data import BUDONGCHAN, CATEGORIES, CHANGSHOU, MINZHENG, PERSON, T0, build, user

GOOD = {"innovation": 8, "effect": 15, "writing": 4}  # 77.5


def review_of(world) -> Review:
    return judging.get_review(world.review)


def opened(world) -> Review:
    review = review_of(world)
    judging.open_review(review, T0)
    return review


def score_rows(db) -> int:
    return db.session.scalar(select(func.count(JudgeScore.id)))


def test_a_judge_never_gets_a_submission_of_their_own_center_or_bureau(db):
    world = build()
    review = opened(world)
    seen = {k: [s.id for s in submissions_for_judge(review, user(world.judges[k]))] for k in ("own", "bureau", "free1")}
    s = world.submissions
    assert seen["own"] == [s["caojiadu"], s["budongchan"], s["yibao"]]
    assert seen["bureau"] == [s["budongchan"], s["yibao"]]
    assert seen["free1"] == [s["changshou"], s["caojiadu"], s["budongchan"], s["yibao"]]


@pytest.mark.parametrize(("judge", "center"), [("own", "changshou"), ("bureau", "changshou"), ("bureau", "caojiadu")])
def test_a_conflicted_judge_asking_for_the_submission_is_refused_and_no_score_is_written(db, judge, center):
    world = build()
    review = opened(world)
    judge_user = user(world.judges[judge])
    with pytest.raises(Refused) as refused:
        submission_for_judge(review, judge_user, world.submissions[center])
    assert refused.value.code == "not_found"
    with pytest.raises(Refused) as refused:
        save_score(review, judge_user, world.submissions[center], GOOD, "", T0)
    assert refused.value.code == "not_found"
    assert score_rows(db) == 0


def test_withdrawn_submissions_other_requirements_and_other_reviews_judges_see_nothing(db):
    world = build(judges=("free1", "free2"))
    review = opened(world)
    other = Requirement(title="学习计划", kind="study_plan", due_at=T0)
    case = db.session.get(Submission, world.submissions["yibao"])
    stray = Submission(requirement=other, center_id=case.center_id, title="学习计划", text="")
    db.session.add_all([other, stray])
    db.session.commit()
    with pytest.raises(Refused):
        save_score(review, user(world.judges["free1"]), stray.id, GOOD, "", T0)
    db.session.get(Submission, world.submissions["yibao"]).withdrawn_at = T0
    db.session.commit()
    assert world.submissions["yibao"] not in [s.id for s in submissions_for_judge(review, user(world.judges["free1"]))]
    judging.set_judges(review, [world.judges["free1"]])
    assert submissions_for_judge(review, user(world.judges["free2"])) == []
    with pytest.raises(Refused):
        save_score(review, user(world.judges["free2"]), world.submissions["budongchan"], GOOD, "", T0)
    assert score_rows(db) == 0


def test_assignments_limit_each_judge_and_a_conflicting_one_is_refused_whole(db):
    world = build()
    review = opened(world)
    j, s = world.judges, world.submissions
    with pytest.raises(Refused) as refused:
        judging.set_assignments(review, [(j["free1"], s["yibao"]), (j["own"], s["changshou"])])
    assert refused.value.code == "judge_conflict"
    assert judging.assignments(review) == set()
    judging.set_assignments(review, [(j["free1"], s["yibao"]), (j["own"], s["caojiadu"])])
    assert [x.id for x in submissions_for_judge(review, user(j["free1"]))] == [s["yibao"]]
    assert [x.id for x in submissions_for_judge(review, user(j["own"]))] == [s["caojiadu"]]
    assert submissions_for_judge(review, user(j["free2"])) == []  # the review assigns: nothing given to free2
    with pytest.raises(Refused):
        save_score(review, user(j["free1"]), s["budongchan"], GOOD, "", T0)


def test_a_score_is_stored_once_per_judge_and_may_change_until_the_review_closes(db):
    world = build()
    review = review_of(world)
    judge, case = user(world.judges["free1"]), world.submissions["yibao"]
    with pytest.raises(Refused) as refused:
        save_score(review, judge, case, GOOD, "", T0)
    assert refused.value.code == "review_not_open"
    judging.open_review(review, T0)
    row = save_score(review, judge, case, GOOD, "思路清楚", T0)
    assert (row.total, row.scores, row.comment) == (77.5, {"innovation": 8, "effect": 15, "writing": 4}, "思路清楚")
    save_score(review, judge, case, {"innovation": "10", "effect": "20", "writing": "5"}, "", T0 + timedelta(1))
    assert [(r.total, r.comment) for r in db.session.scalars(select(JudgeScore))] == [(100, "")]
    judging.close_review(review, T0 + timedelta(2))
    with pytest.raises(Refused) as refused:
        save_score(review, judge, case, GOOD, "", T0 + timedelta(3))
    assert refused.value.code == "review_not_open"
    assert db.session.scalar(select(JudgeScore.total)) == 100


@pytest.mark.parametrize(
    ("scores", "detail"),
    [
        ({"innovation": 11, "effect": 15, "writing": 4}, "「创新性」的分数须在 0 到 10 之间"),
        ({"innovation": 8, "writing": 4}, "请为「实效性」打分"),
        ({"innovation": "abc", "effect": 15, "writing": 4}, "请为「创新性」打分"),
    ],
)
def test_bad_scores_are_refused_with_what_is_wrong_and_nothing_is_stored(db, scores, detail):
    world = build()
    review = opened(world)
    with pytest.raises(Refused) as refused:
        save_score(review, user(world.judges["free1"]), world.submissions["yibao"], scores, "", T0)
    assert (refused.value.code, refused.value.detail) == ("invalid_score", detail)
    assert score_rows(db) == 0


def test_the_rubric_is_fixed_once_judging_starts_but_the_combination_may_change(db):
    world = build()
    review = opened(world)
    settings = dict(
        title=review.title,
        requirement_id=world.requirement,
        blind=False,
        normalise_judges=False,
        min_judges=3,
        rubric_title="案例评审表",
        scope=None,
    )
    changed = [dict(c) for c in CATEGORIES]
    changed[0]["weight"] = 40
    with pytest.raises(Refused) as refused:
        judging.save_review(review, combine="mean", categories=changed, **settings)
    assert refused.value.code == "review_started"
    judging.save_review(review, combine="trimmed_mean", categories=CATEGORIES, **settings)
    assert review_of(world).combine == "trimmed_mean"
    assert review_of(world).rubric.categories[0]["weight"] == 30


def score_all(world, review, table):
    """table: {judge: {center: (innovation, effect, writing)}}."""
    for judge, given in table.items():
        for center, (a, b, c) in given.items():
            scores = {"innovation": a, "effect": b, "writing": c}
            save_score(review, user(world.judges[judge]), world.submissions[center], scores, "", T0)


def test_results_combine_rank_warn_and_release_only_to_the_center_itself(db):
    world = build()
    review = opened(world)
    # totals: free1 100 / 77.5, free2 80 / 77.5, free3 90 / 77.5 / 50, own (budongchan) 50
    score_all(
        world,
        review,
        {
            "free1": {"changshou": (10, 20, 5), "yibao": (8, 15, 4)},
            "free2": {"changshou": (8, 16, 4), "yibao": (8, 15, 4)},
            "free3": {"changshou": (9, 18, 4.5), "yibao": (8, 15, 4), "budongchan": (5, 10, 2.5)},
            "own": {"budongchan": (5, 10, 2.5)},
        },
    )
    result = review_result(review_of(world))
    lines = [
        (row.submission.center.name, row.combined.score, row.placement and row.placement.rank) for row in result.rows
    ]
    assert lines[0] == (CHANGSHOU, 90, 1)
    assert lines[1][1:] == (77.5, 2)
    assert lines[2] == (BUDONGCHAN, 50, 3)
    assert lines[3][1:] == (None, None)
    assert result.rows[2].combined.warnings == ("只有 2 位评委评分，少于规定的 3 位",)
    assert "1 份材料还没有评委评分" in result.warnings
    assert [r.submission.id for r in result.awarded] == [
        world.submissions[k] for k in ("changshou", "yibao", "budongchan")
    ]
    assert [s.id for s in awarded_cases(review_of(world))] == [
        world.submissions[k] for k in ("changshou", "yibao", "budongchan")
    ]
    done = {p.name: (len(p.to_score), len(p.scored)) for p in progress(review_of(world))}
    assert done == {
        "评委own": (3, 1),
        "评委bureau": (2, 0),
        "评委free1": (4, 2),
        "评委free2": (4, 2),
        "评委free3": (4, 3),
    }

    changshou_id = db.session.get(Submission, world.submissions["changshou"]).center_id
    assert released_scores(changshou_id) == []
    with pytest.raises(Refused) as refused:
        judging.release_review(review_of(world), T0)
    assert refused.value.code == "review_not_closed"
    judging.close_review(review_of(world), T0 + timedelta(1))
    assert released_scores(changshou_id) == []
    judging.release_review(review_of(world), T0 + timedelta(2))
    (mine,) = released_scores(changshou_id)
    assert astuple(mine) == ("2021 年优秀工作案例评审", f"{CHANGSHOU}：一件事套餐", 90, 100, 1, 3, True, False)
    assert "评委" not in repr(mine)
    actions = list(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("judging.%")).order_by(AuditEvent.id))
    )
    assert actions[-3:] == ["judging.open", "judging.close", "judging.release"]


def test_a_judge_removed_from_the_review_leaves_with_their_scores(db):
    world = build(judges=("free1", "free2"))
    review = opened(world)
    score_all(world, review, {"free1": {"yibao": (10, 20, 5)}, "free2": {"yibao": (0, 0, 0)}})
    assert review_result(review_of(world)).rows[0].combined.score == 50
    judging.set_judges(review_of(world), [world.judges["free1"]])
    assert review_result(review_of(world)).rows[0].combined.score == 100


def test_a_blind_copy_names_no_center_bureau_or_person_anywhere(db):
    world = build(blind=True)
    review = opened(world)
    case = submission_for_judge(review, user(world.judges["free1"]), world.submissions["changshou"])
    copy = blind.judge_copy(review, case)
    shown = repr(copy)
    for name in (CHANGSHOU, "长寿路街道", "长寿路", MINZHENG, PERSON, ".pdf"):
        assert name not in shown
    assert copy.title == "某中心：一件事套餐"
    assert copy.text.startswith("某中心推出“高效办成一件事”套餐。某中心窗口的某某牵头梳理材料，某单位给予指导")
    assert (copy.center, copy.person, copy.attachments[0].label, copy.attachments[0].text) == (
        None,
        None,
        "附件 1",
        "附件：某某的做法",
    )
    review.blind = False
    assert blind.judge_copy(review, case).center == CHANGSHOU


def test_the_organizer_previews_corrects_and_saves_the_redaction_and_hears_of_names_left(db):
    world = build(blind=True)
    case = db.session.get(Submission, world.submissions["changshou"])
    shown = blind.preview(case)
    assert [p.original for p in shown.pieces if p.original] == [CHANGSHOU, "长寿路街道", PERSON, MINZHENG]
    assert shown.remaining == []
    attachment = case.attachments[0]
    left = blind.save_redaction(case, "某中心的案例，经长寿路调研", {attachment.id: "附件"}, T0)
    assert left == ["长寿路"]
    case = db.session.get(Submission, world.submissions["changshou"])
    assert (case.redacted_text, case.redaction_checked_at, case.attachments[0].redacted_text) == (
        "某中心的案例，经长寿路调研",
        T0,
        "附件",
    )
    review = opened(world)
    assert blind.judge_copy(review, case).text == "某中心的案例，经长寿路调研"  # what the organizer saved is used
