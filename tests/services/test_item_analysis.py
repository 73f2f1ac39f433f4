"""Item analysis and the heat map from the database, against small contests computed by hand."""

from __future__ import annotations

import math
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from quizengine.core.heatmap import UNTAGGED
from quizengine.core.learning import Tally
from quizengine.extensions import db as _db
from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.models import Attempt, AttemptItem, Bank, Player, Staff
from quizengine.services import live
from quizengine.services.contests import import_contest
from quizengine.services.heatmap import contest_heatmap
from quizengine.services.item_analysis import bank_analysis, contest_analysis
from quizengine.services.roster import import_roster
from tests.conftest import FIXTURES, REPO, store_banks

T0 = datetime(2021, 9, 1, 9, 0, tzinfo=UTC)
LIVE = """
contest:
  title: 分析测试竞赛
  groups: [community]
  code: TEST01
  ready_seconds: 0
rounds:
  - title: 必答
    kind: mandatory
    time_limit: 10
    questions: [hcp-001, hcp-002, hcp-003, hcp-004]
  - title: 抢答
    kind: buzzer
    points: 20
    time_limit: 10
    questions: [hcp-005]
  - title: 风险
    kind: risk
    stakes: [10, 30]
    time_limit: 10
    questions: [hcp-006]
"""
EXTRA = """
  - {id: hcp-005, type: judge, stem: 抢答题, answer: 错, source: 测试}
  - {id: hcp-006, type: single, stem: 风险题, options: {A: 甲, B: 乙}, answer: B, source: 测试}
"""
PAPER = """
contest:
  title: 分析测试笔试
  groups: [community]
  mode: self_paced
  code: EXAM01
paper:
  opens: 2021-08-15 09:00
  closes: 2021-09-15 18:00
  time_limit: 30
  attempts: 2
  counting: best
  seed: 7
  sections:
    - {title: 单选判断, count: 2, points: 5, types: [single, judge], banks: [haochaping]}
"""
# Two people of each of two centers: 长寿路 (PTC0101, PTC0102) and 曹家渡 (PTC0201, PTC0202).
PEOPLE = ("PTC0101", "PTC0102", "PTC0201", "PTC0202")


def load(tmp_path) -> None:
    """The example bank (+2 untagged questions) and the sample roster."""
    bank = tmp_path / "bank.yaml"
    bank.write_text((FIXTURES / "banks" / "valid_example.yaml").read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    store_banks(bank)
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)


def _import(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    spec, problems = read_contest(path)
    assert problems == []
    contest, problems = import_contest(spec)
    assert problems == []
    live.open_contest(contest, None)
    return contest


def _names() -> dict[str, str]:
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    return {s.staff_no: s.name for s in roster.staff}


def play_live(tmp_path):
    """The live contest, played so its marks are a staircase (see the test below); returns it.

    mandatory: hcp-001 (p1..p3 right), hcp-002 (p1, p2 right; p3 picks A+B only), hcp-003 (p1 right, p2 wrong),
    hcp-004 (asked, nobody answers); buzzer hcp-005 (p4 presses and answers right); risk hcp-006 (open, not closed).
    """
    contest = _import(tmp_path, "live.yaml", LIVE)
    names = _names()
    p1, p2, p3, p4 = (live.join("TEST01", no, names[no], None) for no in PEOPLE)
    _db.session.commit()
    plan = [
        # (response, seconds after the open) per player; p1 answers slowly, so points are not the marks
        {p1: ("A", 9), p2: ("A", 1), p3: ("A", 0)},
        {p1: (["A", "B", "C"], 1), p2: (["A", "B", "C"], 1), p3: (["A", "B"], 1)},
        {p1: (True, 1), p2: (False, 1)},
        {},
    ]
    at = T0
    for answers in plan:
        rq = live.next_question(contest, at)
        for player, (response, seconds) in answers.items():
            live.submit_answer(player.id, rq.id, response, f"k{rq.id}", at + timedelta(seconds=seconds))
        live.close_question(contest, at + timedelta(seconds=10))
        at += timedelta(minutes=1)
    rq = live.next_question(contest, at)
    assert live.buzz(p4.id, rq.id, at + timedelta(seconds=1)).first
    _db.session.commit()
    live.submit_answer(p4.id, rq.id, False, "buzz", at + timedelta(seconds=2))
    live.close_question(contest, at + timedelta(seconds=10))
    live.next_question(contest, at + timedelta(minutes=1))  # the risk question stays open
    return contest


def sit_paper(tmp_path):
    """The paper, with attempts stored as given (each person's own two questions of 5 points):

    p1: A 5, B 5 (and a worse second attempt: not counted)   p2: A 5, C 0
    p3: B 0, C 5                                              p4: A 0, B 0 (unanswered)
    and PTC0103 with an attempt still open (not counted). A, B, C = hcp-001, hcp-003, hcp-006.
    """
    contest = _import(tmp_path, "paper.yaml", PAPER)
    pool = {rq.question.key: rq.question for rq in contest.rounds[0].questions}
    a, b, c = pool["hcp-001"], pool["hcp-003"], pool["hcp-006"]
    section = contest.rounds[0].id
    papers = {
        "PTC0101": [[(a, 5), (b, 5)], [(a, 0), (b, 5)]],
        "PTC0102": [[(a, 5), (c, 0)]],
        "PTC0201": [[(b, 0), (c, 5)]],
        "PTC0202": [[(a, None), (b, None)]],
        "PTC0103": [[(a, None), (c, None)]],
    }
    for staff_no, attempts in papers.items():
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == staff_no))
        player = Player(contest_id=contest.id, staff_id=staff.id, token=secrets.token_urlsafe(24))
        _db.session.add(player)
        _db.session.flush()
        for number, items in enumerate(attempts, start=1):
            still_open = staff_no == "PTC0103"
            start = T0 + timedelta(hours=number)
            attempt = Attempt(
                contest_id=contest.id,
                player_id=player.id,
                number=number,
                seed=number,
                started_at=start,
                deadline=start + timedelta(minutes=30),
                closed_at=None if still_open else start + timedelta(minutes=10),
                closed_by=None if still_open else "submit",
                points=sum(p or 0 for _, p in items),
                correct=sum(1 for _, p in items if p),
                answered=sum(1 for _, p in items if p is not None),
            )
            _db.session.add(attempt)
            _db.session.flush()
            for position, (question, points) in enumerate(items, start=1):
                _db.session.add(
                    AttemptItem(
                        attempt_id=attempt.id,
                        position=position,
                        round_id=section,
                        question_id=question.id,
                        option_order=[],
                        points_value=5,
                        response=None if points is None or still_open else "answered",
                        correct=None if points is None or still_open else points > 0,
                        points=None if still_open else points,
                    )
                )
    _db.session.commit()
    return contest


@pytest.fixture
def played(db, tmp_path):
    """The live contest and the paper, over the example bank."""
    load(tmp_path)
    return play_live(tmp_path), sit_paper(tmp_path)


def by_key(result) -> dict:
    return {row.question.key: row.stats for row in result.rows}


def test_live_marks_are_right_or_wrong_and_leave_buzzer_rounds_and_unclosed_questions_out(played):
    result = contest_analysis(played[0])
    # Marks (p1..p4 by hcp-001..004): 1110, 1100, 1000, 0000 — p4 joined and answered only the buzzer question.
    stats = by_key(result)
    assert list(stats) == ["hcp-001", "hcp-002", "hcp-003", "hcp-004"]
    assert [s.facility for s in stats.values()] == [0.75, 0.5, 0.25, 0.0]
    assert all(s.people == 4 for s in stats.values())
    # hcp-001: marks 1,1,1,0 against the rest 2,1,0,0 (hand-computed in tests/core/test_itemanalysis.py).
    assert stats["hcp-001"].discrimination == pytest.approx(0.25 / math.sqrt(0.25 * 2.75 / 3))
    assert stats["hcp-004"].flags == ("too_hard",)
    # Totals 3,2,1,0 (V = 5/3); item variances 1/4, 1/3, 1/4, 0: alpha = 4/3 x (1 - (5/6) / (5/3)) = 2/3.
    test = result.analysis.test
    assert (test.people, test.mean) == (4, 1.5)
    assert test.alpha == pytest.approx(2 / 3)
    assert test.standard_error == pytest.approx(math.sqrt(1 / 3) * math.sqrt(5 / 3))
    assert result.analysis.warnings == ["只有 4 人作答（少于 30 人），以下统计数字参考意义有限"]
    assert any(reason.startswith("抢答（1 道）：抢答题只有抢到的人作答") for reason in result.left_out)
    assert "1 道：还没有出题或还没有关闭的题不参加分析" in result.left_out


def test_a_paper_analyses_each_question_among_the_people_who_had_it(played):
    result = contest_analysis(played[1])
    stats = by_key(result)
    a, b, c = stats["hcp-001"], stats["hcp-003"], stats["hcp-006"]
    # Counted attempts: p1 10 (A5 B5), p2 5 (A5 C0), p3 5 (B0 C5), p4 0; the open attempt is not counted.
    assert result.analysis.test.people == 4 and result.analysis.test.mean == 5
    # A among p1, p2, p4: marks 5,5,0 of 5; rest 5,0,0: V = 25/3 both, C = 25/6, so P = 0.5.
    assert (a.people, a.facility) == (3, pytest.approx(2 / 3))
    assert a.sd == pytest.approx(math.sqrt(1 / 3))
    assert a.discrimination == pytest.approx(0.5)
    assert (b.people, b.facility) == (3, pytest.approx(1 / 3))
    # C among p2 (0, rest 5) and p3 (5, rest 0): perfectly reversed.
    assert (c.people, c.facility) == (2, 0.5)
    assert c.discrimination == pytest.approx(-1) and "negative_discrimination" in c.flags
    # By position: 5,5 / 5,0 / 0,5 / 0,0 — each slot's variance 25/3, the totals' 50/3: alpha = 2 x (1 - 1) = 0.
    assert result.analysis.test.alpha == pytest.approx(0)
    assert result.analysis.test.standard_error == pytest.approx(math.sqrt(50 / 3))


def test_a_bank_pools_its_questions_over_the_contests_that_used_them(played):
    bank = _db.session.scalar(select(Bank).where(Bank.key == "haochaping"))
    result = bank_analysis(bank)
    assert [(c.code, people) for c, people in result.contests] == [("TEST01", 4), ("EXAM01", 4)]
    items = {item.key: item for item in result.items}
    # hcp-001: 4 people at 75% live, 3 at 2/3 on the paper: (3 + 2) / 7.
    assert items["hcp-001"].pooled.people == 7
    assert items["hcp-001"].pooled.facility == pytest.approx(5 / 7)
    assert [c.code for c, _ in items["hcp-001"].uses] == ["TEST01", "EXAM01"]
    assert items["hcp-006"].pooled.negative_in == ("EXAM01",)
    assert {key: item.flag_texts for key, item in result.flagged.items()} == {
        "hcp-004": ["过难（得分率低于 10%）"],
        "hcp-006": ["区分度为负：成绩较差的人反而答得好，请检查答案"],
    }
    assert "hcp-005" not in items  # only asked in a buzzer round
    assert result.warnings == ["有 5 道题作答人数少于 30 人，这些题的统计数字参考意义有限"]
    assert bank_analysis(bank, {"market"}).contests == []  # another group's organizer sees none of them


def test_heatmap_cells_are_each_centers_accuracy_per_topic_and_blank_without_answers(played):
    heatmap = contest_heatmap(played[0])
    assert heatmap.columns == [
        ("haochaping", "政务服务“好差评”"),
        ("national", "国家政策"),
        (UNTAGGED, "（无专题标签）"),
    ]
    (group,) = heatmap.groups
    rows = {row.center: row for row in group.rows}
    assert len(rows) == 10  # every center of the group, answered or not
    changshou, caojiadu = rows["长寿路街道社区事务受理服务中心"], rows["曹家渡街道社区事务受理服务中心"]
    # 长寿路: hcp-001 2/2, hcp-002 2/2, hcp-003 1/2 (haochaping); hcp-001 is also national.
    assert changshou.cells == {"haochaping": Tally(6, 5), "national": Tally(2, 2)}
    assert changshou.cells.get(UNTAGGED) is None  # blank, not 0%
    # 曹家渡: hcp-001 right, hcp-002 half right (counts as wrong), the buzzer question right (untagged).
    assert caojiadu.cells == {"haochaping": Tally(2, 1), "national": Tally(1, 1), UNTAGGED: Tally(1, 1)}
    assert (caojiadu.total, group.total) == (Tally(3, 2), Tally(9, 7))
    assert rows["桃浦镇社区事务受理服务中心"].cells == {}
    assert heatmap.band(changshou.cells["haochaping"]) == 3 and heatmap.band(caojiadu.cells["haochaping"]) == 0


def test_a_papers_heatmap_counts_the_answered_items_of_counted_attempts(played):
    heatmap = contest_heatmap(played[1])
    rows = {row.center: row for row in heatmap.groups[0].rows}
    # 长寿路: p1's counted attempt (A right, B right) and p2 (A right, C wrong); p1's second attempt is not counted.
    assert rows["长寿路街道社区事务受理服务中心"].total == Tally(4, 3)
    # 曹家渡: p3 (B wrong, C right); p4 answered nothing.
    assert rows["曹家渡街道社区事务受理服务中心"].total == Tally(2, 1)


def test_a_partly_right_multiple_choice_marks_a_half_where_the_round_gives_half(db, tmp_path):
    load(tmp_path)
    text = LIVE.replace("TEST01", "TEST02").replace("kind: mandatory\n", "kind: mandatory\n    multiple: partial\n")
    contest = _import(tmp_path, "partial.yaml", text)
    names = _names()
    first, second = (live.join("TEST02", no, names[no], None) for no in PEOPLE[:2])
    _db.session.commit()
    live.next_question(contest, T0)  # hcp-001: not answered
    live.close_question(contest, T0 + timedelta(seconds=10))
    rq = live.next_question(contest, T0 + timedelta(minutes=1))  # hcp-002, the multiple choice A, B, C
    live.submit_answer(first.id, rq.id, ["A", "B", "C"], "a", T0 + timedelta(minutes=1, seconds=1))
    live.submit_answer(second.id, rq.id, ["A", "B"], "b", T0 + timedelta(minutes=1, seconds=1))
    live.close_question(contest, T0 + timedelta(minutes=1, seconds=10))
    stats = by_key(contest_analysis(contest))
    assert stats["hcp-002"].facility == 0.75  # (1 + 0.5) / 2
    assert stats["hcp-001"].facility == 0.0


def test_a_bank_lists_only_opened_contests_as_its_sources(db, tmp_path):
    load(tmp_path)
    path = tmp_path / "draft.yaml"
    path.write_text(LIVE.replace("TEST01", "DRAFT1"), encoding="utf-8")
    spec, _ = read_contest(path)
    import_contest(spec)  # never opened
    bank = _db.session.scalar(select(Bank).where(Bank.key == "haochaping"))
    assert bank_analysis(bank).contests == []
