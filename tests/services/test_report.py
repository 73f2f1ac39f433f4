"""A contest's report: rankings from the one ranking path, participation of staff at a window, per-question
figures, each person's answers, false starts and kicks; live, paper and offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.models import Center, Staff
from quizengine.services import live, papers
from quizengine.services.contests import import_contest
from quizengine.services.report import contest_report
from quizengine.services.report_questions import answers_by_player
from quizengine.services.report_tables import TABLE_KEYS, report_tables
from quizengine.services.results import rank_contest, roster_sizes
from quizengine.services.roster import import_roster
from quizengine.services.scores import import_scores
from tests.conftest import REPO, store_banks
from tests.services.test_bank_import import EXAMPLE
from tests.services.test_live import CONTEST, EXTRA, T0, join
from tests.services.test_papers import T0 as PAPER_T0
from tests.services.test_papers import make_paper
from tests.services.test_scores import offline_contest, sheet, staff_of


@pytest.fixture
def played(db, tmp_path):
    """TEST01 played (see `play_contest`), in an app context."""
    return play_contest(db, tmp_path)


def play_contest(db, tmp_path):
    """TEST01 played to the end: single, multiple, judge and fill answers, a kick, a false start, a buzzer win.

    Returns (contest, {name: player}); inside an app context.
    """
    bank = tmp_path / "bank.yaml"
    bank.write_text(EXAMPLE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    store_banks(bank)
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)
    path = tmp_path / "contest.yaml"
    path.write_text(CONTEST, encoding="utf-8")
    contest, problems = import_contest(read_contest(path)[0])
    assert problems == []
    live.open_contest(contest, None)
    a, b, c = join("PTC0101"), join("PTC0102"), join("PTC0103")
    given = [
        {a: ("A", 2), b: ("B", 4), c: ("A", 1)},  # hcp-001 single, key A
        {a: (["A", "B", "C"], 3), b: ("AB", 5)},  # hcp-002 multiple, key ABC
        {a: (True, 1), b: (False, 2)},  # hcp-003 judge, 对
        {a: ("一评", 6), b: ("一次", 7), c: ("一评", 8)},  # hcp-004 fill
    ]
    now = T0
    for number, answers in enumerate(given):
        rq = live.next_question(contest, now)
        for player, (response, seconds) in answers.items():
            live.submit_answer(player.id, rq.id, response, f"k{number}-{player.id}", now + timedelta(seconds=seconds))
        now += timedelta(seconds=60)
        live.close_question(contest, now)
    live.kick(contest, c.id, now)
    upcoming = live.upcoming_question(contest)
    assert live.buzz(b.id, upcoming.id, now + timedelta(seconds=1)).false_start
    now += timedelta(seconds=5)
    rq = live.next_question(contest, now)
    assert live.buzz(a.id, rq.id, now + timedelta(seconds=1)).first
    live.submit_answer(a.id, rq.id, False, "k-buzz", now + timedelta(seconds=2))  # right: the answer is 错
    live.close_question(contest, now + timedelta(seconds=3))
    db.session.commit()
    return contest, {"a": a, "b": b, "c": c}


def test_a_live_report_ranks_from_the_one_ranking_path_and_leaves_the_kicked_player_out(played):
    contest, players = played
    report = contest_report(contest)
    people, _ = rank_contest(contest)
    assert [g.name for g in report.groups] == [g.name for g in contest.groups]
    group = report.groups[0]
    assert [(r.rank, r.standing) for r in group.people] == [(r.rank, r.standing) for r in people]
    assert [r.standing.player_id for r in group.people] == [players["a"].id, players["b"].id]
    assert group.participants == 2
    assert group.accuracy == pytest.approx(5 / 9)  # a: 5 of 5 right, b: 0 of 4
    assert group.mean_score == round((group.people[0].standing.score + group.people[1].standing.score) / 2, 2)


def test_participation_counts_only_staff_still_at_a_window(played, db):
    contest, _ = played
    left = db.session.scalar(select(Staff).where(Staff.staff_no == "PTC0401"))
    assert left.at_window is False
    everyone = db.session.scalar(select(func.count(Staff.id)).where(Staff.center_id == left.center_id))
    assert roster_sizes(contest)[left.center.name] == everyone - 1
    group = contest_report(contest).groups[0]
    assert group.staff == sum(roster_sizes(contest).values())
    assert group.participation == pytest.approx(2 / group.staff)


def test_question_figures_of_a_live_contest(played):
    contest, _ = played
    questions = contest_report(contest).questions
    assert [q.key for q in questions] == ["hcp-001", "hcp-002", "hcp-003", "hcp-004", "hcp-005"]  # hcp-006 not asked
    single, multiple, judge, fill, buzzer = questions
    # the kicked player's answers are not counted
    assert (single.answered, single.correct, single.accuracy) == (2, 1, 0.5)
    assert single.average_ms == 3000
    assert [(o.key, o.count, o.is_key) for o in single.options] == [
        ("A", 1, True),
        ("B", 1, False),
        ("C", 0, False),
        ("D", 0, False),
    ]
    assert [(o.key, o.count, o.is_key) for o in multiple.options][:3] == [
        ("A", 2, True),
        ("B", 2, True),
        ("C", 1, True),
    ]
    assert (multiple.answer, multiple.correct) == ("A、B、C", 1)
    assert [(o.key, o.count, o.is_key) for o in judge.options] == [("正确", 1, True), ("错误", 1, False)]
    assert fill.options == () and [(t.text, t.count, t.correct) for t in fill.typed] == [
        ("一评", 1, True),
        ("一次", 1, False),
    ]
    assert (buzzer.answered, buzzer.correct, buzzer.answer) == (1, 1, "错误")


def test_each_persons_answers_as_given_with_points_and_time(played):
    contest, players = played
    rows = answers_by_player(contest, players["a"].id)[players["a"].id]
    assert [(r.number, r.response, r.correct) for r in rows] == [
        (1, "A", True),
        (2, "A、B、C", True),
        (3, "正确", True),
        (4, "一评", True),
        (5, "错误", True),
    ]
    assert rows[0].elapsed_ms == 2000 and rows[4].points == 20
    assert players["c"].id not in answers_by_player(contest)
    kicked = answers_by_player(contest, players["c"].id)[players["c"].id]  # asked for: shown, for a dispute
    assert [(r.number, r.response) for r in kicked] == [(1, "A"), (4, "一评")]


def test_false_starts_and_kicks_name_who_and_when(played):
    contest, players = played
    report = contest_report(contest)
    assert [(i.player_id, i.detail) for i in report.false_starts] == [(players["b"].id, "第 5 题开放前按抢答")]
    assert [(i.player_id, i.staff_no) for i in report.kicked] == [(players["c"].id, "PTC0103")]


def test_the_export_tables_hold_every_answer_of_the_ranked_people(played):
    contest, _ = played
    tables = {t.key: t for t in report_tables(contest_report(contest))}
    assert tuple(tables) == TABLE_KEYS
    assert len(tables["answers"].rows) == 9  # a answered 5, b 4; the kicked player's are left out
    assert [row[0] for row in tables["incidents"].rows] == ["移出", "抢跑"]
    assert tables["questions"].rows[0][10] == "A✓ 1｜B 1｜C 0｜D 0"
    assert tables["questions"].rows[2][10] == "正确✓ 1｜错误 1"
    assert tables["questions"].rows[3][12] == "一评✓ 1｜一次 1"


def test_a_papers_questions_count_among_those_whose_draw_had_them(loaded, tmp_path):
    contest = make_paper(tmp_path)
    first, second = staff_of(loaded, "community", 2)
    now = PAPER_T0
    attempt = papers.start(contest, first, now)
    item = attempt.items[0]
    papers.save(contest, first, 1, item.question.answer[0], 1, now + timedelta(minutes=1))
    papers.submit(contest, first, now + timedelta(minutes=2))
    papers.start(contest, second, now)
    papers.submit(contest, second, now + timedelta(minutes=3))  # nothing answered
    report = contest_report(contest, now + timedelta(minutes=4))
    questions = report.questions
    assert sum(q.had for q in questions) == 2 * 8  # each paper has 8 questions
    assert sum(q.answered for q in questions) == 1 and sum(q.correct for q in questions) == 1
    drawn = next(q for q in questions if q.key == item.question.key)
    assert drawn.answered == 1 and drawn.accuracy == 1.0 and drawn.average_ms is None
    assert all(q.accuracy is None for q in questions if q.key != item.question.key)
    rows = answers_by_player(contest)
    assert len(rows) == 2 and all(len(r) == 8 for r in rows.values())
    mine = rows[attempt.player_id]
    assert mine[0].correct and mine[0].points == 2 and mine[0].elapsed_ms is None
    assert [r.response for r in mine[1:]] == ["未作答"] * 7
    assert report.held == "2021-08-15 至 2021-09-15"


def test_an_offline_report_has_rankings_and_no_questions(loaded, tmp_path):
    contest = offline_contest()
    a, b = staff_of(loaded, "community", 2)
    import_scores(contest, sheet(tmp_path, [[a.staff_no, a.name, 80, 40, 1500], [b.staff_no, b.name, 90, None, None]]))
    report = contest_report(contest)
    assert report.questions is None and answers_by_player(contest) == {}
    people = [p for g in report.groups for p in g.people]
    assert [(r.rank, r.standing.name) for r in people] == [(1, b.name), (2, a.name)]
    tables = {t.key: t for t in report_tables(report)}
    assert tables["questions"].rows == [] and tables["answers"].rows == []
    assert report.held != "尚未进行"
    assert db_center_count(loaded, report) == sum(len(g.centers) for g in report.groups)


def db_center_count(db, report) -> int:
    names = {g.name for g in report.groups}
    return sum(1 for c in db.session.scalars(select(Center)) if c.group.name in names)


def test_a_question_never_asked_is_not_listed_and_leaves_the_maximum_once_finished(played):
    from quizengine.services.results import maximum_score

    contest, _ = played
    report = contest_report(contest)
    assert [q.key for q in report.questions] == ["hcp-001", "hcp-002", "hcp-003", "hcp-004", "hcp-005"]
    assert report.unasked == 1  # the risk question: the host had not put it yet
    before = maximum_score(contest)  # still running: the risk question may come (its highest stake, 30)
    live.finish(contest)
    assert maximum_score(contest) == before - 30


def test_a_roster_edit_after_a_ranking_shows_in_the_next_one(played, db):
    contest, players = played
    people, _ = rank_contest(contest)
    assert "何娜刚改" not in {r.standing.name for r in people}
    players["a"].staff.name = "何娜刚改"  # an organizer corrects a name during the contest: no answer changes
    db.session.commit()
    people, _ = rank_contest(contest)
    assert "何娜刚改" in {r.standing.name for r in people}
