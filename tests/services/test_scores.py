"""Offline scores: stored against an offline contest all or nothing, then ranked like any contest."""

from __future__ import annotations

from sqlalchemy import func, select

from quizengine.formats.contests import read_contest
from quizengine.formats.scores import read_scores
from quizengine.models import Center, Group, OfflineScore, Player, Staff
from quizengine.services.contests import import_contest
from quizengine.services.results import maximum_score, rank_contest
from quizengine.services.scores import import_scores
from tests.conftest import FIXTURES
from tests.test_scores import write_xlsx


def offline_contest():
    spec, _ = read_contest(FIXTURES / "contests" / "offline.yaml")
    contest, problems = import_contest(spec)
    assert problems == []
    return contest


def staff_of(db, group_key: str, count: int) -> list[Staff]:
    query = select(Staff).join(Center).join(Group).where(Group.key == group_key).order_by(Staff.staff_no)
    return list(db.session.scalars(query.limit(count)))


def sheet(tmp_path, rows, name="s.xlsx"):
    data, problems = read_scores(write_xlsx(tmp_path / name, rows), max_bytes=10**6, max_score=100)
    assert problems == []
    return data


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_offline_scores_rank_with_the_documented_tie_break(loaded, tmp_path):
    contest = offline_contest()
    a, b, c = staff_of(loaded, "community", 3)
    rows = [
        [a.staff_no, a.name, 80, 40, 1500],
        [b.staff_no, b.name, 92.5, None, None],
        [c.staff_no, c.name, 80, 42, 1600],  # equal score, more correct: ahead of a
    ]
    report = import_scores(contest, sheet(tmp_path, rows))
    assert (report.stored, report.replaced, report.problems) == (3, 0, ())
    people, centers = rank_contest(contest)
    assert [(r.rank, r.standing.name, r.standing.score) for r in people] == [
        (1, b.name, 92.5),
        (2, c.name, 80),
        (3, a.name, 80),
    ]
    assert people[0].standing.accuracy is None  # a sheet gives no answered count
    assert any(center.rank == 1 for center in centers)
    assert contest.status == "finished"
    assert maximum_score(contest) == 100


def test_a_sheet_with_any_refused_row_stores_nothing_and_reports_every_row(loaded, tmp_path):
    contest = offline_contest()
    (a,) = staff_of(loaded, "community", 1)
    (other,) = staff_of(loaded, "market", 1)
    rows = [
        [a.staff_no, a.name, 80, None, None],
        ["NOBODY1", "某人", 70, None, None],
        [a.staff_no[:-1] + "9", "错名", 60, None, None],
        [other.staff_no, other.name, 50, None, None],
    ]
    report = import_scores(contest, sheet(tmp_path, rows))
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert "不在名单上" in report.problems[0].message
    assert "不属于本竞赛的参赛组" in report.problems[2].message
    assert (count(loaded, OfflineScore), count(loaded, Player)) == (0, 0)


def test_a_new_sheet_replaces_the_old_one(loaded, tmp_path):
    contest = offline_contest()
    a, b = staff_of(loaded, "community", 2)
    rows = [[a.staff_no, a.name, 80, None, None], [b.staff_no, b.name, 70, None, None]]
    import_scores(contest, sheet(tmp_path, rows))
    report = import_scores(contest, sheet(tmp_path, [[a.staff_no, a.name, 85, None, None]], "t.xlsx"))
    assert (report.stored, report.replaced) == (1, 2)
    people, _ = rank_contest(contest)
    assert [(r.standing.name, r.standing.score) for r in people] == [(a.name, 85)]


def test_scores_cannot_be_imported_into_a_contest_the_system_scores(loaded, tmp_path):
    spec, _ = read_contest(FIXTURES.parent.parent / "examples" / "contests" / "community.yaml")
    live, _ = import_contest(spec)
    (a,) = staff_of(loaded, "community", 1)
    report = import_scores(live, sheet(tmp_path, [[a.staff_no, a.name, 80, None, None]]))
    assert "不是线下竞赛" in report.problems[0].message
    assert count(loaded, OfflineScore) == 0
    # community.yaml: a mandatory round at the questions' points, 3 buzzer questions at 20, 2 risk ones at stake 30.
    mandatory = sum(rq.question.points for rq in live.rounds[0].questions)
    assert maximum_score(live) == mandatory + 3 * 20 + 2 * 30
